// RecommendationService::ReleaseRadar (docs/recommendations.md "Release Radar").
#include "recommend/release_radar.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "catalog/catalog.h"
#include "recommend/internal/snapshot.h"
#include "recommend/recommendation_service.h"

namespace sonora::recommend {

Result<TrackList> RecommendationService::ReleaseRadar(const std::string& user_id,
                                                      const std::string& market, int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Current());
  const Snapshot& s = *snap;
  const std::vector<uint8_t>& playable = s.PlayableIn(market);
  const size_t n = s.track_ids.size();

  // The user's artists: followed ones, and the most played (positive evidence per primary
  // artist over the whole history).
  std::unordered_set<int32_t> mine;
  SONORA_ASSIGN_OR_RETURN(auto follows, signals_.FollowedArtists(user_id));
  for (const auto& id : follows) {
    if (auto it = s.artist_index.find(id); it != s.artist_index.end()) mine.insert(it->second);
  }
  std::unordered_map<int32_t, double> played;
  std::unordered_set<int32_t> profile_genres;
  if (int32_t u = s.users.Find(user_id); u >= 0 && u < s.matrix.users()) {
    auto items = s.matrix.by_user().Cols(u);
    auto vals = s.matrix.by_user().Values(u);
    for (size_t k = 0; k < items.size(); ++k) {
      const int32_t t = s.item_track[static_cast<size_t>(items[k])];
      if (vals[k] <= 0 || t < 0) continue;
      for (int32_t g : s.track_genres[static_cast<size_t>(t)]) profile_genres.insert(g);
      const auto& artists = s.track_artists[static_cast<size_t>(t)];
      if (!artists.empty()) played[artists.front()] += vals[k];
    }
  }
  std::vector<std::pair<double, int32_t>> top(played.size());
  std::transform(played.begin(), played.end(), top.begin(),
                 [](const auto& p) { return std::make_pair(-p.second, p.first); });
  std::sort(top.begin(), top.end());
  for (size_t k = 0; k < top.size() && k < static_cast<size_t>(kReleaseRadarTopArtists); ++k)
    mine.insert(top[k].second);

  // Tiers of candidates, each newest release first (then the most popular): 0 the user's
  // artists in the window, 1 the user's genres in the window, 2 anything in the window,
  // 3 older releases (used only when the window has nothing at all).
  const int64_t since = now_ms - kReleaseRadarWindowDays * kDayMs;
  std::vector<std::vector<int32_t>> tiers(4);
  for (size_t t = 0; t < n; ++t) {
    const int64_t released = s.release_ms[t];
    if (released < 0 || released > now_ms || !playable[t]) continue;
    const auto id = static_cast<int32_t>(t);
    if (released < since) {
      tiers[3].push_back(id);
      continue;
    }
    bool by_mine = false;
    for (int32_t a : s.track_artists[t]) by_mine = by_mine || mine.count(a) > 0;
    bool in_genres = false;
    for (int32_t g : s.track_genres[t]) in_genres = in_genres || profile_genres.count(g) > 0;
    tiers[by_mine ? 0 : in_genres ? 1 : 2].push_back(id);
  }
  auto newer = [&s](int32_t a, int32_t b) {
    const auto x = static_cast<size_t>(a), y = static_cast<size_t>(b);
    if (s.release_ms[x] != s.release_ms[y]) return s.release_ms[x] > s.release_ms[y];
    if (s.track_album[x] != s.track_album[y]) return s.track_album[x] < s.track_album[y];
    if (s.popularity[x] != s.popularity[y]) return s.popularity[x] > s.popularity[y];
    return a < b;
  };
  TrackList out;
  out.name = "Release Radar";
  out.description =
      "Catch all the latest music from artists you follow, plus new singles picked for you. "
      "Updates every Friday.";
  std::unordered_map<int32_t, int> per_release;
  for (size_t tier = 0; tier < tiers.size(); ++tier) {
    if (tier == 3 && !out.track_ids.empty()) break;
    auto& list = tiers[tier];
    std::sort(list.begin(), list.end(), newer);
    for (int32_t t : list) {
      if (out.track_ids.size() >= static_cast<size_t>(kReleaseRadarTracks)) break;
      int& taken = per_release[s.track_album[static_cast<size_t>(t)]];
      if (taken >= kReleaseRadarPerRelease) continue;
      ++taken;
      out.track_ids.push_back(s.track_ids[static_cast<size_t>(t)]);
    }
  }
  return out;
}

Result<std::vector<GeneratedList>> ReleaseRadar::Generate(const std::string& user_id,
                                                          const std::string& country,
                                                          int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(auto radar, recommender_.ReleaseRadar(user_id, country, now_ms));
  GeneratedList l;
  l.kind = std::string(family());
  l.name = std::move(radar.name);
  l.description = std::move(radar.description);
  l.track_ids = std::move(radar.track_ids);
  return std::vector<GeneratedList>{std::move(l)};
}

}  // namespace sonora::recommend
