// GET /api/v1/recommendations, /playlists/discover-weekly, /artists/{id}/related-artists and
// /radio (seed 000 §5, issue 7; docs/recommendations.md "Serving").
#pragma once

#include "http/router.h"
#include "recommend/discover_weekly.h"
#include "recommend/recommendation_service.h"

namespace sonora::recommend {

void AddRecommendRoutes(http::Router& router, RecommendationService& service,
                        DiscoverWeekly& discover_weekly);

}  // namespace sonora::recommend
