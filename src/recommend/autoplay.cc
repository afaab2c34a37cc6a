// RecommendationService::Autoplay (docs/recommendations.md "Autoplay").
#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "catalog/catalog.h"
#include "recommend/generated_playlists.h"
#include "recommend/internal/snapshot.h"
#include "recommend/recommendation_service.h"

namespace sonora::recommend {

namespace {
// Listeners of the seed read for co-listening, to bound the cost on a very popular seed.
constexpr size_t kMaxAutoplayListeners = 1000;
}  // namespace

Result<std::vector<std::string>> RecommendationService::Autoplay(const std::string& seed_track,
                                                                 const std::string& market,
                                                                 size_t count) {
  if (count == 0) return std::vector<std::string>{};
  // A stale snapshot is good enough here: the play path never pays for a rebuild. While the
  // first one is being built (serve's warm-up, seconds on a large catalog) there is no station
  // yet rather than a play that waits for it; with no build under way, the first call builds.
  std::shared_ptr<const Snapshot> snap = Peek();
  if (!snap) {
    if (FirstBuildUnderWay()) return std::vector<std::string>{};
    SONORA_ASSIGN_OR_RETURN(snap, Current());
  }
  const Snapshot& s = *snap;
  const std::vector<uint8_t>& playable = s.PlayableIn(market);
  auto seed = s.track_index.find(seed_track);
  if (seed == s.track_index.end()) return std::vector<std::string>{};
  const int32_t me = seed->second;

  // Co-listened tracks by cosine; the seed's genres and the whole catalog by popularity
  // follow below.
  std::vector<int32_t> order;
  if (const int32_t item = s.track_item[static_cast<size_t>(me)]; item >= 0) {
    std::unordered_map<int32_t, int32_t> co;
    auto users = s.matrix.by_item().Cols(item);
    auto values = s.matrix.by_item().Values(item);
    size_t read = 0;
    for (size_t k = 0; k < users.size() && read < kMaxAutoplayListeners; ++k) {
      if (values[k] <= 0) continue;
      ++read;
      auto items = s.matrix.by_user().Cols(users[k]);
      auto vals = s.matrix.by_user().Values(users[k]);
      for (size_t j = 0; j < items.size(); ++j)
        if (vals[j] > 0 && items[j] != item) ++co[items[j]];
    }
    std::vector<std::pair<double, int32_t>> ranked;
    for (const auto& [i, n] : co) {
      const int32_t t = s.item_track[static_cast<size_t>(i)];
      if (t < 0) continue;
      const double cos = n / std::sqrt(static_cast<double>(std::max<size_t>(read, 1)) *
                                       std::max(1, s.listeners[static_cast<size_t>(i)]));
      ranked.emplace_back(-cos, t);
    }
    std::sort(ranked.begin(), ranked.end());
    for (const auto& [score, t] : ranked) order.push_back(t);
  }
  std::vector<int32_t> picked;
  std::unordered_set<int32_t> taken = {me}, artists;
  auto consider = [&](int32_t t, bool spread) {
    if (picked.size() >= count || taken.count(t)) return;
    const auto i = static_cast<size_t>(t);
    if (!playable[i]) return;
    const int32_t artist = s.track_artists[i].empty() ? -1 : s.track_artists[i].front();
    if (spread && artist >= 0 && artists.count(artist)) return;
    taken.insert(t);
    if (artist >= 0) artists.insert(artist);
    picked.push_back(t);
  };
  // One per artist first; then, if the catalog is that small, repeats. Lists are walked only
  // as far as needed: a genre's list can be most of the catalog.
  auto walk = [&](const std::vector<int32_t>& list, bool spread) {
    for (int32_t t : list) {
      if (picked.size() >= count) return;
      consider(t, spread);
    }
  };
  for (bool spread : {true, false}) {
    walk(order, spread);
    for (int32_t g : s.track_genres[static_cast<size_t>(me)])
      walk(s.genre_tracks[static_cast<size_t>(g)], spread);
    walk(s.by_popularity, spread);
  }
  std::vector<std::string> ids;
  for (int32_t t : picked) ids.push_back(s.track_ids[static_cast<size_t>(t)]);
  return ids;
}

}  // namespace sonora::recommend
