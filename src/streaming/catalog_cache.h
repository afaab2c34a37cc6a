// The catalog rows POST /player/play reads on every request, cached in memory: a track by id
// and an album's track list (next_tracks' default context). Catalog rows change rarely and
// plays repeat the same tracks, so most plays need no catalog query at all.
//
// Invalidation: Refresh() reads the content version (CatalogRepository::ContentVersion,
// advanced by triggers in the same transaction as any track, album, artist or media edit, from
// any process or node, and seen only once that transaction commits) and drops every entry when
// it moved, so a read after Refresh() sees every catalog edit committed before it: a region
// restriction, a takedown (the track disappears: 404), a new album track. One tiny query
// replaces the row reads, and an entry lives until the version moves or it is the least
// recently used one of a full cache. A read that started before a Refresh() emptied the cache
// answers its caller but is not kept (it may hold rows older than the new version).
// docs/decisions/0014-media-fast-path.md records the choice.
//
// Memory-only reads (PeekTrack, PeekAlbumTracks) serve play's non-blocking attempt on the I/O
// thread: they never query, so they trust the last Refresh() for kMemoryOnlyWindow, and an
// edit committed less than that before a play may be missed by it (docs/decisions/
// 0009-streaming.md, "Play on the I/O thread").
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_repository.h"
#include "core/lru_map.h"
#include "core/result.h"
#include "core/thread_annotations.h"

namespace sonora::streaming {

// A catalog track as play answers with it: the row, and its JSON (catalog::TrackJson without a
// market) rendered once, as text without the closing brace so a response can add per-request
// members ("is_playable", "preview_url") and close it.
struct CachedTrack {
  catalog::Track track;

  explicit CachedTrack(catalog::Track t) : track(std::move(t)) {}
  // Appends the track's JSON object, with "is_playable" for `market` when one is given. The
  // text is rendered on first use (an album read caches tracks that may never be answered).
  void AppendJson(std::string& out, std::string_view market) const;

 private:
  mutable std::once_flag rendered_;
  mutable std::string json_open_;
};
using TrackRef = std::shared_ptr<const CachedTrack>;

class CatalogCache {
 public:
  static constexpr size_t kMaxTracks = 200'000;
  static constexpr size_t kMaxAlbums = 50'000;
  static constexpr int64_t kMaxAlbumTracks = 500;
  // How long after a Refresh() started the memory-only reads answer without a version read.
  static constexpr std::chrono::milliseconds kMemoryOnlyWindow{10};

  explicit CatalogCache(catalog::CatalogRepository& repo)
      : repo_(repo), tracks_(kMaxTracks), albums_(kMaxAlbums) {}

  // Reads the content version and empties the cache when it moved. Call once per request,
  // before the getters (entries are kept until a Refresh() sees a new version). Returns the
  // version read, for caches of other rows it covers (MediaFiles::Observe). Errors: whatever
  // the database returns.
  Result<int64_t> Refresh();

  // The track, or nullptr when no such track exists (not cached: a miss is asked again). A miss
  // reads the track's whole album in the same query, since play asks for the album next.
  // Errors: whatever the database returns. Thread-safe.
  Result<TrackRef> Track(const std::string& track_id);
  // The tracks of `ids` that exist, in that order; one query for all the misses. Thread-safe.
  Result<std::vector<TrackRef>> Tracks(const std::vector<std::string>& ids);
  // The album's tracks by disc and track number (up to kMaxAlbumTracks); empty for an unknown
  // album. Thread-safe.
  Result<std::shared_ptr<const std::vector<TrackRef>>> AlbumTracks(const std::string& album_id);

  // Memory only, never blocking: whether a Refresh() started less than kMemoryOnlyWindow ago,
  // so the Peek* answers see every catalog edit committed before then. Once half the window
  // has passed, the first caller is told false (its request goes to a worker, whose Refresh()
  // renews the window) and the others true until the window ends: under steady load the
  // window is renewed before it lapses instead of every request falling back together.
  // Thread-safe.
  bool RecentlyRefreshed();
  // Memory only: the cached track, or nullptr when it is not cached (a miss says nothing about
  // whether the track exists: ask Track()). Thread-safe; never blocks on I/O.
  TrackRef PeekTrack(const std::string& track_id);
  // Memory only: the cached album list, or nullptr when it is not cached.
  std::shared_ptr<const std::vector<TrackRef>> PeekAlbumTracks(const std::string& album_id);
  // Memory only: the tracks of `ids` in order when every one is cached, else nullopt.
  std::optional<std::vector<TrackRef>> PeekTracks(const std::vector<std::string>& ids);

 private:
  using Clock = std::chrono::steady_clock;
  using AlbumRef = std::shared_ptr<const std::vector<TrackRef>>;

  // Keeps `rows` as the album's list and each row as a track when no Refresh() emptied the
  // cache since `generation` was taken (before the rows were read); returns the list either
  // way.
  AlbumRef RememberAlbum(const std::string& album_id, std::vector<catalog::Track> rows,
                         uint64_t generation) SONORA_REQUIRES(mu_);
  TrackRef RememberTrack(catalog::Track row, uint64_t generation) SONORA_REQUIRES(mu_);

  catalog::CatalogRepository& repo_;
  std::mutex mu_;
  int64_t version_ SONORA_GUARDED_BY(mu_) = -1;
  // Advanced each time the cache is emptied: a read taken under an older one is not kept.
  uint64_t generation_ SONORA_GUARDED_BY(mu_) = 0;
  // When the latest Refresh() that confirmed version_ started its read.
  Clock::time_point refreshed_at_ SONORA_GUARDED_BY(mu_);
  // When a caller of RecentlyRefreshed() was last sent to renew the window (void once a
  // Refresh() starts after it, or half a window later).
  Clock::time_point renewal_claimed_at_ SONORA_GUARDED_BY(mu_);
  LruMap<std::string, TrackRef> tracks_ SONORA_GUARDED_BY(mu_);
  LruMap<std::string, AlbumRef> albums_ SONORA_GUARDED_BY(mu_);
};

}  // namespace sonora::streaming
