// GET /api/v1/search and /api/v1/search/suggest (issue 6; seed 000 §5 "Search Content").
// Results are filtered to the caller's country: tracks and albums not available there never
// appear.
#pragma once

#include "http/router.h"
#include "search/search_service.h"

namespace sonora::search {

// Suggestions per request: default and most.
inline constexpr int64_t kDefaultSuggestions = 10;
inline constexpr int64_t kMaxSuggestions = 20;
inline constexpr size_t kMaxGenreFilters = 10;

void AddSearchRoutes(http::Router& router, SearchService& service);

}  // namespace sonora::search
