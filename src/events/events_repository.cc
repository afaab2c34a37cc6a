#include "events/events_repository.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace sonora::events {

std::string_view EventTypeName(EventType t) {
  switch (t) {
    case EventType::kTrackPlayed:
      return "track_played";
    case EventType::kTrackSkipped:
      return "track_skipped";
    case EventType::kTrackCompleted:
      return "track_completed";
  }
  return "track_played";
}

std::optional<EventType> ParseEventType(std::string_view s) {
  if (s == "track_played") return EventType::kTrackPlayed;
  if (s == "track_skipped") return EventType::kTrackSkipped;
  if (s == "track_completed") return EventType::kTrackCompleted;
  return std::nullopt;
}

namespace {

// "(?, ?, ?), (?, ?, ?)" for `rows` rows of `columns` placeholders.
std::string Placeholders(size_t rows, size_t columns) {
  std::string row = "(";
  for (size_t c = 0; c < columns; ++c) row += c == 0 ? "?" : ", ?";
  row += ")";
  std::string out;
  out.reserve(rows * (row.size() + 2));
  for (size_t r = 0; r < rows; ++r) {
    if (r) out += ", ";
    out += row;
  }
  return out;
}

// Appends one row's values to a multi-row statement's parameters.
template <typename... Values>
void AppendRow(store::Params& params, Values&&... row) {
  (params.emplace_back(std::forward<Values>(row)), ...);
}

// What a batch's new events change in one listen.
struct ListenUpdate {
  const SessionInfo* session = nullptr;
  std::string session_id, user_id, track_id, quality;
  int64_t last_event_at_ms = 0;
  int64_t duration_played_ms = 0;
  bool completed = false, skipped = false;
};

}  // namespace

Result<std::vector<bool>> EventsRepository::ApplyEvents(store::Session& tx,
                                                        const std::vector<Item>& items) {
  std::vector<bool> stored(items.size(), false);
  if (items.empty()) return stored;

  // 1. The events themselves; RETURNING names the ones that were new.
  store::Params params;
  params.reserve(items.size() * 10);
  for (const Item& it : items) {
    const PlayEvent& e = *it.event;
    AppendRow(params, e.user_id, e.event_id, e.session_id, e.track_id, EventTypeName(e.type),
              e.position_ms, e.duration_played_ms, e.quality, e.client_time_ms, e.received_at_ms);
  }
  SONORA_ASSIGN_OR_RETURN(
      auto inserted,
      tx.Query("INSERT INTO play_events (user_id, event_id, session_id, track_id, event_type, "
               "position_ms, duration_played_ms, quality, client_time_ms, received_at_ms) "
               "VALUES " +
                   Placeholders(items.size(), 10) +
                   " ON CONFLICT (user_id, event_id) DO NOTHING RETURNING user_id, event_id",
               params));
  std::unordered_set<std::string> fresh;  // "user_id event_id" of the rows just inserted
  for (const auto& r : inserted.rows) fresh.insert(r.GetString(0) + " " + r.GetString(1));
  if (fresh.empty()) return stored;  // all repeats: nothing else changes

  // 2. The listens, one row per session however many of its events came: the most the client
  // ever reported, so events arriving out of order never shrink it; completed/skipped only
  // ever turn on.
  std::vector<ListenUpdate> listens;
  std::unordered_map<std::string, size_t> listen_of;
  for (size_t i = 0; i < items.size(); ++i) {
    const PlayEvent& e = *items[i].event;
    if (fresh.erase(e.user_id + " " + e.event_id) == 0) continue;  // a repeat (maybe in-batch)
    stored[i] = true;
    auto [pos, added] = listen_of.emplace(e.session_id, listens.size());
    if (added) {
      listens.push_back(
          {items[i].session, e.session_id, e.user_id, e.track_id, items[i].session->quality});
    }
    ListenUpdate& l = listens[pos->second];
    l.last_event_at_ms = std::max(l.last_event_at_ms, e.received_at_ms);
    l.duration_played_ms = std::max(l.duration_played_ms, e.duration_played_ms);
    l.completed = l.completed || e.type == EventType::kTrackCompleted;
    l.skipped = l.skipped || e.type == EventType::kTrackSkipped;
    if (!e.quality.empty()) l.quality = e.quality;
  }
  params.clear();
  int64_t now_ms = 0;
  for (const ListenUpdate& l : listens) {
    now_ms = std::max(now_ms, l.last_event_at_ms);
    AppendRow(params, l.session_id, l.user_id, l.track_id, l.session->device_id,
              l.session->context_uri, l.quality, l.session->started_at_ms, l.last_event_at_ms,
              l.duration_played_ms, l.completed ? 1 : 0, l.skipped ? 1 : 0);
  }
  SONORA_RETURN_IF_ERROR(
      tx.Query(
            "INSERT INTO listens (session_id, user_id, track_id, device_id, context_uri, "
            "quality, started_at_ms, last_event_at_ms, duration_played_ms, completed, skipped) "
            "VALUES " +
                Placeholders(listens.size(), 11) +
                " ON CONFLICT (session_id) DO UPDATE SET "
                "last_event_at_ms = CASE WHEN excluded.last_event_at_ms > listens.last_event_at_ms "
                "  THEN excluded.last_event_at_ms ELSE listens.last_event_at_ms END, "
                "duration_played_ms = CASE WHEN excluded.duration_played_ms > "
                "  listens.duration_played_ms THEN excluded.duration_played_ms "
                "  ELSE listens.duration_played_ms END, "
                "completed = CASE WHEN excluded.completed = 1 THEN 1 ELSE listens.completed END, "
                "skipped = CASE WHEN excluded.skipped = 1 THEN 1 ELSE listens.skipped END, "
                "quality = excluded.quality",
            params)
          .status());

  // 3. The listens that just became plays (once per session, ever).
  params = {now_ms};
  for (const ListenUpdate& l : listens) params.push_back(l.session_id);
  params.push_back(kPlayThresholdMs);
  std::string in_list = Placeholders(1, listens.size());
  SONORA_ASSIGN_OR_RETURN(
      auto became_plays,
      tx.Query("UPDATE listens SET counted = 1, counted_at_ms = ? WHERE session_id IN " + in_list +
                   " AND counted = 0 AND (duration_played_ms >= ? OR completed = 1) "
                   "RETURNING session_id",
               params));
  if (became_plays.rows.empty()) return stored;

  // 4. Each new play in recently played and in its track's daily count.
  std::vector<const ListenUpdate*> plays;
  for (const auto& r : became_plays.rows) plays.push_back(&listens[listen_of.at(r.GetString(0))]);
  std::map<std::string, int64_t> per_track;  // ordered: a stable statement for a stable batch
  params.clear();
  for (const ListenUpdate* l : plays) {
    per_track[l->track_id]++;
    AppendRow(params, l->user_id, l->session_id, l->track_id, l->session->context_uri,
              l->session->started_at_ms, now_ms + kRecentlyPlayedTtlMs);
  }
  SONORA_RETURN_IF_ERROR(
      tx.Query("INSERT INTO recently_played (user_id, session_id, track_id, context_uri, "
               "played_at_ms, expires_at_ms) VALUES " +
                   Placeholders(plays.size(), 6) + " ON CONFLICT (user_id, session_id) DO NOTHING",
               params)
          .status());
  params.clear();
  for (const auto& [track, count] : per_track) {
    AppendRow(params, track, now_ms / kDayMs, count);
  }
  SONORA_RETURN_IF_ERROR(tx.Query("INSERT INTO track_plays_daily (track_id, day, plays) VALUES " +
                                      Placeholders(per_track.size(), 3) +
                                      " ON CONFLICT (track_id, day) DO UPDATE SET "
                                      "plays = track_plays_daily.plays + excluded.plays",
                                  params)
                             .status());
  return stored;
}

Status EventsRepository::UpsertState(store::Session& tx, const PlayerState& s) {
  return tx
      .Query(
          "INSERT INTO player_state (user_id, session_id, position_ms, is_playing, volume, "
          "client_time_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (user_id) DO UPDATE SET session_id = excluded.session_id, "
          "position_ms = excluded.position_ms, is_playing = excluded.is_playing, "
          "volume = excluded.volume, client_time_ms = excluded.client_time_ms, "
          "updated_at_ms = excluded.updated_at_ms",
          {s.user_id, s.session_id, s.position_ms, s.is_playing ? 1 : 0, s.volume, s.client_time_ms,
           s.updated_at_ms})
      .status();
}

Result<std::optional<PlayerState>> EventsRepository::GetState(const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT session_id, position_ms, is_playing, volume, client_time_ms, "
                          "updated_at_ms FROM player_state WHERE user_id = ?",
                          {user_id}));
  if (res.rows.empty()) return std::optional<PlayerState>();
  const auto& r = res.rows[0];
  return std::optional<PlayerState>(PlayerState{user_id, r.GetString(0), r.GetInt(1), r.GetBool(2),
                                                static_cast<int>(r.GetInt(3)), r.GetInt(4),
                                                r.GetInt(5)});
}

}  // namespace sonora::events
