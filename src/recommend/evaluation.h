// Offline evaluation: hold out each user's last interactions, train on the rest, and score the
// top 10 each recommender returns against what was held out (docs/recommendations.md,
// "Evaluation"). The metric functions are exposed for tests on hand-computed cases.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recommend/interactions.h"
#include "recommend/recommender.h"

namespace sonora::recommend {

// The cut-off for every @k metric.
inline constexpr int kEvalCutoff = 10;

struct SplitOptions {
  // Interactions held out per user. Default: 1.
  int holdout = 1;
  // A user is evaluated only when at least this many interactions stay in training.
  // Default: 1.
  int min_train = 1;
  // When the source has no times, each user's held-out interactions are chosen by a
  // generator seeded with this (and the user's index), so runs repeat.
  uint64_t seed = 7;
};

// A train matrix and, per user, the held-out items (empty for users not evaluated).
struct Split {
  InteractionMatrix train;
  std::vector<std::vector<int32_t>> held_out;  // per user, sorted ascending
  int64_t evaluated_users = 0;
};

// Splits `interactions` (users x items): per user, the distinct items are ordered by the latest
// time the user touched them (when `by_time`; otherwise shuffled with the seed), the last
// `holdout` positive ones are held out when at least `min_train` items remain, and every
// interaction with a held-out (user, item) pair leaves the training matrix.
Split SplitLeaveLastOut(std::span<const Interaction> interactions, int32_t users, int32_t items,
                        bool by_time, const SplitOptions& options);

// Fraction of the first k recommendations that are relevant (divides by k).
double PrecisionAtK(std::span<const int32_t> recommended, std::span<const int32_t> relevant, int k);
// Relevant items found in the first k over all relevant items.
double RecallAtK(std::span<const int32_t> recommended, std::span<const int32_t> relevant, int k);
// Binary-relevance NDCG: sum of 1/log2(rank + 1) over hits in the first k, over the same sum
// for min(k, |relevant|) hits at the top.
double NdcgAtK(std::span<const int32_t> recommended, std::span<const int32_t> relevant, int k);
// Mean pairwise (1 - cosine) between the items of one list, by their columns in `matrix`
// (co-listening vectors); 0 for lists shorter than 2.
double IntraListDiversity(std::span<const int32_t> recommended, const InteractionMatrix& matrix);

struct ModelMetrics {
  std::string model;
  double precision = 0, recall = 0, ndcg = 0;  // means over evaluated users, @kEvalCutoff
  double coverage = 0;                         // distinct recommended items / catalog size
  double diversity = 0;                        // mean intra-list diversity
  double seconds = 0;                          // fit time (set by the caller) + recommendation time
};

// Scores `recommender` on every user of `split` with held-out items, using `threads`.
ModelMetrics Evaluate(const Recommender& recommender, const Split& split, int threads);

}  // namespace sonora::recommend
