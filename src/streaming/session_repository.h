// Playback sessions: one row per POST /player/play, read back on every chunk request (is it
// sealed?) and every play event (whose session, which track?).
//
// Sessions never change once written, so reads are served from an in-process cache filled on
// insert and on a miss; a node that did not create a session reads it from the database once.
// Inserts share transactions through the group committer: play requests arriving together pay
// for one fsync.
#pragma once

#include <array>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/result.h"
#include "core/thread_annotations.h"
#include "store/database.h"
#include "store/group_commit.h"

namespace sonora::streaming {

struct PlaybackSession {
  std::string session_id, user_id, track_id, device_id, quality;
  int64_t created_at_ms = 0;
  bool encrypted = false;  // chunks are AES-128-CTR sealed with the session key
  std::string context_uri;  // sonora:album:<id> / sonora:playlist:<id>, or empty
};

class SessionRepository {
 public:
  // `cache_capacity`: sessions kept in memory (oldest dropped first).
  SessionRepository(store::Database& db, store::GroupCommitter& writer,
                    size_t cache_capacity = 200'000);

  // Durable before it returns.
  Status Insert(const PlaybackSession& s);
  // The session, from the cache or the database; nullopt when unknown.
  Result<std::optional<PlaybackSession>> Find(const std::string& session_id);
  // Whether `session_id` (of `user_id`) delivers encrypted chunks; false for unknown sessions
  // and for another user's.
  Result<bool> IsEncrypted(const std::string& session_id, const std::string& user_id);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, PlaybackSession> map SONORA_GUARDED_BY(mu);
    std::deque<std::string> order SONORA_GUARDED_BY(mu);  // insertion order, for eviction
  };
  Shard& ShardFor(const std::string& session_id);
  void Remember(const PlaybackSession& s);

  store::Database& db_;
  store::GroupCommitter& writer_;
  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace sonora::streaming
