// Daily Mix (seed 000 §8): up to 6 mixes a day per user, clustered from the last 180 days of
// listening (RecommendationService::DailyMixes), stored for the UTC day (00:00 to 00:00) as
// kinds "daily_mix:1" .. "daily_mix:6" and read back until midnight.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recommend/generated_playlists.h"
#include "recommend/recommendation_service.h"

namespace sonora::recommend {

class DailyMixes : public PlaylistFamily {
 public:
  DailyMixes(store::Database& db, catalog::CatalogRepository& repo,
             RecommendationService& recommender, const Clock& clock)
      : PlaylistFamily(db, repo, clock), recommender_(recommender) {}

  std::string_view family() const override { return "daily_mix"; }

 protected:
  int64_t PeriodStart(int64_t now_ms) const override { return DayStartMillis(now_ms); }
  int64_t PeriodLengthMs() const override { return kDayMs; }
  Result<std::vector<GeneratedList>> Generate(const std::string& user_id,
                                              const std::string& country, int64_t now_ms) override;

 private:
  RecommendationService& recommender_;
};

}  // namespace sonora::recommend
