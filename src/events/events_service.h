// Playback reports: the current state (PUT /player/state) and play events (POST
// /player/events, one event or a batch). Both must name a playback session the caller owns.
//
// Durability: a report is acknowledged only after the transaction holding it has committed
// (fsync). Concurrent reports share transactions through the group committer, which is what
// makes the throughput (docs/decisions/0013-listening.md).
#pragma once

#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "events/events_repository.h"
#include "events/play_event.h"
#include "store/group_commit.h"

namespace sonora::events {

inline constexpr int64_t kMaxPositionMs = 24LL * 3600 * 1000;  // no track is longer than a day
inline constexpr size_t kMaxEventsPerBatch = 100;

// One event's fate in a batch.
struct EventOutcome {
  std::string event_id;
  Status status;           // OK when stored or a repeat
  bool duplicate = false;  // already stored before: counted once
};

class EventsService {
 public:
  EventsService(store::GroupCommitter& writer, SessionLookup sessions, const Clock& clock)
      : writer_(writer), sessions_(std::move(sessions)), clock_(clock) {}

  // Stores the event durably before returning; a repeated event_id is accepted and counted once.
  // Errors: kNotFound when the session isn't the user's; kInvalidArgument ("track_id") when the
  // event names another track than the session's; ("position_ms", "duration_played_ms") out of
  // range.
  Status Record(PlayEvent event);

  // Validates each event as Record does and stores the valid ones in one unit; an invalid event
  // (or one the caller could not parse, passed as its error) never keeps the others from being
  // stored. Outcomes are in input order. The returned status is an error only when storing
  // failed as a whole (then nothing of the batch is stored).
  Result<std::vector<EventOutcome>> RecordBatch(std::vector<Result<PlayEvent>> events);

  // Errors: kNotFound when the session isn't the user's; kInvalidArgument for ranges.
  Status UpdateState(PlayerState state);

 private:
  // Checks `e` against its session and fills the server-side fields.
  Result<SessionInfo> Prepare(PlayEvent& e);

  store::GroupCommitter& writer_;
  SessionLookup sessions_;
  const Clock& clock_;
};

}  // namespace sonora::events
