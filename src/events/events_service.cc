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

Result<SessionInfo> EventsService::Prepare(PlayEvent& e) {
  SONORA_RETURN_IF_ERROR(CheckPosition(e.position_ms, "position_ms"));
  SONORA_RETURN_IF_ERROR(CheckPosition(e.duration_played_ms, "duration_played_ms"));
  SONORA_ASSIGN_OR_RETURN(auto session, sessions_(e.session_id, e.user_id, e.track_id));
  if (!session || session->user_id != e.user_id) {
    return Status::NotFound("no such playback session");
  }
  if (session->track_id != e.track_id) {
    return Status::InvalidArgument("track_id", "'track_id' is not the track of this session");
  }
  if (e.event_id.empty()) e.event_id = NewId("evt");
  e.received_at_ms = clock_.NowMillis();
  return std::move(*session);
}

Status EventsService::Record(PlayEvent e) {
  SONORA_ASSIGN_OR_RETURN(SessionInfo session, Prepare(e));
  return writer_.Run([&](store::Session& tx) {
    return EventsRepository::ApplyEvents(tx, {{&e, &session}}).status();
  });
}

Result<std::vector<EventOutcome>> EventsService::RecordBatch(
    std::vector<Result<PlayEvent>> events) {
  std::vector<EventOutcome> outcomes(events.size());
  std::vector<size_t> valid;
  std::vector<SessionInfo> sessions;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i].ok()) {
      outcomes[i].status = events[i].status();
      continue;
    }
    auto session = Prepare(*events[i]);
    outcomes[i].event_id = events[i]->event_id;
    if (!session.ok()) {
      outcomes[i].status = session.status();
      continue;
    }
    valid.push_back(i);
    sessions.push_back(std::move(*session));
  }
  if (valid.empty()) return outcomes;
  std::vector<EventsRepository::Item> items;
  items.reserve(valid.size());
  for (size_t k = 0; k < valid.size(); ++k) items.push_back({&*events[valid[k]], &sessions[k]});
  std::vector<bool> stored;
  SONORA_RETURN_IF_ERROR(writer_.Run([&](store::Session& tx) -> Status {
    SONORA_ASSIGN_OR_RETURN(stored, EventsRepository::ApplyEvents(tx, items));
    return Status();
  }));
  for (size_t k = 0; k < valid.size(); ++k) outcomes[valid[k]].duplicate = !stored[k];
  return outcomes;
}

Status EventsService::UpdateState(PlayerState s) {
  SONORA_RETURN_IF_ERROR(CheckPosition(s.position_ms, "position_ms"));
  if (s.volume < 0 || s.volume > 100) {
    return Status::InvalidArgument("volume", "'volume' must be from 0 to 100");
  }
  SONORA_ASSIGN_OR_RETURN(auto session, sessions_(s.session_id, s.user_id, {}));
  if (!session || session->user_id != s.user_id) {
    return Status::NotFound("no such playback session");
  }
  s.updated_at_ms = clock_.NowMillis();
  return writer_.Run([&](store::Session& tx) { return EventsRepository::UpsertState(tx, s); });
}

}  // namespace sonora::events
