#include "streaming/catalog_cache.h"

#include <utility>

namespace sonora::streaming {

Status CatalogCache::Refresh() {
  SONORA_ASSIGN_OR_RETURN(int64_t counter, repo_.ChangeCounter());
  std::lock_guard<std::mutex> lock(mu_);
  if (counter != counter_) {
    tracks_.clear();
    albums_.clear();
    counter_ = counter;
  }
  return Status();
}

Result<std::shared_ptr<const catalog::Track>> CatalogCache::Track(const std::string& track_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tracks_.find(track_id);
    if (it != tracks_.end() && now - it->second.read_at < kRecheck) return it->second.value;
  }
  SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetTracks({track_id}));
  std::lock_guard<std::mutex> lock(mu_);
  if (rows.empty()) {
    tracks_.erase(track_id);  // gone since it was cached: never serve the old row
    return std::shared_ptr<const catalog::Track>();
  }
  auto value = std::make_shared<const catalog::Track>(std::move(rows[0]));
  if (tracks_.size() >= kMaxEntries) tracks_.clear();
  tracks_[track_id] = {value, now};
  return value;
}

Result<std::shared_ptr<const std::vector<catalog::Track>>> CatalogCache::AlbumTracks(
    const std::string& album_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = albums_.find(album_id);
    if (it != albums_.end() && now - it->second.read_at < kRecheck) return it->second.value;
  }
  SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetAlbumTracks(album_id, kMaxAlbumTracks, 0));
  auto value = std::make_shared<const std::vector<catalog::Track>>(std::move(rows));
  std::lock_guard<std::mutex> lock(mu_);
  if (albums_.size() >= kMaxEntries) albums_.clear();
  albums_[album_id] = {value, now};
  return value;
}

}  // namespace sonora::streaming
