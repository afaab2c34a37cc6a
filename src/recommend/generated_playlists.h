// Playlists the service writes for each user on a schedule (seed 000 §8): Discover Weekly
// (Mondays), Daily Mix (every day, up to 6 lists) and Release Radar (Fridays). A family
// generates its lists once per period, stores them in generated_playlists and reads them back
// for the rest of the period, so a list does not change under the listener; `sonora recommend
// run` generates a period's lists for every user ahead of time, and a request in a period
// nobody ran it generates that user's lists on the spot.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "core/result.h"
#include "recommend/generated_playlist_repository.h"
#include "store/database.h"

namespace sonora::recommend {

inline constexpr int64_t kDayMs = 86'400'000;

// 00:00 UTC of the day holding `ms` (unix ms), and of the latest `weekday` (0 = Monday ..
// 6 = Sunday) at or before it.
int64_t DayStartMillis(int64_t ms);
int64_t WeekdayStartMillis(int64_t ms, int weekday);
// Monday 00:00 UTC of the week holding `ms`.
inline int64_t WeekStartMillis(int64_t ms) { return WeekdayStartMillis(ms, 0); }

// One list as stored and read back, with its tracks.
struct GeneratedPlaylist {
  std::string user_id;
  std::string kind, name, description;
  int64_t generated_at_ms = 0;
  int64_t expires_at_ms = 0;
  std::vector<catalog::Track> tracks;  // in order; tracks deleted since generation are left out
  std::unordered_set<std::string> new_tracks;
};

class PlaylistFamily {
 public:
  PlaylistFamily(store::Database& db, catalog::CatalogRepository& repo, const Clock& clock)
      : store_(db), repo_(repo), clock_(clock) {}
  virtual ~PlaylistFamily() = default;
  PlaylistFamily(const PlaylistFamily&) = delete;
  PlaylistFamily& operator=(const PlaylistFamily&) = delete;

  // This period's lists for `user_id` in kind order, generating and storing them when the
  // period has none yet. `country` is the user's market. Concurrent first requests store one
  // set (the first writer wins, all or nothing) and both return it. Empty when the family
  // has nothing to offer (an empty catalog); nothing is stored then.
  Result<std::vector<GeneratedPlaylist>> GetAll(const std::string& user_id,
                                                const std::string& country);

  // GetAll's first list, for families of one (Discover Weekly, Release Radar), which store
  // their list even when it is empty; kInternal when nothing was stored.
  Result<GeneratedPlaylist> Get(const std::string& user_id, const std::string& country);

  // Generates this period's lists for every user who has none yet, on `threads` threads,
  // committing them in batches of users; calls `progress(done, total)` for each committed user
  // (serialized, `done` rising by one). Returns how many users got lists.
  Result<int64_t> GenerateAll(const std::function<void(int64_t, int64_t)>& progress,
                              int threads = 1);

  virtual std::string_view family() const = 0;

 protected:
  virtual int64_t PeriodStart(int64_t now_ms) const = 0;
  virtual int64_t PeriodLengthMs() const = 0;
  // The lists for one user, best first; kinds must be distinct within the family.
  virtual Result<std::vector<GeneratedList>> Generate(const std::string& user_id,
                                                      const std::string& country,
                                                      int64_t now_ms) = 0;

  const Clock& clock() const { return clock_; }

 private:
  Result<std::vector<GeneratedPlaylist>> Stored(const std::string& user_id, int64_t period);

  GeneratedPlaylistRepository store_;
  catalog::CatalogRepository& repo_;
  const Clock& clock_;
};

// Tracks by id in the order of `ids`; ids no longer in the catalog are left out.
Result<std::vector<catalog::Track>> TracksInOrder(catalog::CatalogRepository& repo,
                                                  const std::vector<std::string>& ids);

}  // namespace sonora::recommend
