// Playback state and play events as clients report them (seed 000 §5): plain data.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sonora::events {

enum class EventType { kTrackPlayed, kTrackSkipped, kTrackCompleted };
std::string_view EventTypeName(EventType t);
std::optional<EventType> ParseEventType(std::string_view s);

// A stream counts as a play once 30 s of it were heard (the industry's rule; a completed
// shorter track counts too). Plays feed recently played, daily counts and listener numbers.
inline constexpr int64_t kPlayThresholdMs = 30'000;

struct PlayEvent {
  std::string event_id;  // client-generated for idempotent retries; generated when absent
  std::string user_id;
  std::string session_id;
  std::string track_id;
  EventType type = EventType::kTrackPlayed;
  int64_t position_ms = 0;
  int64_t duration_played_ms = 0;  // heard so far in this session, cumulative
  std::string quality;
  int64_t client_time_ms = 0;
  int64_t received_at_ms = 0;
};

struct PlayerState {
  std::string user_id;
  std::string session_id;
  int64_t position_ms = 0;
  bool is_playing = false;
  int volume = 0;  // 0..100
  int64_t client_time_ms = 0;
  int64_t updated_at_ms = 0;
};

// What events need to know of a playback session (created by POST /player/play).
struct SessionInfo {
  std::string user_id;
  std::string track_id;
  std::string device_id;
  std::string context_uri;
  std::string quality;
  int64_t started_at_ms = 0;
};
// Finds `user_id`'s session by id; nullopt when unknown or another user's. `track_hint` is the
// track the report names (empty when it names none): a session known only from its id (its row
// not written yet or lost) comes back with that track when the id was issued for it, else with
// an empty track_id. Supplied by the streaming module.
using SessionLookup = std::function<Result<std::optional<SessionInfo>>(
    const std::string& session_id, const std::string& user_id, std::string_view track_hint)>;

}  // namespace sonora::events
