// Catalog reads: single and batch tracks, albums with their tracks, artists and their albums.
// Market rules are applied by the caller's JSON (is_playable), so one read serves all markets.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_repository.h"
#include "core/result.h"

namespace sonora::catalog {

template <typename T>
struct Paged {
  std::vector<T> items;
  int64_t total = 0;
  int64_t limit = 0;
  int64_t offset = 0;
};

class CatalogService {
 public:
  explicit CatalogService(CatalogRepository& repo) : repo_(repo) {}

  // kNotFound when absent; kInvalidArgument ("id") when the id is malformed.
  Result<Track> GetTrack(const std::string& track_id);
  // In request order, nullopt for unknown ids (Spotify's batch semantics).
  // kInvalidArgument ("ids") when empty, over kMaxBatchIds, or an id is malformed.
  Result<std::vector<std::optional<Track>>> GetTracks(const std::vector<std::string>& ids);
  Result<Album> GetAlbum(const std::string& album_id);
  // kNotFound when the album is absent.
  Result<Paged<Track>> GetAlbumTracks(const std::string& album_id, int64_t limit, int64_t offset);
  Result<Artist> GetArtist(const std::string& artist_id);
  // kNotFound when the artist is absent.
  Result<Paged<Album>> GetArtistAlbums(const std::string& artist_id,
                                       const std::vector<AlbumType>& types, int64_t limit,
                                       int64_t offset);

 private:
  CatalogRepository& repo_;
};

}  // namespace sonora::catalog
