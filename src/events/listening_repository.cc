#include "events/listening_repository.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "events/events_repository.h"

namespace sonora::events {

static_assert(kDayMs == 86'400'000, "the SQL below spells the day length out");

Result<std::vector<Listen>> ListeningRepository::History(
    const std::string& user_id, int64_t limit, const std::optional<HistoryCursor>& before) {
  static constexpr std::string_view kColumns =
      "SELECT session_id, track_id, device_id, context_uri, quality, started_at_ms, "
      "duration_played_ms, completed, skipped, counted FROM listens WHERE user_id = ? ";
  store::QueryResult res;
  if (before) {
    SONORA_ASSIGN_OR_RETURN(
        res, db_.Query(std::string(kColumns) +
                           "AND (started_at_ms < ? OR (started_at_ms = ? AND session_id < ?)) "
                           "ORDER BY started_at_ms DESC, session_id DESC LIMIT ?",
                       {user_id, before->started_at_ms, before->started_at_ms,
                        before->session_id, limit}));
  } else {
    SONORA_ASSIGN_OR_RETURN(
        res, db_.Query(std::string(kColumns) +
                           "ORDER BY started_at_ms DESC, session_id DESC LIMIT ?",
                       {user_id, limit}));
  }
  std::vector<Listen> out;
  out.reserve(res.rows.size());
  for (const auto& r : res.rows) {
    out.push_back({r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                   r.GetInt(5), r.GetInt(6), r.GetBool(7), r.GetBool(8), r.GetBool(9)});
  }
  return out;
}

Result<std::vector<RecentPlay>> ListeningRepository::RecentlyPlayed(
    const std::string& user_id, int64_t now_ms, int64_t limit, std::optional<int64_t> before_ms,
    std::optional<int64_t> after_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto res,
      db_.Query("SELECT session_id, track_id, context_uri, played_at_ms FROM recently_played "
                "WHERE user_id = ? AND expires_at_ms > ? AND played_at_ms < ? AND "
                "played_at_ms > ? ORDER BY played_at_ms DESC, session_id DESC LIMIT ?",
                {user_id, now_ms, before_ms.value_or(INT64_MAX), after_ms.value_or(-1), limit}));
  std::vector<RecentPlay> out;
  out.reserve(res.rows.size());
  for (const auto& r : res.rows) {
    out.push_back({r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt(3)});
  }
  return out;
}

Result<int64_t> ListeningRepository::PurgeExpired(int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Execute("DELETE FROM recently_played WHERE expires_at_ms <= ?", {now_ms}));
  return res.affected_rows;
}

Result<std::vector<DailyTrackStats>> ListeningRepository::TrackDaily(const std::string& track_id,
                                                                     int64_t first_day,
                                                                     int64_t last_day) {
  std::map<int64_t, DailyTrackStats> days;
  for (int64_t d = first_day; d <= last_day; ++d) days[d] = {d, 0, 0};
  SONORA_ASSIGN_OR_RETURN(
      auto plays, db_.Query("SELECT day, plays FROM track_plays_daily WHERE track_id = ? AND "
                            "day >= ? AND day <= ?",
                            {track_id, first_day, last_day}));
  for (const auto& r : plays.rows) days[r.GetInt(0)].plays = r.GetInt(1);
  SONORA_ASSIGN_OR_RETURN(
      auto listeners,
      db_.Query("SELECT counted_at_ms / 86400000 AS day, COUNT(DISTINCT user_id) FROM listens "
                "WHERE track_id = ? AND counted = 1 AND counted_at_ms >= ? AND counted_at_ms < ? "
                "GROUP BY counted_at_ms / 86400000",
                {track_id, first_day * kDayMs, (last_day + 1) * kDayMs}));
  for (const auto& r : listeners.rows) days[r.GetInt(0)].unique_listeners = r.GetInt(1);
  std::vector<DailyTrackStats> out;
  out.reserve(days.size());
  for (auto& [day, stats] : days) out.push_back(stats);
  return out;
}

Result<int64_t> ListeningRepository::MonthlyListeners(const std::string& artist_id,
                                                      int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT COUNT(DISTINCT l.user_id) FROM listens l JOIN track_artists ta "
                          "ON ta.track_id = l.track_id WHERE ta.artist_id = ? AND l.counted = 1 "
                          "AND l.counted_at_ms > ?",
                          {artist_id, now_ms - kMonthlyListenerWindowDays * kDayMs}));
  return res.rows.empty() ? 0 : res.rows[0].GetInt(0);
}

Result<std::vector<std::string>> ListeningRepository::TopTracks(const std::string& artist_id,
                                                                int64_t now_ms) {
  const int64_t limit = static_cast<int64_t>(kTopTracks);
  SONORA_ASSIGN_OR_RETURN(
      auto played,
      db_.Query("SELECT d.track_id, SUM(d.plays) AS total FROM track_plays_daily d "
                "JOIN track_artists ta ON ta.track_id = d.track_id WHERE ta.artist_id = ? AND "
                "d.day > ? GROUP BY d.track_id ORDER BY total DESC, d.track_id LIMIT ?",
                {artist_id, now_ms / kDayMs - kMonthlyListenerWindowDays, limit}));
  std::vector<std::string> out;
  for (const auto& r : played.rows) out.push_back(r.GetString(0));
  if (out.size() >= kTopTracks) return out;
  SONORA_ASSIGN_OR_RETURN(
      auto popular,
      db_.Query("SELECT t.track_id FROM tracks t JOIN track_artists ta ON ta.track_id = "
                "t.track_id WHERE ta.artist_id = ? ORDER BY t.popularity DESC, t.track_id LIMIT ?",
                {artist_id, limit * 2}));
  for (const auto& r : popular.rows) {
    if (out.size() >= kTopTracks) break;
    std::string id = r.GetString(0);
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

}  // namespace sonora::events
