#include "streaming/session_repository.h"

#include <algorithm>
#include <functional>

#include "core/log.h"

namespace sonora::streaming {

namespace {

Status InsertRow(store::Session& db, const PlaybackSession& s) {
  // A rebuilt session may race its original row (another node's write-behind): first one wins.
  return db
      .Query(
          "INSERT INTO playback_sessions (session_id, user_id, track_id, device_id, quality, "
          "created_at_ms, encrypted, context_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (session_id) DO NOTHING",
          {s.session_id, s.user_id, s.track_id, s.device_id, s.quality, s.created_at_ms,
           s.encrypted ? 1 : 0, s.context_uri})
      .status();
}

}  // namespace

SessionRepository::SessionRepository(store::Database& db, store::GroupCommitter& writer,
                                     const SessionIds& ids, size_t cache_capacity)
    : db_(db),
      writer_(writer),
      ids_(ids),
      shard_capacity_(std::max<size_t>(1, cache_capacity / kShards)) {}

SessionRepository::Shard& SessionRepository::ShardFor(const std::string& session_id) {
  return shards_[std::hash<std::string>{}(session_id) % kShards];
}

void SessionRepository::Remember(const PlaybackSession& s) {
  Shard& shard = ShardFor(s.session_id);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (!shard.map.emplace(s.session_id, s).second) return;
  shard.order.push_back(s.session_id);
  while (shard.order.size() > shard_capacity_) {
    shard.map.erase(shard.order.front());
    shard.order.pop_front();
  }
}

Status SessionRepository::Record(const PlaybackSession& s) {
  Remember(s);
  return writer_.Post([s](store::Session& db) { return InsertRow(db, s); },
                      [id = s.session_id](const Status& st) {
                        if (!st.ok()) {
                          log::Warn("playback session " + id + " not stored: " + st.ToString());
                        }
                      });
}

Result<std::optional<PlaybackSession>> SessionRepository::Load(const std::string& session_id) {
  {
    Shard& shard = ShardFor(session_id);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.map.find(session_id);
    if (it != shard.map.end()) return std::optional<PlaybackSession>(it->second);
  }
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT user_id, track_id, device_id, quality, created_at_ms, "
                          "encrypted, context_uri FROM playback_sessions WHERE session_id = ?",
                          {session_id}));
  if (res.rows.empty()) return std::optional<PlaybackSession>();
  const auto& r = res.rows[0];
  PlaybackSession s{session_id,     r.GetString(0), r.GetString(1), r.GetString(2),
                    r.GetString(3), r.GetInt(4),    r.GetBool(5),   r.GetString(6)};
  Remember(s);
  return std::optional<PlaybackSession>(std::move(s));
}

Result<std::optional<PlaybackSession>> SessionRepository::Find(const std::string& session_id,
                                                               const std::string& user_id,
                                                               std::string_view track_hint) {
  SONORA_ASSIGN_OR_RETURN(auto row, Load(session_id));
  if (row) {
    if (row->user_id != user_id) return std::optional<PlaybackSession>();
    return row;
  }
  // No row (lost to a crash before its group commit, or not committed yet on another node):
  // the id vouches for its owner, start, quality and sealing, and for its track if named.
  auto claims = ids_.Open(session_id, user_id);
  if (!claims) return std::optional<PlaybackSession>();
  PlaybackSession s;
  s.session_id = session_id;
  s.user_id = user_id;
  if (!track_hint.empty() && ids_.IsFor(session_id, track_hint)) s.track_id = track_hint;
  s.quality = claims->quality;
  s.created_at_ms = claims->created_at_ms;
  s.encrypted = claims->encrypted;
  if (!s.track_id.empty()) SONORA_RETURN_IF_ERROR(Record(s));  // complete rows only
  return std::optional<PlaybackSession>(std::move(s));
}

Result<std::optional<int64_t>> SessionRepository::SealedSince(const std::string& session_id,
                                                              const std::string& user_id) {
  // The media URL that names the session is signed, so the claims in the id are authentic.
  if (auto claims = SessionIds::Peek(session_id)) {
    return claims->encrypted ? std::optional<int64_t>(claims->created_at_ms) : std::nullopt;
  }
  // Ids issued before self-describing ids: the row decides.
  SONORA_ASSIGN_OR_RETURN(auto s, Load(session_id));
  if (!s || s->user_id != user_id || !s->encrypted) return std::optional<int64_t>();
  return std::optional<int64_t>(s->created_at_ms);
}

}  // namespace sonora::streaming
