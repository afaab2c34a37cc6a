#include "recommend/discover_weekly.h"

namespace sonora::recommend {

Result<std::vector<GeneratedList>> DiscoverWeekly::Generate(const std::string& user_id,
                                                            const std::string& country,
                                                            int64_t now_ms) {
  const int64_t since = now_ms - kDiscoverWeeklyHistoryDays * kDayMs;
  SONORA_ASSIGN_OR_RETURN(auto picks,
                          recommender_.ForUser(user_id, country, since, kDiscoverWeeklyTracks,
                                               kDiscoverWeeklyMaxPerArtist));
  GeneratedList list;
  list.kind = std::string(family());
  list.name = "Discover Weekly";
  list.description =
      "Your weekly mixtape of fresh music. Enjoy new music and deep cuts picked for you. "
      "Updates every Monday.";
  for (const auto& r : picks) list.track_ids.push_back(r.track.track_id);
  return std::vector<GeneratedList>{std::move(list)};
}

}  // namespace sonora::recommend
