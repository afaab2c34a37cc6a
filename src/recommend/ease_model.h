// EASE, an item-item model with a closed form (Steck, "Embarrassingly Shallow Autoencoders for
// Sparse Data", WWW 2019): a user's score for item j is a weighted sum of the user's own cells,
//   s_uj = sum_i x_ui B_ij,
// where the items x items weights B minimize ||X - X B||^2 + lambda ||B||^2 subject to
// diag(B) = 0 (an item may not predict itself). With P = (X^T X + lambda I)^-1 the solution is
//   B = I - P diag(1 / diag(P)),  i.e. B_ij = -P_ij / P_jj (i != j), B_jj = 0.
// X is the training matrix with each cell weighted binary, log(1 + r) or r (EaseWeighting).
// EaseOptions::diagonal adds the per-item penalty of Steck's "emphasized denoising" variant
// (EDLAE, "Autoencoders that don't overfit towards the Identity", NeurIPS 2020): the penalty
// on row i of B becomes lambda + diagonal * G_ii, G = X^T X, so P = (G + lambda I +
// diagonal * diag(G))^-1 in the formula above. A large value tends to B_ij ~ G_ij / G_ii
// (times 1 / (1 + diagonal)): each of the user's items votes for the items co-listened with
// it, as a share of its own listeners.
//
// Evaluation only (`sonora recommend eval --model ease`, docs/recommendations.md "EASE"): B is
// dense, items^2 floats, and fitting inverts an items x items matrix (O(items^3)), which suits
// the evaluation catalogs (1,000 and 1,682 items), not a 50,000-track library.
//
// Only positive evidence is read: a cell with r <= 0 (skips outweigh plays) weighs 0, both in
// X^T X and in the user's row at scoring time (the recommender still never returns it).
// Fitting is deterministic: the Gram matrix is summed user by user in a fixed order.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/result.h"
#include "recommend/interactions.h"
#include "recommend/recommender.h"

namespace sonora::recommend {

// How a positive matrix value r becomes the cell x_ui of X.
enum class EaseWeighting {
  kBinary,  // 1
  kLog,     // log(1 + r)
  kCount,   // r
};

struct EaseOptions {
  // The L2 penalty on B (> 0, finite): larger shrinks the weights toward 0 and favours items
  // with many listeners. Default: 500 (Steck's order of magnitude for binary data).
  float lambda = 500.0f;
  EaseWeighting weighting = EaseWeighting::kBinary;
  // An extra penalty on each item's row of B in proportion to its Gram diagonal G_ii (its
  // listeners, or their summed squared cell weights): lambda + diagonal * G_ii per item (EDLAE,
  // above; p / (1 - p) for a dropout rate p). >= 0, finite; 0 is plain EASE. Default: 0.
  float diagonal = 0.0f;
};

// A fitted EASE model: B, items x items, row-major, zero diagonal.
struct EaseModel {
  int32_t items = 0;
  EaseWeighting weighting = EaseWeighting::kBinary;
  std::vector<float> weights;

  // Row i of B: what one unit of item i in a user's row adds to every item's score.
  std::span<const float> Row(int32_t i) const {
    return {weights.data() + static_cast<size_t>(i) * static_cast<size_t>(items),
            static_cast<size_t>(items)};
  }
};

// The cell x_ui for matrix value `value` (0 for value <= 0).
float EaseCellWeight(EaseWeighting weighting, float value);

// kInvalidArgument when lambda is not a finite number > 0 (field "lambda") or diagonal is not a
// finite number >= 0 (field "diagonal"); OK otherwise.
Status ValidateEaseOptions(const EaseOptions& options);

// Fits B to `matrix`.
// Errors: kInvalidArgument when lambda is not a finite number > 0 (field "lambda"), diagonal
// is not a finite number >= 0 (field "diagonal"), or the matrix has no positive cell (field
// "matrix"); kInternal if the regularized Gram matrix cannot be factored (not expected for
// lambda > 0). Blocks.
Result<EaseModel> TrainEase(const InteractionMatrix& matrix, const EaseOptions& options);

// Every item's score for a user whose row has items `cols` with matrix values `values`:
// scores[j] = sum_k w(values[k]) B[cols[k]][j], weighted as the model was fitted. `scores` is
// resized to model.items; columns outside [0, model.items) are ignored.
void EaseScores(const EaseModel& model, std::span<const int32_t> cols,
                std::span<const float> values, std::vector<float>& scores);

// The recommender over a fitted model ("ease"), scoring each user's training row.
// Errors: kInvalidArgument when the model's item count does not match `train`.
// `train` must outlive the result; the model is moved in.
Result<std::unique_ptr<Recommender>> MakeEaseRecommender(const InteractionMatrix& train,
                                                         EaseModel model);

}  // namespace sonora::recommend
