// Playback state and play events as clients report them (seed 000 §5): plain data.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

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
// Finds a session by id; nullopt when unknown. Supplied by the streaming module.
using SessionLookup = std::function<Result<std::optional<SessionInfo>>(const std::string&)>;

}  // namespace sonora::events
