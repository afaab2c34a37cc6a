// The catalog rows POST /player/play reads on every request, cached in memory: a track by id
// and an album's track list (next_tracks' default context). Catalog rows change rarely and
// plays repeat the same tracks, so most plays need no catalog query at all.
//
// Invalidation: Refresh() reads the catalog's change counter (CatalogRepository::
// ChangeCounter, advanced by triggers in the same transaction as any track, album or artist
// edit, from any process or node) and drops every entry when it moved, so a read after
// Refresh() sees every catalog edit committed before it: a region restriction, a takedown (the
// track disappears: 404), a new album track. One tiny query replaces the two row reads. As a
// backstop an entry is also read again once older than kRecheck (PostgreSQL shows a sequence
// value before its transaction commits, so a Refresh() racing an edit may cache the old row
// under the new counter). docs/decisions/0014-media-fast-path.md records the choice.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_repository.h"
#include "core/result.h"
#include "core/thread_annotations.h"

namespace sonora::streaming {

class CatalogCache {
 public:
  static constexpr std::chrono::seconds kRecheck{2};
  static constexpr size_t kMaxEntries = 200'000;  // per map; cleared when full, refills on demand

  explicit CatalogCache(catalog::CatalogRepository& repo) : repo_(repo) {}

  // Checks the catalog's change counter and empties the cache when it moved. Call once per
  // request, before Track() and AlbumTracks(). Errors: whatever the database returns.
  Status Refresh();

  // The track, or nullptr when no such track exists (not cached: a miss is asked again).
  // Errors: whatever the database returns. Thread-safe.
  Result<std::shared_ptr<const catalog::Track>> Track(const std::string& track_id);
  // The album's tracks by disc and track number (up to kMaxAlbumTracks); empty for an unknown
  // album. Thread-safe.
  Result<std::shared_ptr<const std::vector<catalog::Track>>> AlbumTracks(
      const std::string& album_id);

  static constexpr int64_t kMaxAlbumTracks = 500;

 private:
  template <typename T>
  struct Entry {
    std::shared_ptr<const T> value;
    std::chrono::steady_clock::time_point read_at;
  };

  catalog::CatalogRepository& repo_;
  std::mutex mu_;
  int64_t counter_ SONORA_GUARDED_BY(mu_) = -1;
  std::unordered_map<std::string, Entry<catalog::Track>> tracks_ SONORA_GUARDED_BY(mu_);
  std::unordered_map<std::string, Entry<std::vector<catalog::Track>>> albums_
      SONORA_GUARDED_BY(mu_);
};

}  // namespace sonora::streaming
