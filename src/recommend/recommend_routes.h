// GET /api/v1/recommendations, /playlists/discover-weekly, /me/daily-mixes,
// /playlists/release-radar, /artists/{id}/related-artists and /radio (seed 000 §5, issue 7;
// docs/recommendations.md "Serving").
#pragma once

#include "http/router.h"
#include "recommend/daily_mix.h"
#include "recommend/discover_weekly.h"
#include "recommend/recommendation_service.h"
#include "recommend/release_radar.h"

namespace sonora::recommend {

// The three families of lists generated per user on a schedule.
struct ScheduledPlaylists {
  DiscoverWeekly& discover_weekly;
  DailyMixes& daily_mixes;
  ReleaseRadar& release_radar;
};

void AddRecommendRoutes(http::Router& router, RecommendationService& service,
                        const ScheduledPlaylists& generated);

}  // namespace sonora::recommend
