#include "streaming/session_repository.h"

#include <algorithm>
#include <functional>

namespace sonora::streaming {

SessionRepository::SessionRepository(store::Database& db, store::GroupCommitter& writer,
                                     size_t cache_capacity)
    : db_(db), writer_(writer), shard_capacity_(std::max<size_t>(1, cache_capacity / kShards)) {}

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

Status SessionRepository::Insert(const PlaybackSession& s) {
  SONORA_RETURN_IF_ERROR(writer_.Run([&s](store::Session& db) {
    return db
        .Query("INSERT INTO playback_sessions (session_id, user_id, track_id, device_id, "
               "quality, created_at_ms, encrypted, context_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               {s.session_id, s.user_id, s.track_id, s.device_id, s.quality, s.created_at_ms,
                s.encrypted ? 1 : 0, s.context_uri})
        .status();
  }));
  Remember(s);
  return Status();
}

Result<std::optional<PlaybackSession>> SessionRepository::Find(const std::string& session_id) {
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

Result<bool> SessionRepository::IsEncrypted(const std::string& session_id,
                                            const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(auto s, Find(session_id));
  return s && s->user_id == user_id && s->encrypted;
}

}  // namespace sonora::streaming
