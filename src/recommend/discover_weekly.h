// Discover Weekly (seed 000 §5 and §8): 30 tracks a week per user, none heard in the last 90
// days or liked, at most 2 per artist, generated once per week (Monday 00:00 UTC to the next
// Monday) and stored in generated_playlists, so the list is the same all week. Generated
// lazily by the first request of the week and for every user by `sonora recommend run`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/result.h"
#include "recommend/recommendation_service.h"
#include "store/database.h"

namespace sonora::recommend {

inline constexpr int kDiscoverWeeklyTracks = 30;
inline constexpr int kDiscoverWeeklyMaxPerArtist = 2;
inline constexpr int64_t kDiscoverWeeklyHistoryDays = 90;

// Monday 00:00 UTC of the week holding `ms` (unix ms).
int64_t WeekStartMillis(int64_t ms);

struct GeneratedPlaylist {
  std::string user_id;
  int64_t generated_at_ms = 0;
  int64_t expires_at_ms = 0;
  std::vector<catalog::Track> tracks;  // in order; tracks deleted since generation are left out
};

class DiscoverWeekly {
 public:
  DiscoverWeekly(store::Database& db, catalog::CatalogRepository& repo,
                 RecommendationService& recommender, const Clock& clock)
      : db_(db), repo_(repo), recommender_(recommender), clock_(clock) {}

  // This week's list for `user_id`, generating and storing it when the week has none yet.
  // `country` is the user's market. Concurrent first requests store one list (the first
  // insert wins) and both return it.
  Result<GeneratedPlaylist> Get(const std::string& user_id, const std::string& country);

  // Generates this week's list for every user who has none yet; calls `progress(done, total)`
  // after each user. Returns how many lists were generated.
  Result<int64_t> GenerateAll(const std::function<void(int64_t, int64_t)>& progress);

 private:
  Result<std::optional<GeneratedPlaylist>> Stored(const std::string& user_id, int64_t week);
  Status Generate(const std::string& user_id, const std::string& country, int64_t week);

  store::Database& db_;
  catalog::CatalogRepository& repo_;
  RecommendationService& recommender_;
  const Clock& clock_;
};

}  // namespace sonora::recommend
