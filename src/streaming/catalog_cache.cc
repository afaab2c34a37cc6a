#include "streaming/catalog_cache.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "catalog/catalog.h"
#include "catalog/catalog_json.h"
#include "core/json.h"

namespace sonora::streaming {

void CachedTrack::AppendJson(std::string& out, std::string_view market) const {
  std::call_once(rendered_, [this] {
    json_open_ = DumpJson(catalog::TrackJson(track, ""));
    json_open_.pop_back();  // the closing '}'
  });
  out += json_open_;
  if (!market.empty()) {
    out += catalog::AvailableIn(track.available_countries, market) ? ",\"is_playable\":true"
                                                                   : ",\"is_playable\":false";
  }
  out.push_back('}');
}

Result<int64_t> CatalogCache::Refresh() {
  // Taken before the read: every edit committed before this instant is in `version`.
  const auto started = Clock::now();
  SONORA_ASSIGN_OR_RETURN(int64_t version, repo_.ContentVersion());
  std::lock_guard<std::mutex> lock(mu_);
  if (version != version_) {
    tracks_.Clear();
    albums_.Clear();
    version_ = version;
    ++generation_;
  }
  // Only forward: a slow read that started earlier must not extend the window it did not see.
  refreshed_at_ = std::max(refreshed_at_, started);
  return version;
}

bool CatalogCache::RecentlyRefreshed() {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  const auto age = now - refreshed_at_;
  if (version_ < 0 || age >= kMemoryOnlyWindow) return false;
  if (age < kMemoryOnlyWindow / 2) return true;
  const bool renewing =
      renewal_claimed_at_ > refreshed_at_ && now - renewal_claimed_at_ < kMemoryOnlyWindow / 2;
  if (renewing) return true;
  renewal_claimed_at_ = now;  // this caller's request renews the window on a worker
  return false;
}

TrackRef CatalogCache::PeekTrack(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(mu_);
  TrackRef* hit = tracks_.Find(track_id);
  return hit ? *hit : nullptr;
}

std::optional<std::vector<TrackRef>> CatalogCache::PeekTracks(const std::vector<std::string>& ids) {
  std::vector<TrackRef> out;
  out.reserve(ids.size());
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : ids) {
    TrackRef* hit = tracks_.Find(id);
    if (!hit) return std::nullopt;
    out.push_back(*hit);
  }
  return out;
}

std::shared_ptr<const std::vector<TrackRef>> CatalogCache::PeekAlbumTracks(
    const std::string& album_id) {
  std::lock_guard<std::mutex> lock(mu_);
  AlbumRef* hit = albums_.Find(album_id);
  return hit ? *hit : nullptr;
}

TrackRef CatalogCache::RememberTrack(catalog::Track row, uint64_t generation) {
  auto value = std::make_shared<const CachedTrack>(std::move(row));
  if (generation == generation_) tracks_.Put(value->track.track_id, value);
  return value;
}

CatalogCache::AlbumRef CatalogCache::RememberAlbum(const std::string& album_id,
                                                   std::vector<catalog::Track> rows,
                                                   uint64_t generation) {
  auto list = std::make_shared<std::vector<TrackRef>>();
  list->reserve(rows.size());
  for (auto& row : rows) list->push_back(RememberTrack(std::move(row), generation));
  if (generation == generation_) albums_.Put(album_id, list);
  return list;
}

Result<TrackRef> CatalogCache::Track(const std::string& track_id) {
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (TrackRef* hit = tracks_.Find(track_id)) return *hit;
    generation = generation_;
  }
  // The album comes with the track: play's next_tracks asks for it right after.
  SONORA_ASSIGN_OR_RETURN(auto album, repo_.GetAlbumTracksOfTrack(track_id, kMaxAlbumTracks));
  if (!album.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string album_id = album.front().album.album_id;
    AlbumRef list = RememberAlbum(album_id, std::move(album), generation);
    for (const TrackRef& t : *list) {
      if (t->track.track_id == track_id) return t;
    }
  }
  // Gone, or not among its album's first kMaxAlbumTracks.
  SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetTracks({track_id}));
  std::lock_guard<std::mutex> lock(mu_);
  if (rows.empty()) {
    tracks_.Erase(track_id);  // gone since it was cached: never serve the old row
    return TrackRef();
  }
  return RememberTrack(std::move(rows[0]), generation);
}

Result<std::vector<TrackRef>> CatalogCache::Tracks(const std::vector<std::string>& ids) {
  std::vector<TrackRef> out(ids.size());
  std::vector<std::string> missing;
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (TrackRef* hit = tracks_.Find(ids[i])) {
        out[i] = *hit;
      } else {
        missing.push_back(ids[i]);
      }
    }
    generation = generation_;
  }
  if (!missing.empty()) {
    SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetTracks(missing));
    std::unordered_map<std::string, TrackRef> read;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& row : rows) {
        std::string id = row.track_id;
        read.emplace(std::move(id), RememberTrack(std::move(row), generation));
      }
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      if (out[i]) continue;
      if (auto it = read.find(ids[i]); it != read.end()) out[i] = it->second;
    }
  }
  std::erase(out, nullptr);
  return out;
}

Result<std::shared_ptr<const std::vector<TrackRef>>> CatalogCache::AlbumTracks(
    const std::string& album_id) {
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (AlbumRef* hit = albums_.Find(album_id)) return *hit;
    generation = generation_;
  }
  SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetAlbumTracks(album_id, kMaxAlbumTracks, 0));
  std::lock_guard<std::mutex> lock(mu_);
  return RememberAlbum(album_id, std::move(rows), generation);
}

}  // namespace sonora::streaming
