// Listening reads (docs/decisions/0013-listening.md):
//   GET /api/v1/me/player                    me:player           current state, 204 when none
//   GET /api/v1/me/player/history            me:history          every listen, cursor paged
//   GET /api/v1/me/player/recently-played    me:recently_played  plays of the last 30 days
//   GET /api/v1/tracks/{id}/stats            tracks:stats        daily plays, unique listeners
//   GET /api/v1/artists/{id}/stats           artists:stats       monthly listeners
//   GET /api/v1/artists/{id}/top-tracks      artists:top_tracks
#pragma once

#include "catalog/catalog_service.h"
#include "core/clock.h"
#include "events/events_repository.h"
#include "events/listening_repository.h"
#include "http/router.h"

namespace sonora::events {

struct ListeningDeps {
  ListeningRepository& listening;
  EventsRepository& events;
  catalog::CatalogService& catalog;
  const Clock& clock;
};

void AddListeningRoutes(http::Router& router, ListeningDeps deps);

}  // namespace sonora::events
