#include "events/events_routes.h"

#include <algorithm>

#include "core/ids.h"
#include "core/json.h"
#include "core/time_format.h"
#include "http/errors.h"

namespace sonora::events {

using http::Method;
using http::Request;
using http::Response;

namespace {

Result<int64_t> RequiredInt(const Json& body, const char* key) {
  SONORA_ASSIGN_OR_RETURN(auto v, OptionalInt(body, key));
  if (!v) return Status::InvalidArgument(key, std::string("'") + key + "' is required");
  return *v;
}

// Optional client timestamp; the server's clock is what counts, this is kept for analysis.
Result<int64_t> ClientTime(const Json& body) {
  SONORA_ASSIGN_OR_RETURN(auto ts, OptionalString(body, "timestamp"));
  if (!ts) return int64_t{0};
  auto t = ParseIso8601(*ts);
  if (!t) return Status::InvalidArgument("timestamp", "'timestamp' must be ISO-8601");
  return t->time_since_epoch().count();
}

Result<std::string> SessionId(const Json& body) {
  SONORA_ASSIGN_OR_RETURN(std::string id, RequiredString(body, "session_id"));
  if (!IsWellFormedId(id)) return Status::InvalidArgument("session_id", "malformed session_id");
  return id;
}

bool KnownQuality(std::string_view q) {
  for (const char* k : {"low", "normal", "high", "lossless", "96kbps", "160kbps", "320kbps"})
    if (q == k) return true;
  return false;
}

Result<PlayEvent> ParseEvent(const Json& body, const std::string& user_id) {
  PlayEvent e;
  e.user_id = user_id;
  SONORA_ASSIGN_OR_RETURN(e.session_id, SessionId(body));
  SONORA_ASSIGN_OR_RETURN(e.track_id, RequiredString(body, "track_id"));
  SONORA_ASSIGN_OR_RETURN(std::string type, RequiredString(body, "event_type"));
  auto parsed = ParseEventType(type);
  if (!parsed) {
    return Status::InvalidArgument(
        "event_type", "'event_type' must be track_played, track_skipped or track_completed");
  }
  e.type = *parsed;
  SONORA_ASSIGN_OR_RETURN(e.position_ms, RequiredInt(body, "position_ms"));
  SONORA_ASSIGN_OR_RETURN(e.duration_played_ms, RequiredInt(body, "duration_played_ms"));
  SONORA_ASSIGN_OR_RETURN(auto quality, OptionalString(body, "quality"));
  e.quality = quality.value_or("");
  if (!e.quality.empty() && !KnownQuality(e.quality)) {
    return Status::InvalidArgument("quality", "unknown 'quality'");
  }
  SONORA_ASSIGN_OR_RETURN(auto event_id, OptionalString(body, "event_id"));
  if (event_id && !IsWellFormedId(*event_id)) {
    return Status::InvalidArgument("event_id", "'event_id' must be 1-64 of [A-Za-z0-9_-]");
  }
  e.event_id = event_id.value_or("");
  SONORA_ASSIGN_OR_RETURN(e.client_time_ms, ClientTime(body));
  return e;
}

}  // namespace

void AddEventsRoutes(http::Router& router, EventsService& service) {
  router.Add(Method::kPut, "/api/v1/player/state", "player:state", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
               PlayerState s;
               s.user_id = req.user().user_id;
               SONORA_ASSIGN_OR_RETURN(s.session_id, SessionId(body));
               SONORA_ASSIGN_OR_RETURN(s.position_ms, RequiredInt(body, "position_ms"));
               SONORA_ASSIGN_OR_RETURN(auto playing, OptionalBool(body, "is_playing"));
               if (!playing)
                 return Status::InvalidArgument("is_playing", "'is_playing' is required");
               s.is_playing = *playing;
               SONORA_ASSIGN_OR_RETURN(auto volume, OptionalInt(body, "volume"));
               s.volume = static_cast<int>(std::clamp<int64_t>(volume.value_or(100), -1, 101));
               SONORA_ASSIGN_OR_RETURN(s.client_time_ms, ClientTime(body));
               SONORA_RETURN_IF_ERROR(service.UpdateState(s));
               return Response::Json(200, {{"updated", true}});
             });

  // One event (the seed's body) or {"events": [...]}, up to kMaxEventsPerBatch, with a result
  // per event (SECURITY.md §6). Players batch events to save round trips and battery.
  router.Add(Method::kPost, "/api/v1/player/events", "player:events", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
               const std::string& user_id = req.user().user_id;
               auto batch = body.find("events");
               if (batch == body.end()) {
                 SONORA_ASSIGN_OR_RETURN(PlayEvent e, ParseEvent(body, user_id));
                 SONORA_RETURN_IF_ERROR(service.Record(std::move(e)));
                 return Response::Json(202, {{"tracked", true}});
               }
               if (body.size() != 1) {
                 return Status::InvalidArgument("events", "a batch body holds only 'events'");
               }
               if (!batch->is_array() || batch->empty() || batch->size() > kMaxEventsPerBatch) {
                 return Status::InvalidArgument("events", "'events' must be an array of 1 to " +
                                                              std::to_string(kMaxEventsPerBatch) +
                                                              " events");
               }
               std::vector<Result<PlayEvent>> events;
               events.reserve(batch->size());
               for (const Json& item : *batch) {
                 if (item.is_object())
                   events.push_back(ParseEvent(item, user_id));
                 else
                   events.push_back(Status::InvalidArgument("events", "each event is an object"));
               }
               SONORA_ASSIGN_OR_RETURN(auto outcomes, service.RecordBatch(std::move(events)));

               Json results = Json::array();
               int64_t tracked = 0;
               for (const auto& o : outcomes) {
                 Json r = {{"event_id", o.event_id.empty() ? Json(nullptr) : Json(o.event_id)}};
                 if (o.status.ok()) {
                   ++tracked;
                   r["status"] = o.duplicate ? "duplicate" : "tracked";
                 } else {
                   r["status"] = "rejected";
                   r["error"] = http::ErrorObject(o.status);
                 }
                 results.push_back(std::move(r));
               }
               // A batch where nothing could be stored is a client error, not an acceptance.
               if (tracked == 0) return outcomes.front().status;
               return Response::Json(202, {{"tracked", tracked}, {"results", std::move(results)}});
             });
}

}  // namespace sonora::events
