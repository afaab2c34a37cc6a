// Discover Weekly (seed 000 §5 and §8): 30 tracks a week per user, none heard in the last 90
// days or liked, at most 2 per artist, generated once per week (Monday 00:00 UTC to the next
// Monday) and read back all week (generated_playlists.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recommend/generated_playlists.h"
#include "recommend/recommendation_service.h"

namespace sonora::recommend {

inline constexpr int kDiscoverWeeklyTracks = 30;
inline constexpr int kDiscoverWeeklyMaxPerArtist = 2;
inline constexpr int64_t kDiscoverWeeklyHistoryDays = 90;

class DiscoverWeekly : public PlaylistFamily {
 public:
  DiscoverWeekly(store::Database& db, catalog::CatalogRepository& repo,
                 RecommendationService& recommender, const Clock& clock)
      : PlaylistFamily(db, repo, clock), recommender_(recommender) {}

  std::string_view family() const override { return "discover_weekly"; }

 protected:
  int64_t PeriodStart(int64_t now_ms) const override { return WeekStartMillis(now_ms); }
  int64_t PeriodLengthMs() const override { return 7 * kDayMs; }
  Result<std::vector<GeneratedList>> Generate(const std::string& user_id,
                                              const std::string& country, int64_t now_ms) override;

 private:
  RecommendationService& recommender_;
};

}  // namespace sonora::recommend
