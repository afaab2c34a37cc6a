// RecommendationService::DailyMixes (docs/recommendations.md "Daily Mix").
#include "recommend/daily_mix.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "catalog/catalog.h"
#include "recommend/audio_features.h"
#include "recommend/internal/snapshot.h"
#include "recommend/kmeans.h"
#include "recommend/recommendation_service.h"

namespace sonora::recommend {

namespace {

using Snapshot = RecommendationService::Snapshot;

// The share of a mix that is new to the listener (seed 000 §8: 80% familiar, 20% new).
constexpr double kNewShare = 0.2;
// Clustering looks at the user's most played tracks, this many at most.
constexpr size_t kMaxClusteredTracks = 300;
// Evidence weights of a familiar track: counted plays, plus this for a liked track.
constexpr double kLikedWeight = 2.0;
// Anchors of a cluster's new tracks: its most played tracks, this many at most.
constexpr size_t kMixAnchors = 10;

// FNV-1a, for a clustering seed that is the same for the same user on every platform.
uint64_t StableHash(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// "hip hop" -> "Hip Hop Mix"; "" -> "Daily Mix".
std::string MixName(const std::string& genre) {
  if (genre.empty()) return "Daily Mix";
  std::string out = genre;
  bool start = true;
  for (char& c : out) {
    if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    start = c == ' ' || c == '-' || c == '&';
  }
  return out + " Mix";
}

// Names are unique across a user's mixes: a repeated one gets " 2", " 3", ...
void MakeNamesUnique(std::vector<TrackList>& mixes) {
  std::unordered_map<std::string, int> seen;
  for (auto& m : mixes) {
    const int n = ++seen[m.name];
    if (n > 1) m.name += " " + std::to_string(n);
  }
}

// Familiar tracks first, one new track after every four familiar ones (then the rest).
std::vector<std::string> Interleave(const std::vector<std::string>& familiar,
                                    const std::vector<std::string>& fresh) {
  std::vector<std::string> out;
  const size_t every =
      std::max<size_t>(1, static_cast<size_t>(std::lround((1 - kNewShare) / kNewShare)));
  size_t f = 0, n = 0;
  while (f < familiar.size() || n < fresh.size()) {
    for (size_t k = 0; k < every && f < familiar.size(); ++k) out.push_back(familiar[f++]);
    if (n < fresh.size()) out.push_back(fresh[n++]);
  }
  return out;
}

}  // namespace

Result<std::vector<TrackList>> RecommendationService::DailyMixes(const std::string& user_id,
                                                                 const std::string& market,
                                                                 int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Current());
  const Snapshot& s = *snap;
  const std::vector<uint8_t>& playable_in = s.PlayableIn(market);
  const std::vector<std::string>& genre_names = s.genre_names;
  auto playable = [&](int32_t t) { return playable_in[static_cast<size_t>(t)] != 0; };

  // The window's evidence per track; everything heard or liked is never "new".
  const int64_t since = now_ms - kDailyMixHistoryDays * kDayMs;
  SONORA_ASSIGN_OR_RETURN(auto heard, signals_.HeardSince(user_id, since));
  SONORA_ASSIGN_OR_RETURN(auto liked, signals_.Liked(user_id));
  std::unordered_map<int32_t, double> weight;
  std::vector<int32_t> excluded;
  for (const auto& h : heard) {
    auto it = s.track_index.find(h.track_id);
    if (it == s.track_index.end()) continue;
    excluded.push_back(it->second);
    if (h.counted > 0) weight[it->second] += static_cast<double>(h.counted);
  }
  for (const auto& id : liked) {
    auto it = s.track_index.find(id);
    if (it == s.track_index.end()) continue;
    excluded.push_back(it->second);
    weight[it->second] += kLikedWeight;
  }
  std::vector<int32_t> familiar;
  for (const auto& [t, w] : weight)
    if (playable(t)) familiar.push_back(t);
  std::sort(familiar.begin(), familiar.end(), [&](int32_t a, int32_t b) {
    return weight[a] != weight[b] ? weight[a] > weight[b] : a < b;
  });
  if (familiar.size() > kMaxClusteredTracks) familiar.resize(kMaxClusteredTracks);

  std::vector<TrackList> mixes;
  if (familiar.size() < static_cast<size_t>(kDailyMixMinFamiliar)) {
    // Too little history to cluster: one mix per leading genre of the market (the user's own
    // genres first), each the genre's most popular playable tracks; all of it new.
    std::vector<int32_t> genre_order;
    std::unordered_set<int32_t> listed;
    for (int32_t t : familiar) {
      for (int32_t g : s.track_genres[static_cast<size_t>(t)])
        if (listed.insert(g).second) genre_order.push_back(g);
    }
    std::unordered_map<int32_t, std::vector<int32_t>> by_genre;  // primary genre -> tracks
    std::vector<int32_t> any;
    for (int32_t t : s.by_popularity) {
      if (!playable(t) || weight.count(t)) continue;
      if (any.size() < static_cast<size_t>(kDailyMixTracks)) any.push_back(t);
      const auto& g = s.track_genres[static_cast<size_t>(t)];
      auto p = s.genre_index.find(s.primary_genre[static_cast<size_t>(t)]);
      if (g.empty() || p == s.genre_index.end()) continue;
      auto& list = by_genre[p->second];
      if (list.empty() && listed.insert(p->second).second) genre_order.push_back(p->second);
      if (list.size() < static_cast<size_t>(kDailyMixTracks)) list.push_back(t);
    }
    for (int32_t g : genre_order) {
      auto it = by_genre.find(g);
      if (it == by_genre.end() || it->second.size() < static_cast<size_t>(kDailyMixMinFamiliar))
        continue;
      TrackList m;
      m.name = MixName(genre_names[static_cast<size_t>(g)]);
      for (int32_t t : it->second) m.track_ids.push_back(s.track_ids[static_cast<size_t>(t)]);
      m.new_track_ids = m.track_ids;
      mixes.push_back(std::move(m));
      if (mixes.size() == static_cast<size_t>(kMaxDailyMixes)) break;
    }
    if (mixes.empty() && !any.empty()) {
      TrackList m;
      m.name = MixName("");
      for (int32_t t : any) m.track_ids.push_back(s.track_ids[static_cast<size_t>(t)]);
      m.new_track_ids = m.track_ids;
      mixes.push_back(std::move(m));
    }
    for (auto& m : mixes) m.description = "Popular picks to start your listening";
    MakeNamesUnique(mixes);
    return mixes;
  }

  // One point per familiar track: its audio-feature vector and its genres (one-hot over the
  // user's genres), each half unit-length, the whole unit-length.
  std::unordered_map<int32_t, int> local_genre;
  for (int32_t t : familiar) {
    for (int32_t g : s.track_genres[static_cast<size_t>(t)])
      local_genre.emplace(g, static_cast<int>(local_genre.size()));
  }
  const int dim = kAudioFeatureDim + static_cast<int>(local_genre.size());
  std::vector<float> points(familiar.size() * static_cast<size_t>(dim), 0.0f);
  std::vector<double> weights;
  for (size_t i = 0; i < familiar.size(); ++i) {
    const auto t = static_cast<size_t>(familiar[i]);
    float* p = points.data() + i * static_cast<size_t>(dim);
    const bool audio = s.has_audio[t] != 0;
    const bool genres = !s.track_genres[t].empty();
    const float half = audio && genres ? static_cast<float>(1.0 / std::sqrt(2.0)) : 1.0f;
    if (audio) {
      const float* v = s.audio.data() + t * kAudioFeatureDim;
      for (int d = 0; d < kAudioFeatureDim; ++d) p[d] = v[d] * half;
    }
    if (genres) {
      const float g =
          half / static_cast<float>(std::sqrt(static_cast<double>(s.track_genres[t].size())));
      for (int32_t x : s.track_genres[t]) p[kAudioFeatureDim + local_genre[x]] = g;
    }
    weights.push_back(std::log1p(weight[familiar[i]]));
  }
  const Clustering clusters = ChooseClustering(
      points, dim, weights, {.max_k = kMaxDailyMixes, .min_cluster_size = kDailyMixMinFamiliar},
      StableHash(user_id));

  struct Cluster {
    std::vector<int32_t> tracks;  // most played first (familiar is in that order)
    double weight = 0;
  };
  std::vector<Cluster> groups(static_cast<size_t>(clusters.k));
  for (size_t i = 0; i < familiar.size(); ++i) {
    auto& c = groups[static_cast<size_t>(clusters.assignment[i])];
    c.tracks.push_back(familiar[i]);
    c.weight += weight[familiar[i]];
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const Cluster& a, const Cluster& b) { return a.weight > b.weight; });

  const size_t max_familiar = static_cast<size_t>(std::lround(kDailyMixTracks * (1 - kNewShare)));
  std::unordered_set<int32_t> used_new;
  std::vector<std::string> artist_ids;  // for the descriptions
  std::vector<std::vector<std::string>> mix_artists;
  std::vector<bool> more_artists;
  for (const auto& c : groups) {
    if (c.tracks.empty()) continue;
    TrackList m;
    // Dominant genre: the primary genre with the most plays in the cluster.
    std::unordered_map<std::string, double> genre_weight;
    std::unordered_map<std::string, double> artist_weight;
    for (int32_t t : c.tracks) {
      const auto i = static_cast<size_t>(t);
      if (!s.primary_genre[i].empty()) genre_weight[s.primary_genre[i]] += weight[t];
      if (!s.track_artists[i].empty()) {
        artist_weight[s.artist_ids[static_cast<size_t>(s.track_artists[i].front())]] += weight[t];
      }
    }
    std::string genre;
    double best = 0;
    for (const auto& [g, w] : genre_weight) {
      if (w > best || (w == best && g < genre)) {
        best = w;
        genre = g;
      }
    }
    m.name = MixName(genre);
    std::vector<std::pair<double, std::string>> artists;
    for (const auto& [id, w] : artist_weight) artists.emplace_back(-w, id);
    std::sort(artists.begin(), artists.end());
    std::vector<std::string> top;
    for (size_t k = 0; k < artists.size() && k < 3; ++k) top.push_back(artists[k].second);
    artist_ids.insert(artist_ids.end(), top.begin(), top.end());
    mix_artists.push_back(top);
    more_artists.push_back(artists.size() > top.size());

    std::vector<std::string> familiar_ids;
    for (size_t k = 0; k < c.tracks.size() && k < max_familiar; ++k)
      familiar_ids.push_back(s.track_ids[static_cast<size_t>(c.tracks[k])]);
    // New tracks: a quarter of the familiar count (80/20), ranked from the cluster.
    const auto want = static_cast<size_t>(
        std::lround(static_cast<double>(familiar_ids.size()) * kNewShare / (1 - kNewShare)));
    std::vector<std::string> fresh;
    if (want > 0) {
      RankRequest request;
      request.user_id = user_id;
      request.market = market;
      for (size_t k = 0; k < c.tracks.size() && k < kMixAnchors; ++k)
        request.anchors.push_back(c.tracks[k]);
      for (int32_t t : c.tracks)
        for (int32_t g : s.track_genres[static_cast<size_t>(t)]) request.profile_genres.insert(g);
      request.excluded = excluded;
      request.excluded.insert(request.excluded.end(), used_new.begin(), used_new.end());
      request.limit = static_cast<int>(want);
      SONORA_ASSIGN_OR_RETURN(auto ranked, Rank(s, request));
      for (const auto& r : ranked) {
        if (fresh.size() >= want) break;
        auto it = s.track_index.find(r.track.track_id);
        if (it == s.track_index.end() || !used_new.insert(it->second).second) continue;
        fresh.push_back(r.track.track_id);
      }
    }
    m.track_ids = Interleave(familiar_ids, fresh);
    m.new_track_ids = std::move(fresh);
    mixes.push_back(std::move(m));
    if (mixes.size() == static_cast<size_t>(kMaxDailyMixes)) break;
  }

  // Descriptions name the cluster's leading artists, as Spotify's do.
  SONORA_ASSIGN_OR_RETURN(auto artist_rows, repo_.GetArtists(artist_ids));
  std::unordered_map<std::string, std::string> names;
  for (const auto& a : artist_rows) names.emplace(a.artist_id, a.name);
  for (size_t i = 0; i < mixes.size(); ++i) {
    std::vector<std::string> shown;
    for (const auto& id : mix_artists[i])
      if (auto it = names.find(id); it != names.end()) shown.push_back(it->second);
    // "A", "A and B", "A, B and C", "A, B, C and more".
    std::string d;
    for (size_t k = 0; k < shown.size(); ++k) {
      if (k > 0) d += k + 1 == shown.size() && !more_artists[i] ? " and " : ", ";
      d += shown[k];
    }
    if (!d.empty() && more_artists[i]) d += " and more";
    mixes[i].description = d.empty() ? "Made for you" : d;
  }
  MakeNamesUnique(mixes);
  return mixes;
}

Result<std::vector<GeneratedList>> DailyMixes::Generate(const std::string& user_id,
                                                        const std::string& country,
                                                        int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(auto mixes, recommender_.DailyMixes(user_id, country, now_ms));
  std::vector<GeneratedList> out;
  for (size_t i = 0; i < mixes.size(); ++i) {
    GeneratedList l;
    l.kind = std::string(family()) + ":" + std::to_string(i + 1);
    l.name = std::move(mixes[i].name);
    l.description = std::move(mixes[i].description);
    l.track_ids = std::move(mixes[i].track_ids);
    l.new_track_ids = std::move(mixes[i].new_track_ids);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace sonora::recommend
