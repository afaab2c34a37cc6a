// Podcast read routes: a show, its episodes (paged, newest first), an episode.
// `?market=XX` (default: the caller's country) sets `is_playable`, as on tracks.
#pragma once

#include "catalog/podcast_service.h"
#include "http/router.h"

namespace sonora::catalog {

void AddPodcastRoutes(http::Router& router, PodcastService& service);

}  // namespace sonora::catalog
