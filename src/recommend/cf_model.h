// Collaborative filtering: implicit-feedback ALS (Hu, Koren & Volinsky, "Collaborative Filtering
// for Implicit Feedback Datasets", 2008) with the per-row conjugate-gradient solver of Takacs,
// Pilaszy & Tikk ("Applications of the conjugate gradient method for implicit feedback
// collaborative filtering", 2011). The math, the confidence mapping and the file format are in
// docs/recommendations.md; choices in docs/decisions/0012-recommendations.md.
//
// Each matrix entry r (interactions.h) gives a preference p = 1 when r > 0 and p = 0 when r < 0
// (skips), with confidence c = 1 + alpha * |r| (linear), or c = 1 + alpha * log(1 + |r| / eps)
// (Hu et al.'s log scaling). Unobserved cells have p = 0, c = 1. ALS minimizes
//   sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + lambda (sum w_u |x_u|^2 + sum w_i |y_i|^2)
// with w = 1, or w = the row's number of entries (at least 1) when the regularization is scaled
// (Zhou, Wilkinson, Schreiber & Pan, "Large-scale parallel collaborative filtering for the
// Netflix prize", 2008: "weighted-lambda regularization").
//
// Training is deterministic given `seed`: each row's solve reads only the other side's factors,
// so the thread count changes the timing, never the result.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "recommend/interactions.h"

namespace sonora::recommend {

// How a matrix value r becomes the confidence c of its cell.
enum class AlsConfidence {
  kLinear,  // c = 1 + alpha * |r|
  kLog,     // c = 1 + alpha * log(1 + |r| / epsilon)
};

struct AlsOptions {
  // The defaults were chosen on the MovieLens-100k validation split (docs/recommendations.md,
  // "Tuning"), never on a test split.
  // Latent dimensions. Default: 48.
  int factors = 48;
  // Full sweeps (users then items). Default: 25.
  int iterations = 25;
  // lambda, the L2 weight on every factor vector. Default: 10.
  float regularization = 10.0f;
  // Confidence slope: c = 1 + alpha * |r|. Default: 0.1.
  float alpha = 0.1f;
  // CG steps per row per sweep, warm-started from the previous sweep's row. Default: 3.
  int cg_steps = 3;
  // Worker threads for the row solves and the loss. Default: 2.
  int threads = 2;
  // Seeds the initial factors (uniform in [0, 0.01)). Default: 42.
  uint64_t seed = 42;
  // The confidence function. Default: linear.
  AlsConfidence confidence = AlsConfidence::kLinear;
  // epsilon of the log confidence (> 0; unused when linear). Default: 1.
  float epsilon = 1.0f;
  // Scale each row's lambda by its number of entries (weighted-lambda). Default: false.
  bool scale_regularization = false;
};

// The confidence c >= 1 that `options` gives a matrix value `value` (either sign).
float CellConfidence(const AlsOptions& options, float value);

// Trained factors: row-major float matrices, users x factors and items x factors.
struct FactorModel {
  int factors = 0;
  int32_t users = 0, items = 0;
  std::vector<float> user_factors;              // users * factors
  std::vector<float> item_factors;              // items * factors
  std::vector<std::string> user_ids, item_ids;  // optional: empty, or one per row

  std::span<const float> User(int32_t u) const {
    return {user_factors.data() + static_cast<size_t>(u) * factors, static_cast<size_t>(factors)};
  }
  std::span<const float> Item(int32_t i) const {
    return {item_factors.data() + static_cast<size_t>(i) * factors, static_cast<size_t>(factors)};
  }
};

// The model's score of every item for `query` (a user's factors, or any sum of factor rows):
// out[i] = query . y_i, resized to model.items. query.size() must be model.factors.
void ItemScores(const FactorModel& model, std::span<const float> query, std::vector<float>& out);

// Per-iteration report to the caller (progress bars, benchmarks).
struct AlsIteration {
  int iteration = 0;   // 1-based
  double loss = 0;     // the objective above divided by users * items
  double seconds = 0;  // wall time of this sweep (both sides), excluding the loss
};

// Random initial factors for `users` x `items`, as TrainAls starts from them.
FactorModel InitialFactors(int32_t users, int32_t items, const AlsOptions& options);

// Trains from `model` (InitialFactors or a previous result with matching shape), running
// options.iterations sweeps and calling `on_iteration` after each (it may be empty).
// Errors: kInvalidArgument when options are out of range (factors 1..1024, iterations >= 0,
// cg_steps >= 1, threads 1..256, regularization >= 0, alpha >= 0, epsilon > 0) or the shapes
// disagree.
// Blocks; uses options.threads threads.
Result<FactorModel> TrainAls(const InteractionMatrix& matrix, FactorModel model,
                             const AlsOptions& options,
                             const std::function<void(const AlsIteration&)>& on_iteration);

// TrainAls from InitialFactors.
Result<FactorModel> TrainAls(const InteractionMatrix& matrix, const AlsOptions& options,
                             const std::function<void(const AlsIteration&)>& on_iteration = {});

// The objective above (with options' lambda, confidence and regularization scaling) divided by
// users * items, for `model` on `matrix`. Uses options.threads.
double AlsLoss(const InteractionMatrix& matrix, const FactorModel& model,
               const AlsOptions& options);

// The file format version SaveFactorModel writes and LoadFactorModel accepts.
inline constexpr uint32_t kFactorFileVersion = 1;

// Where `sonora recommend train` keeps the model: <data_dir>/recommend/als_factors.bin.
std::string FactorModelPath(const std::string& data_dir);

// Writes `model` (with its ids) to `path` atomically (a temporary file renamed over it),
// creating the parent directory when missing.
// Errors: kInvalidArgument when ids are present but not one per row; kUnavailable when the file
// cannot be written.
Status SaveFactorModel(const FactorModel& model, const std::string& path);

// Reads a file SaveFactorModel wrote.
// Errors: kNotFound when it does not exist; kFailedPrecondition (reason "bad_model_file") when
// it is not a factor file, has another version, or is truncated or inconsistent.
Result<FactorModel> LoadFactorModel(const std::string& path);

}  // namespace sonora::recommend
