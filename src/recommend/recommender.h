// Recommenders over an InteractionMatrix: the ALS model (cf_model.h) and the two baselines it is
// measured against, popularity and item-kNN (cosine over co-listening). All three answer the
// same question, "the top k items for user u that u has not interacted with", so evaluation
// (evaluation.h) and the endpoints can treat them alike.
//
// Each keeps a reference to the training matrix it was built from; the matrix must outlive it.
// Recommend() is const and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "recommend/cf_model.h"
#include "recommend/interactions.h"

namespace sonora::recommend {

struct ScoredItem {
  int32_t item = 0;
  float score = 0;
};

class Recommender {
 public:
  virtual ~Recommender() = default;
  // "als", "popularity", "item_knn".
  virtual std::string_view name() const = 0;
  // The best `k` items for `user`, best first, excluding items the user has in the training
  // matrix (either sign: a skipped track is not recommended again). Ties break by lower item
  // index. Fewer than k when the catalog runs out. `user` must be in [0, matrix.users()).
  virtual std::vector<ScoredItem> Recommend(int32_t user, int k) const = 0;
};

// The top k of `scores` (one per item) excluding `exclude` (sorted ascending), best first.
std::vector<ScoredItem> TopK(std::span<const float> scores, std::span<const int32_t> exclude,
                             int k);

// Scores every item by how many users interacted with it positively.
std::unique_ptr<Recommender> MakePopularityRecommender(const InteractionMatrix& train);

struct ItemKnnOptions {
  // Neighbours kept per item (the strongest cosines). Default: 100.
  int neighbors = 100;
  // Worker threads for the neighbour lists. Default: 2.
  int threads = 2;
};

// Item-based kNN: item vectors are the items' columns (positive evidence only, weighted
// log(1 + r)); similarity is their cosine; each item keeps its `neighbors` most similar items.
// A user's score for i is sum over the user's items j of w_uj * sim(j, i), where sim(j, i) is
// 0 unless i is in j's list. Building costs O(sum over users of |items(u)|^2).
std::unique_ptr<Recommender> MakeItemKnnRecommender(const InteractionMatrix& train,
                                                    const ItemKnnOptions& options);

// Scores x_u . y_i with trained factors whose rows match `train` (ALS, the aspect model or a
// blend of factor models), reported under `name`. `train` and `model` must outlive it.
// Errors: kInvalidArgument when the model's shape does not match `train`.
Result<std::unique_ptr<Recommender>> MakeFactorRecommender(const InteractionMatrix& train,
                                                           const FactorModel& model,
                                                           std::string name);

}  // namespace sonora::recommend
