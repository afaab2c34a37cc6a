// The blend of seed 004 §4, in one place: how candidates from the three generators are pooled
// (0.4 collaborative / 0.3 content / 0.3 model) and how each candidate is scored
// (0.4 content + 0.3 collaborative + 0.2 popularity capped at 0.8 + 0.1 freshness). Every
// endpoint that ranks tracks calls these; none re-weights on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sonora::recommend {

// Shares of the candidate pool per generator (004 §4, combine_candidates).
inline constexpr double kPoolShareCollaborative = 0.4;
inline constexpr double kPoolShareContent = 0.3;
inline constexpr double kPoolShareModel = 0.3;

// Score weights (004 §4, calculate_song_score).
inline constexpr double kWeightContent = 0.4;
inline constexpr double kWeightCollaborative = 0.3;
inline constexpr double kWeightPopularity = 0.2;
inline constexpr double kWeightFreshness = 0.1;
inline constexpr double kPopularityCap = 0.8;
// Releases younger than this many days get a freshness boost falling linearly to 0.
inline constexpr int64_t kFreshnessDays = 90;

// The signals of one candidate, each in [0, 1].
struct BlendSignals {
  double content = 0;        // audio-feature and genre similarity to the seeds
  double collaborative = 0;  // co-listening with the seeds / the ALS model's score
  int popularity = 0;        // the catalog's 0..100
  double freshness = 0;      // FreshnessScore
};

// kWeightContent * content + ... ; in [0, 0.98]. Inputs outside their range are clamped.
double BlendScore(const BlendSignals& s);

// 1 for a release today, falling linearly to 0 at kFreshnessDays; 0 for an unknown date.
double FreshnessScore(int64_t release_ms, int64_t now_ms);

// Days since the epoch of a catalog release date ("YYYY-MM-DD", "YYYY-MM", "YYYY"; missing
// parts are the first month/day), in unix ms; -1 when unreadable.
int64_t ReleaseDateMillis(const std::string& date);

// How many of a pool of `pool` candidates each generator contributes (collaborative, content,
// model), by the shares above; they sum to `pool`.
struct PoolSplit {
  int collaborative = 0, content = 0, model = 0;
};
PoolSplit SplitPool(int pool);

// Genre diversity (004 §4, apply_genre_diversity): walks `ranked` (indices, best first) and
// keeps at most `max_per_genre` items per primary genre (`genre_of[i]`, "" = no genre, never
// limited) until `want` are chosen; when that leaves fewer than `want`, the skipped ones
// follow in rank order.
std::vector<int32_t> DiversifyByGenre(const std::vector<int32_t>& ranked,
                                      const std::vector<std::string>& genre_of, int max_per_genre,
                                      size_t want);

}  // namespace sonora::recommend
