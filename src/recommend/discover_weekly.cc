#include "recommend/discover_weekly.h"

#include <functional>
#include <optional>
#include <unordered_map>

#include "core/strings.h"

namespace sonora::recommend {

namespace {
constexpr int64_t kDayMs = 86'400'000;
constexpr const char* kKind = "discover_weekly";
}  // namespace

int64_t WeekStartMillis(int64_t ms) {
  int64_t day = ms / kDayMs;
  if (ms % kDayMs < 0) --day;  // floor for times before 1970
  // 1970-01-01 was a Thursday: Monday-based weekday is (day + 3) mod 7.
  const int64_t weekday = ((day + 3) % 7 + 7) % 7;
  return (day - weekday) * kDayMs;
}

Result<std::optional<GeneratedPlaylist>> DiscoverWeekly::Stored(const std::string& user_id,
                                                                int64_t week) {
  SONORA_ASSIGN_OR_RETURN(auto rows,
                          db_.Query("SELECT track_ids, expires_at_ms FROM generated_playlists "
                                    "WHERE user_id = ? AND kind = ? AND generated_at_ms = ?",
                                    {user_id, kKind, week}));
  if (rows.rows.empty()) return std::optional<GeneratedPlaylist>();
  GeneratedPlaylist p;
  p.user_id = user_id;
  p.generated_at_ms = week;
  p.expires_at_ms = rows.rows[0].GetInt(1);
  const std::vector<std::string> ids = Split(rows.rows[0].GetString(0), ',', true);
  SONORA_ASSIGN_OR_RETURN(auto tracks, repo_.GetTracks(ids));
  std::unordered_map<std::string, catalog::Track*> by_id;
  for (auto& t : tracks) by_id.emplace(t.track_id, &t);
  for (const auto& id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) p.tracks.push_back(std::move(*it->second));
  }
  return std::optional<GeneratedPlaylist>(std::move(p));
}

Status DiscoverWeekly::Generate(const std::string& user_id, const std::string& country,
                                int64_t week) {
  const int64_t since = clock_.NowMillis() - kDiscoverWeeklyHistoryDays * kDayMs;
  SONORA_ASSIGN_OR_RETURN(auto picks,
                          recommender_.ForUser(user_id, country, since, kDiscoverWeeklyTracks,
                                               kDiscoverWeeklyMaxPerArtist));
  std::string ids;
  for (const auto& r : picks) ids += (ids.empty() ? "" : ",") + r.track.track_id;
  // The first writer of the week wins; a concurrent one keeps what is stored.
  SONORA_ASSIGN_OR_RETURN(
      auto done, db_.Execute("INSERT INTO generated_playlists (user_id, kind, generated_at_ms, "
                             "expires_at_ms, track_ids) VALUES (?, ?, ?, ?, ?) "
                             "ON CONFLICT (user_id, kind, generated_at_ms) DO NOTHING",
                             {user_id, kKind, week, week + 7 * kDayMs, ids}));
  (void)done;
  return Status();
}

Result<GeneratedPlaylist> DiscoverWeekly::Get(const std::string& user_id,
                                              const std::string& country) {
  const int64_t week = WeekStartMillis(clock_.NowMillis());
  SONORA_ASSIGN_OR_RETURN(auto stored, Stored(user_id, week));
  if (stored) return std::move(*stored);
  SONORA_RETURN_IF_ERROR(Generate(user_id, country, week));
  SONORA_ASSIGN_OR_RETURN(stored, Stored(user_id, week));
  if (!stored) return Status::Internal("discover weekly was not stored");
  return std::move(*stored);
}

Result<int64_t> DiscoverWeekly::GenerateAll(const std::function<void(int64_t, int64_t)>& progress) {
  const int64_t week = WeekStartMillis(clock_.NowMillis());
  SONORA_ASSIGN_OR_RETURN(
      auto users, db_.Query("SELECT u.user_id, u.country FROM users u WHERE NOT EXISTS ("
                            "SELECT 1 FROM generated_playlists g WHERE g.user_id = u.user_id "
                            "AND g.kind = ? AND g.generated_at_ms = ?) ORDER BY u.user_id",
                            {kKind, week}));
  const auto total = static_cast<int64_t>(users.rows.size());
  int64_t done = 0;
  for (const auto& r : users.rows) {
    SONORA_RETURN_IF_ERROR(Generate(r.GetString(0), r.GetString(1), week));
    ++done;
    if (progress) progress(done, total);
  }
  return done;
}

}  // namespace sonora::recommend
