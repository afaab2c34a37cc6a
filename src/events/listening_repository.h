// Reads over what users listened to: history, recently played, per-track daily plays and
// unique listeners, monthly listeners and top tracks per artist. All derived tables are written
// by EventsRepository::ApplyEvent; this class only reads them (and purges expired rows).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sonora::events {

struct Listen {
  std::string session_id, track_id, device_id, context_uri, quality;
  int64_t started_at_ms = 0;
  int64_t duration_played_ms = 0;
  bool completed = false, skipped = false, counted = false;
};

struct RecentPlay {
  std::string session_id, track_id, context_uri;
  int64_t played_at_ms = 0;
};

struct DailyTrackStats {
  int64_t day = 0;  // days since the epoch (UTC)
  int64_t plays = 0;
  int64_t unique_listeners = 0;
};

// A position in a user's history, newest first: listens strictly older than it come next.
struct HistoryCursor {
  int64_t started_at_ms = 0;
  std::string session_id;
};

inline constexpr int64_t kMonthlyListenerWindowDays = 28;
inline constexpr size_t kTopTracks = 10;

class ListeningRepository {
 public:
  explicit ListeningRepository(store::Database& db) : db_(db) {}

  // Newest first; `before` continues a previous page.
  Result<std::vector<Listen>> History(const std::string& user_id, int64_t limit,
                                      const std::optional<HistoryCursor>& before);
  // Plays not yet expired at `now_ms`, newest first, with played_at in (after, before).
  Result<std::vector<RecentPlay>> RecentlyPlayed(const std::string& user_id, int64_t now_ms,
                                                 int64_t limit, std::optional<int64_t> before_ms,
                                                 std::optional<int64_t> after_ms);
  // Deletes recently-played rows expired at `now_ms`; returns how many.
  Result<int64_t> PurgeExpired(int64_t now_ms);

  // One entry per day in [first_day, last_day], zeros included.
  Result<std::vector<DailyTrackStats>> TrackDaily(const std::string& track_id, int64_t first_day,
                                                  int64_t last_day);
  // Distinct users with a play of any of the artist's tracks in the 28 days up to `now_ms`.
  Result<int64_t> MonthlyListeners(const std::string& artist_id, int64_t now_ms);
  // Up to kTopTracks of the artist's tracks: most played in the last 28 days, then the
  // catalog's popularity.
  Result<std::vector<std::string>> TopTracks(const std::string& artist_id, int64_t now_ms);

 private:
  store::Database& db_;
};

}  // namespace sonora::events
