// One evaluation run, as `sonora recommend eval` performs it: split, fit ALS, popularity and
// item-kNN on the same training matrix (and the aspect model or EASE, alone or blended with ALS,
// when asked), and score them all on the same held-out items.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/result.h"
#include "recommend/aspect_model.h"
#include "recommend/cf_model.h"
#include "recommend/ease_model.h"
#include "recommend/evaluation.h"
#include "recommend/recommender.h"

namespace sonora::recommend {

// The model under test, printed first and compared with every other row.
enum class EvalModel {
  kAls,     // ALS alone (rows: als, popularity, item_knn[, reference])
  kAspect,  // the aspect model (rows: aspect, als, popularity, item_knn[, reference])
  kBlend,   // ALS + aspect, BlendFactorModels (rows: blend, als, aspect, popularity, ...)
  kEase,    // EASE (ease_model.h) (rows: ease, als, popularity, item_knn[, reference])
  // EASE + ALS, each user's scores from each model divided by that user's top score, mixed
  // with blend_weight on EASE (rows: ease_blend, als, ease, popularity, ...)
  kEaseBlend,
};

struct EvalOptions {
  SplitOptions split;
  EvalModel model = EvalModel::kAls;
  AlsOptions als;
  AspectOptions aspect;
  // The aspect row as an ensemble (AspectEnsembleFactors, scores averaged): the
  // `aspect_ensemble` restarts with the best bounds (1..aspect.restarts; 1: the best alone) of
  // each topic count in `aspect_topics` (empty: aspect.topics alone). Default: 1, empty.
  int aspect_ensemble = 1;
  std::vector<int> aspect_topics;
  EaseOptions ease;
  // The aspect model's (kBlend) or EASE's (kEaseBlend) share of the blend, in [0, 1].
  // Default: 0.5.
  float blend_weight = 0.5f;
  // Called after each aspect-model iteration (kAspect, kBlend); may be empty.
  std::function<void(const AspectIteration&)> on_aspect_iteration;
  ItemKnnOptions knn;
  // Worker threads for scoring. Default: 2.
  int threads = 2;
  // Re-weight ALS's input with BM25 (interactions.h) before training; the baselines always see
  // the raw matrix. Default: false.
  bool bm25 = false;
  Bm25Options bm25_options;
  // When set, one more row scored on the same split: a reference such as the synthetic
  // population's oracle (synthetic.h), built from the training matrix.
  std::function<std::unique_ptr<Recommender>(const InteractionMatrix& train)> reference;
  // Score on a validation split instead of the test split: the test items are removed first,
  // then the last `split.holdout` of what remains are held out again. Tune with this; report
  // the test split (docs/recommendations.md, "Tuning").
  bool validation = false;
};

struct EvalReport {
  int32_t users = 0, items = 0;
  int64_t interactions = 0;  // input rows
  int64_t train_nnz = 0;     // distinct (user, item) cells in the training matrix
  int64_t evaluated_users = 0;
  bool by_time = false;              // leave-last-out by time (else seeded-random holdout)
  std::vector<ModelMetrics> models;  // the model under test first (EvalModel), then the others
  std::vector<AlsIteration> iterations;
  std::vector<AspectIteration> aspect_iterations;
};

// Errors: kInvalidArgument for bad options (as TrainAls, TrainAspect and TrainEase; holdout < 1;
// blend_weight outside [0, 1]; aspect_ensemble outside [1, aspect.restarts]) or when no user has
// enough interactions to hold any out (field "holdout").
Result<EvalReport> RunEvaluation(std::span<const Interaction> interactions, int32_t users,
                                 int32_t items, bool by_time, const EvalOptions& options,
                                 const std::function<void(const AlsIteration&)>& on_iteration);

}  // namespace sonora::recommend
