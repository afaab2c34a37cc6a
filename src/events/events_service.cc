#include "events/events_service.h"

#include "core/ids.h"

namespace sonora::events {

namespace {
Status CheckPosition(int64_t value, const char* field) {
  if (value < 0 || value > kMaxPositionMs) {
    return Status::InvalidArgument(field, std::string("'") + field + "' is out of range");
  }
  return Status();
}
}  // namespace

Status EventsService::Record(PlayEvent e) {
  SONORA_RETURN_IF_ERROR(CheckPosition(e.position_ms, "position_ms"));
  SONORA_RETURN_IF_ERROR(CheckPosition(e.duration_played_ms, "duration_played_ms"));
  SONORA_ASSIGN_OR_RETURN(auto track, repo_.SessionTrack(e.user_id, e.session_id));
  if (!track) return Status::NotFound("no such playback session");
  if (*track != e.track_id) {
    return Status::InvalidArgument("track_id", "'track_id' is not the track of this session");
  }
  if (e.event_id.empty()) e.event_id = NewId("evt");
  e.received_at_ms = clock_.NowMillis();
  return repo_.InsertEvent(e).status();
}

Status EventsService::UpdateState(PlayerState s) {
  SONORA_RETURN_IF_ERROR(CheckPosition(s.position_ms, "position_ms"));
  if (s.volume < 0 || s.volume > 100) {
    return Status::InvalidArgument("volume", "'volume' must be from 0 to 100");
  }
  SONORA_ASSIGN_OR_RETURN(auto track, repo_.SessionTrack(s.user_id, s.session_id));
  if (!track) return Status::NotFound("no such playback session");
  s.updated_at_ms = clock_.NowMillis();
  return repo_.UpsertState(s);
}

}  // namespace sonora::events
