#include "catalog/catalog_service.h"

#include <unordered_map>

#include "core/ids.h"

namespace sonora::catalog {

namespace {
Status CheckId(const std::string& id, const char* field) {
  if (!IsWellFormedId(id)) return Status::InvalidArgument(field, "malformed id");
  return Status();
}
}  // namespace

Result<Track> CatalogService::GetTrack(const std::string& track_id) {
  if (!IsWellFormedId(track_id)) return Status::NotFound("no such track");
  SONORA_ASSIGN_OR_RETURN(auto tracks, repo_.GetTracks({track_id}));
  if (tracks.empty()) return Status::NotFound("no such track");
  return std::move(tracks[0]);
}

Result<std::vector<std::optional<Track>>> CatalogService::GetTracks(
    const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::InvalidArgument("ids", "'ids' must name at least one track");
  if (ids.size() > kMaxBatchIds) {
    return Status::InvalidArgument("ids", "'ids' may name at most 50 tracks");
  }
  for (const auto& id : ids) SONORA_RETURN_IF_ERROR(CheckId(id, "ids"));
  SONORA_ASSIGN_OR_RETURN(auto found, repo_.GetTracks(ids));
  std::unordered_map<std::string, Track*> by_id;
  for (auto& t : found) by_id[t.track_id] = &t;
  std::vector<std::optional<Track>> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    auto it = by_id.find(id);
    out.push_back(it == by_id.end() ? std::nullopt : std::optional<Track>(*it->second));
  }
  return out;
}

Result<Album> CatalogService::GetAlbum(const std::string& album_id) {
  if (!IsWellFormedId(album_id)) return Status::NotFound("no such album");
  return repo_.GetAlbum(album_id);
}

Result<Paged<Track>> CatalogService::GetAlbumTracks(const std::string& album_id, int64_t limit,
                                                    int64_t offset) {
  SONORA_ASSIGN_OR_RETURN(Album album, GetAlbum(album_id));
  Paged<Track> page;
  SONORA_ASSIGN_OR_RETURN(page.items, repo_.GetAlbumTracks(album_id, limit, offset));
  page.total = album.total_tracks;
  page.limit = limit;
  page.offset = offset;
  return page;
}

Result<Artist> CatalogService::GetArtist(const std::string& artist_id) {
  if (!IsWellFormedId(artist_id)) return Status::NotFound("no such artist");
  return repo_.GetArtist(artist_id);
}

Result<Paged<Album>> CatalogService::GetArtistAlbums(const std::string& artist_id,
                                                     const std::vector<AlbumType>& types,
                                                     int64_t limit, int64_t offset) {
  SONORA_RETURN_IF_ERROR(GetArtist(artist_id).status());
  Paged<Album> page;
  SONORA_ASSIGN_OR_RETURN(page.items, repo_.GetArtistAlbums(artist_id, types, limit, offset));
  SONORA_ASSIGN_OR_RETURN(page.total, repo_.CountArtistAlbums(artist_id, types));
  page.limit = limit;
  page.offset = offset;
  return page;
}

}  // namespace sonora::catalog
