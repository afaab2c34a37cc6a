// Release Radar: new releases by the artists a user follows or plays most
// (RecommendationService::ReleaseRadar), generated once a week, Friday 00:00 UTC to the next
// Friday, and read back all week.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recommend/generated_playlists.h"
#include "recommend/recommendation_service.h"

namespace sonora::recommend {

// Friday in the Monday-based weekday numbering of WeekdayStartMillis.
inline constexpr int kFriday = 4;

class ReleaseRadar : public PlaylistFamily {
 public:
  ReleaseRadar(store::Database& db, catalog::CatalogRepository& repo,
               RecommendationService& recommender, const Clock& clock)
      : PlaylistFamily(db, repo, clock), recommender_(recommender) {}

  std::string_view family() const override { return "release_radar"; }

 protected:
  int64_t PeriodStart(int64_t now_ms) const override { return WeekdayStartMillis(now_ms, kFriday); }
  int64_t PeriodLengthMs() const override { return 7 * kDayMs; }
  Result<std::vector<GeneratedList>> Generate(const std::string& user_id,
                                              const std::string& country, int64_t now_ms) override;

 private:
  RecommendationService& recommender_;
};

}  // namespace sonora::recommend
