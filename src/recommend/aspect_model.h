// Collaborative filtering as a latent-class ("aspect") model: each user is a mixture of K
// topics and each topic a distribution over items, score(u, i) = sum_k P(k | u) P(i | k)
// (Hofmann, "Latent semantic models for collaborative filtering", 2004), fitted as smoothed
// LDA by variational Bayes (Blei, Ng & Jordan, "Latent Dirichlet Allocation", 2003): a
// Dirichlet(alpha) prior on every user's topic weights and a Dirichlet(beta) prior on every
// topic's item distribution. The math, the restarts and the figures are in
// docs/recommendations.md ("Aspect model").
//
// It is still a factor model: the user row is theta_u = E[P(k | u)] and the item row
// phi_i = E[P(i | k)] for k = 1..K, so AspectFactors() gives a FactorModel whose dot products
// are the model's scores and every factor path (ItemScores, VectorIndex, the factor file)
// serves it unchanged.
//
// Only positive evidence is read: a cell with r <= 0 (skips outweigh plays) is not a draw from
// the user's taste and is left out (the recommenders still never return it to that user).
//
// Training is deterministic given `seed`: each user's update reads only the topics, and each
// topic sums its cells in a fixed order, so the thread count changes the timing, never the
// result.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/result.h"
#include "recommend/cf_model.h"
#include "recommend/interactions.h"

namespace sonora::recommend {

// How a positive matrix value r becomes the weight of its cell (its number of "draws").
enum class AspectWeighting {
  kBinary,  // 1: the user has the item
  kLog,     // log(1 + r)
  kCount,   // r
};

struct AspectOptions {
  // Latent topics K (1..1024). Default: 10.
  int topics = 10;
  // Variational EM iterations per restart (>= 0). Default: 100.
  int iterations = 100;
  // Per user and iteration: alternating updates of the cell responsibilities and the user's
  // topic weights, warm-started from the previous iteration (>= 1). Default: 3.
  int inner_steps = 3;
  // Independent starts (>= 1); the one with the best final bound is kept. Default: 1.
  int restarts = 1;
  // Dirichlet concentration of each user's topic weights (per topic, > 0). Default: 0.1.
  float alpha = 0.1f;
  // Dirichlet concentration of each topic's item distribution (per item, > 0). Default: 0.01.
  float beta = 0.01f;
  AspectWeighting weighting = AspectWeighting::kBinary;
  // Worker threads (1..256). Default: 2.
  int threads = 2;
  // Seeds the random initial topics (restart r uses seed + r). Default: 42.
  uint64_t seed = 42;
};

// A fitted aspect model: row-major, users x topics and items x topics.
struct AspectModel {
  int topics = 0;
  int32_t users = 0, items = 0;
  std::vector<float> alpha;        // per topic, the prior used (fold-in needs it)
  std::vector<float> user_topics;  // users * topics: E[P(k | u)], each row sums to 1
  std::vector<float> item_topics;  // items * topics: E[P(i | k)], each column sums to 1
  double bound = 0;                // final evidence lower bound per unit of cell weight
  int restart = 0;                 // which restart (0-based) it came from

  std::span<const float> User(int32_t u) const {
    return {user_topics.data() + static_cast<size_t>(u) * topics, static_cast<size_t>(topics)};
  }
  std::span<const float> Item(int32_t i) const {
    return {item_topics.data() + static_cast<size_t>(i) * topics, static_cast<size_t>(topics)};
  }
};

// Per-iteration report (progress bars, tests).
struct AspectIteration {
  int restart = 0;     // 0-based
  int iteration = 0;   // 1-based within the restart
  double bound = 0;    // evidence lower bound (ELBO) / total cell weight; never falls
  double seconds = 0;  // wall time of the iteration, excluding the bound
};

// The weight of a cell with matrix value `value` (0 for value <= 0).
float AspectCellWeight(AspectWeighting weighting, float value);

// Fits the model to `matrix`. Users with no positive cell get the prior mean (uniform topics).
// Errors: kInvalidArgument when options are out of range (topics 1..1024, iterations >= 0,
// inner_steps >= 1, restarts 1..1000, alpha > 0, beta > 0, threads 1..256) or the matrix has
// no positive cell. Blocks; uses options.threads threads.
Result<AspectModel> TrainAspect(
    const InteractionMatrix& matrix, const AspectOptions& options,
    const std::function<void(const AspectIteration&)>& on_iteration = {});

// TrainAspect's restarts, keeping the `keep` with the best final bounds, best first (each
// with its own `restart` index). The ensemble form (AspectEnsembleFactors) of these averages
// out the estimation noise of any one start.
// Errors: as TrainAspect, and kInvalidArgument when keep is outside [1, options.restarts].
Result<std::vector<AspectModel>> TrainAspectRestarts(
    const InteractionMatrix& matrix, const AspectOptions& options, int keep,
    const std::function<void(const AspectIteration&)>& on_iteration = {});

// Topic weights for a user unseen at training ("fold-in"): the user's variational update with
// the topics fixed, from the items `cols` with matrix values `values` (positive ones count),
// weighted as `weighting`, `steps` alternating updates. Returns topics values summing to 1 (the
// prior mean when no value is positive). Items outside [0, model.items) are ignored.
std::vector<float> FoldInAspectUser(const AspectModel& model, std::span<const int32_t> cols,
                                    std::span<const float> values, AspectWeighting weighting,
                                    int steps = 50);

// The model as factors: user rows theta_u, item rows phi_i, so user . item is the score.
FactorModel AspectFactors(const AspectModel& model);

// Several aspect models over the same users and items as one factor model scoring the mean of
// their scores, (1/R) sum_r theta^r_u . phi^r_i: item rows are the models' rows side by side
// [phi^1_i, ..., phi^R_i] and user rows [theta^1_u, ..., theta^R_u] / R, so the scores are
// still a mixture P(i | u) (they sum to 1 over the items) and serve as a plain factor model.
// Errors: kInvalidArgument when `models` is empty or their users or items differ.
Result<FactorModel> AspectEnsembleFactors(std::span<const AspectModel> models);

// One factor model scoring (1 - w) a(u, i) / max_j a(u, j) + w b(u, i) / max_j b(u, j): each
// model's scores scaled by the user's best score over all items, then mixed with the weight w
// on `b`. Item rows are [a_i, b_i] and user rows [(1 - w) a_u / max_a, w b_u / max_b] (a user
// whose best score is not positive contributes 0 from that model), so it serves as a plain
// factor model. Both must have the same users and items; ids are taken from `a`.
// Errors: kInvalidArgument when the shapes differ or w is outside [0, 1].
Result<FactorModel> BlendFactorModels(const FactorModel& a, const FactorModel& b, float w);

}  // namespace sonora::recommend
