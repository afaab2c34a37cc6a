// SQL that records play events and playback state. Writes run inside a transaction the caller
// owns (the group committer's), so many requests share one commit.
//
// Recording an event also maintains what is derived from it, in the same transaction: the
// session's listen (listens), and once it becomes a play, recently_played and
// track_plays_daily. A repeated event id changes nothing.
#pragma once

#include <optional>
#include <vector>

#include "core/result.h"
#include "events/play_event.h"
#include "store/database.h"

namespace sonora::events {

inline constexpr int64_t kRecentlyPlayedTtlMs = 30LL * 24 * 3600 * 1000;  // the seed's 30 days
inline constexpr int64_t kDayMs = 24LL * 3600 * 1000;

class EventsRepository {
 public:
  explicit EventsRepository(store::Database& db) : db_(db) {}

  // One event to record and the session it belongs to.
  struct Item {
    const PlayEvent* event;
    const SessionInfo* session;
  };
  // Stores each event unless (user_id, event_id) is already stored (or comes earlier in
  // `items`), and updates the listens they belong to, in a handful of statements whatever the
  // batch size. Result i is true when items[i] was stored, false for a repeat.
  static Result<std::vector<bool>> ApplyEvents(store::Session& tx, const std::vector<Item>& items);
  static Status UpsertState(store::Session& tx, const PlayerState& s);

  Result<std::optional<PlayerState>> GetState(const std::string& user_id);

 private:
  store::Database& db_;
};

}  // namespace sonora::events
