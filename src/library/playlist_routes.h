// Playlist routes (seed 000 §5; issue 5): CRUD, items with snapshot ids and rebasing,
// collaborators, the activity log and follows. The route table opens playlist_routes.cc.
#pragma once

#include "http/router.h"
#include "library/playlist_service.h"

namespace sonora::library {

// `service` must outlive the router.
void AddPlaylistRoutes(http::Router& router, PlaylistService& service);

}  // namespace sonora::library
