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

Status CatalogCache::Refresh() {
  // Taken before the read: every edit committed before this instant is in `counter`.
  const auto started = Clock::now();
  SONORA_ASSIGN_OR_RETURN(int64_t counter, repo_.ChangeCounter());
  std::lock_guard<std::mutex> lock(mu_);
  if (counter != counter_) {
    tracks_.clear();
    albums_.clear();
    counter_ = counter;
  }
  // Only forward: a slow read that started earlier must not extend the window it did not see.
  refreshed_at_ = std::max(refreshed_at_, started);
  return Status();
}

bool CatalogCache::RecentlyRefreshed() {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  const auto age = now - refreshed_at_;
  if (counter_ < 0 || age >= kMemoryOnlyWindow) return false;
  if (age < kMemoryOnlyWindow / 2) return true;
  const bool renewing = renewal_claimed_at_ > refreshed_at_ &&
                        now - renewal_claimed_at_ < kMemoryOnlyWindow / 2;
  if (renewing) return true;
  renewal_claimed_at_ = now;  // this caller's request renews the window on a worker
  return false;
}

TrackRef CatalogCache::PeekTrack(const std::string& track_id) {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  return FreshTrack(track_id, now);
}

std::optional<std::vector<TrackRef>> CatalogCache::PeekTracks(
    const std::vector<std::string>& ids) {
  const auto now = Clock::now();
  std::vector<TrackRef> out;
  out.reserve(ids.size());
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : ids) {
    TrackRef t = FreshTrack(id, now);
    if (!t) return std::nullopt;
    out.push_back(std::move(t));
  }
  return out;
}

std::shared_ptr<const std::vector<TrackRef>> CatalogCache::PeekAlbumTracks(
    const std::string& album_id) {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = albums_.find(album_id);
  if (it != albums_.end() && now - it->second.read_at < kRecheck) return it->second.value;
  return nullptr;
}

TrackRef CatalogCache::FreshTrack(const std::string& track_id, Clock::time_point now) {
  auto it = tracks_.find(track_id);
  if (it != tracks_.end() && now - it->second.read_at < kRecheck) return it->second.value;
  return nullptr;
}

TrackRef CatalogCache::Remember(catalog::Track t, Clock::time_point now) {
  if (tracks_.size() >= kMaxEntries) tracks_.clear();
  std::string id = t.track_id;
  auto value = std::make_shared<const CachedTrack>(std::move(t));
  tracks_[std::move(id)] = {value, now};
  return value;
}

std::shared_ptr<const std::vector<TrackRef>> CatalogCache::RememberAlbum(
    const std::string& album_id, std::vector<catalog::Track> rows, Clock::time_point now) {
  auto list = std::make_shared<std::vector<TrackRef>>();
  list->reserve(rows.size());
  for (auto& row : rows) list->push_back(Remember(std::move(row), now));
  if (albums_.size() >= kMaxEntries) albums_.clear();
  albums_[album_id] = {list, now};
  return list;
}

Result<TrackRef> CatalogCache::Track(const std::string& track_id) {
  const auto now = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto hit = FreshTrack(track_id, now)) return hit;
  }
  // The album comes with the track: play's next_tracks asks for it right after.
  SONORA_ASSIGN_OR_RETURN(auto album, repo_.GetAlbumTracksOfTrack(track_id, kMaxAlbumTracks));
  if (!album.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string album_id = album.front().album.album_id;
    RememberAlbum(album_id, std::move(album), now);
    if (auto hit = FreshTrack(track_id, now)) return hit;
  }
  // Gone, or not among its album's first kMaxAlbumTracks.
  SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetTracks({track_id}));
  std::lock_guard<std::mutex> lock(mu_);
  if (rows.empty()) {
    tracks_.erase(track_id);  // gone since it was cached: never serve the old row
    return TrackRef();
  }
  return Remember(std::move(rows[0]), now);
}

Result<std::vector<TrackRef>> CatalogCache::Tracks(const std::vector<std::string>& ids) {
  const auto now = Clock::now();
  std::vector<TrackRef> out(ids.size());
  std::vector<std::string> missing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < ids.size(); ++i) {
      out[i] = FreshTrack(ids[i], now);
      if (!out[i]) missing.push_back(ids[i]);
    }
  }
  if (!missing.empty()) {
    SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetTracks(missing));
    std::unordered_map<std::string, TrackRef> read;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& row : rows) {
        std::string id = row.track_id;
        read.emplace(std::move(id), Remember(std::move(row), now));
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
  const auto now = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = albums_.find(album_id);
    if (it != albums_.end() && now - it->second.read_at < kRecheck) return it->second.value;
  }
  SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetAlbumTracks(album_id, kMaxAlbumTracks, 0));
  std::lock_guard<std::mutex> lock(mu_);
  return RememberAlbum(album_id, std::move(rows), now);
}

}  // namespace sonora::streaming
