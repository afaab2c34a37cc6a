// PUT /api/v1/player/state and POST /api/v1/player/events (seed 000 §5).
#pragma once

#include "events/events_service.h"
#include "http/router.h"

namespace sonora::events {

void AddEventsRoutes(http::Router& router, EventsService& service);

}  // namespace sonora::events
