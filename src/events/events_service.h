// Playback reports: the current state (PUT /player/state) and play events (POST
// /player/events). Both must name a playback session the caller owns.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "events/events_repository.h"
#include "events/play_event.h"

namespace sonora::events {

inline constexpr int64_t kMaxPositionMs = 24LL * 3600 * 1000;  // no track is longer than a day

class EventsService {
 public:
  EventsService(EventsRepository& repo, const Clock& clock) : repo_(repo), clock_(clock) {}

  // Stores the event durably before returning; a repeated event_id is accepted and counted once.
  // Errors: kNotFound when the session isn't the user's; kInvalidArgument ("track_id") when the
  // event names another track than the session's; ("position_ms", "duration_played_ms") out of
  // range.
  Status Record(PlayEvent event);

  // Errors: kNotFound when the session isn't the user's; kInvalidArgument for ranges.
  Status UpdateState(PlayerState state);

 private:
  EventsRepository& repo_;
  const Clock& clock_;
};

}  // namespace sonora::events
