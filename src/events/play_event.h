// Playback state and play events as clients report them (seed 000 §5): plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sonora::events {

enum class EventType { kTrackPlayed, kTrackSkipped, kTrackCompleted };
std::string_view EventTypeName(EventType t);
std::optional<EventType> ParseEventType(std::string_view s);

struct PlayEvent {
  std::string event_id;  // client-generated for idempotent retries; generated when absent
  std::string user_id;
  std::string session_id;
  std::string track_id;
  EventType type = EventType::kTrackPlayed;
  int64_t position_ms = 0;
  int64_t duration_played_ms = 0;
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

}  // namespace sonora::events
