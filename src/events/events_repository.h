// SQL for playback state and play events. Each write commits before it returns, so an
// acknowledged event or state is durable (SQLite synchronous=FULL; PostgreSQL synchronous
// commit). The batching event sink of the events issue replaces the per-request commit.
#pragma once

#include <optional>

#include "core/result.h"
#include "events/play_event.h"
#include "store/database.h"

namespace sonora::events {

class EventsRepository {
 public:
  explicit EventsRepository(store::Database& db) : db_(db) {}

  // The track of a playback session owned by `user_id`, if there is one.
  Result<std::optional<std::string>> SessionTrack(const std::string& user_id,
                                                  const std::string& session_id);
  // Inserts the event unless (user_id, event_id) is already stored. True when inserted.
  Result<bool> InsertEvent(const PlayEvent& e);
  Status UpsertState(const PlayerState& s);
  Result<std::optional<PlayerState>> GetState(const std::string& user_id);

 private:
  store::Database& db_;
};

}  // namespace sonora::events
