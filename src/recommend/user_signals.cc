#include "recommend/user_signals.h"

namespace sonora::recommend {

namespace {
std::vector<std::string> FirstColumn(const store::QueryResult& rows) {
  std::vector<std::string> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.push_back(r.GetString(0));
  return out;
}
}  // namespace

Result<std::vector<HeardTrack>> UserSignals::HeardSince(const std::string& user_id,
                                                        int64_t since_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT track_id, SUM(counted) FROM listens WHERE user_id = ? AND "
                           "started_at_ms >= ? GROUP BY track_id ORDER BY 2 DESC, 1",
                           {user_id, since_ms}));
  std::vector<HeardTrack> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.push_back({r.GetString(0), r.GetInt(1)});
  return out;
}

Result<std::vector<std::string>> UserSignals::Liked(const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(auto rows,
                          db_.Query("SELECT track_id FROM saved_tracks WHERE user_id = ? "
                                    "ORDER BY added_at_ms DESC, track_id",
                                    {user_id}));
  return FirstColumn(rows);
}

Result<std::vector<std::string>> UserSignals::FollowedArtists(const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(auto rows,
                          db_.Query("SELECT artist_id FROM artist_follows WHERE user_id = ? "
                                    "ORDER BY followed_at_ms DESC, artist_id",
                                    {user_id}));
  return FirstColumn(rows);
}

}  // namespace sonora::recommend
