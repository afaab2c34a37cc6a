#include "events/events_repository.h"

namespace sonora::events {

std::string_view EventTypeName(EventType t) {
  switch (t) {
    case EventType::kTrackPlayed: return "track_played";
    case EventType::kTrackSkipped: return "track_skipped";
    case EventType::kTrackCompleted: return "track_completed";
  }
  return "track_played";
}

std::optional<EventType> ParseEventType(std::string_view s) {
  if (s == "track_played") return EventType::kTrackPlayed;
  if (s == "track_skipped") return EventType::kTrackSkipped;
  if (s == "track_completed") return EventType::kTrackCompleted;
  return std::nullopt;
}

Result<std::optional<std::string>> EventsRepository::SessionTrack(const std::string& user_id,
                                                                  const std::string& session_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT track_id FROM playback_sessions WHERE session_id = ? AND "
                          "user_id = ?",
                          {session_id, user_id}));
  if (res.rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(res.rows[0].GetString(0));
}

Result<bool> EventsRepository::InsertEvent(const PlayEvent& e) {
  SONORA_ASSIGN_OR_RETURN(
      auto res,
      db_.Execute("INSERT INTO play_events (user_id, event_id, session_id, track_id, event_type, "
                  "position_ms, duration_played_ms, quality, client_time_ms, received_at_ms) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (user_id, event_id) DO NOTHING",
                  {e.user_id, e.event_id, e.session_id, e.track_id, EventTypeName(e.type),
                   e.position_ms, e.duration_played_ms, e.quality, e.client_time_ms,
                   e.received_at_ms}));
  return res.affected_rows == 1;
}

Status EventsRepository::UpsertState(const PlayerState& s) {
  return db_
      .Execute("INSERT INTO player_state (user_id, session_id, position_ms, is_playing, volume, "
               "client_time_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (user_id) DO UPDATE SET session_id = excluded.session_id, "
               "position_ms = excluded.position_ms, is_playing = excluded.is_playing, "
               "volume = excluded.volume, client_time_ms = excluded.client_time_ms, "
               "updated_at_ms = excluded.updated_at_ms",
               {s.user_id, s.session_id, s.position_ms, s.is_playing ? 1 : 0, s.volume,
                s.client_time_ms, s.updated_at_ms})
      .status();
}

Result<std::optional<PlayerState>> EventsRepository::GetState(const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT session_id, position_ms, is_playing, volume, client_time_ms, "
                          "updated_at_ms FROM player_state WHERE user_id = ?",
                          {user_id}));
  if (res.rows.empty()) return std::optional<PlayerState>();
  const auto& r = res.rows[0];
  return std::optional<PlayerState>(PlayerState{user_id, r.GetString(0), r.GetInt(1),
                                                r.GetBool(2), static_cast<int>(r.GetInt(3)),
                                                r.GetInt(4), r.GetInt(5)});
}

}  // namespace sonora::events
