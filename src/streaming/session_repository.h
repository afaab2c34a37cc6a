// Playback sessions: one row per POST /player/play, read back by play events and state reports
// (whose session, which track?).
//
// Sessions never change once written, so reads are served from an in-process cache filled on
// insert and on a miss; a node that did not create a session reads it from the database once.
// Rows are written behind (store::GroupCommitter::Post): play answers before its row is durable,
// because the id itself carries what playback needs (streaming/session_ids.h). A session whose
// row a crash lost, or that another node has not committed yet, is rebuilt from its id for its
// owner: user, track (when the caller names it), start time, quality and sealing; only its
// device and context labels are gone. docs/formats/playback-sessions.md.
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
#include "streaming/session_ids.h"

namespace sonora::streaming {

struct PlaybackSession {
  std::string session_id, user_id, track_id, device_id, quality;
  int64_t created_at_ms = 0;
  bool encrypted = false;   // chunks are sealed (AES-128-CTR under the track key of the day)
  std::string context_uri;  // sonora:album:<id> / sonora:playlist:<id>, or empty
};

class SessionRepository {
 public:
  // `cache_capacity`: sessions kept in memory (oldest dropped first).
  SessionRepository(store::Database& db, store::GroupCommitter& writer, const SessionIds& ids,
                    size_t cache_capacity = 200'000);

  // Remembers the session and queues its row for the next group commit; returns before the row
  // is durable. Errors: kUnavailable while shutting down.
  Status Record(const PlaybackSession& s);
  // `user_id`'s session: from the cache, the database, or else rebuilt from the id itself. The
  // rebuilt session's track_id is `track_hint` when the id was issued for that track, else
  // empty. nullopt when unknown or another user's.
  Result<std::optional<PlaybackSession>> Find(const std::string& session_id,
                                              const std::string& user_id,
                                              std::string_view track_hint = {});
  // A new session id for `user_id` playing `track_id` (streaming/session_ids.h).
  std::string NewId(std::string_view user_id, std::string_view track_id,
                    const SessionClaims& claims) const {
    return ids_.Issue(user_id, track_id, claims);
  }
  // When chunks of `session_id` (named by a media URL signed for `user_id`) are sealed: the
  // session's start, whose key period picks the sealing key; nullopt when they are clear.
  Result<std::optional<int64_t>> SealedSince(const std::string& session_id,
                                             const std::string& user_id);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, PlaybackSession> map SONORA_GUARDED_BY(mu);
    std::deque<std::string> order SONORA_GUARDED_BY(mu);  // insertion order, for eviction
  };
  Shard& ShardFor(const std::string& session_id);
  void Remember(const PlaybackSession& s);
  // The cached or stored row, whoever owns it; nullopt when neither has it.
  Result<std::optional<PlaybackSession>> Load(const std::string& session_id);

  store::Database& db_;
  store::GroupCommitter& writer_;
  const SessionIds& ids_;
  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace sonora::streaming
