#include "recommend/history_loader.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace sonora::recommend {

Result<InteractionBuilder> LoadListeningHistory(store::Database& db,
                                                const ConfidenceWeights& weights) {
  struct Evidence {
    float value = 0;
    int64_t time = 0;
  };
  // Ordered so ids are interned in a stable order whatever the backend returns first.
  std::map<std::pair<std::string, std::string>, Evidence> pairs;
  SONORA_ASSIGN_OR_RETURN(auto listens,
                          db.Query("SELECT user_id, track_id, SUM(counted), SUM(completed),"
                                   " SUM(CASE WHEN skipped = 1 AND counted = 0 THEN 1 ELSE 0 END),"
                                   " MAX(started_at_ms) FROM listens GROUP BY user_id, track_id"));
  for (const auto& row : listens.rows) {
    auto& e = pairs[{row.GetString(0), row.GetString(1)}];
    e.value += weights.play * static_cast<float>(row.GetInt(2)) +
               weights.completion * static_cast<float>(row.GetInt(3)) -
               weights.skip * static_cast<float>(row.GetInt(4));
    e.time = std::max(e.time, row.GetInt(5));
  }
  SONORA_ASSIGN_OR_RETURN(auto saved,
                          db.Query("SELECT user_id, track_id, added_at_ms FROM saved_tracks"));
  for (const auto& row : saved.rows) {
    auto& e = pairs[{row.GetString(0), row.GetString(1)}];
    e.value += weights.like;
    e.time = std::max(e.time, row.GetInt(2));
  }
  InteractionBuilder builder;
  for (const auto& [key, e] : pairs) {
    if (e.value != 0) builder.Add(key.first, key.second, e.value, e.time);
  }
  builder.set_has_times(true);
  return builder;
}

}  // namespace sonora::recommend
