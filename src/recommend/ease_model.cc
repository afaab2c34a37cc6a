#include "recommend/ease_model.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "recommend/internal/ease_solver.h"

namespace sonora::recommend {

namespace {

class EaseRecommender final : public Recommender {
 public:
  EaseRecommender(const InteractionMatrix& train, EaseModel model)
      : train_(train), model_(std::move(model)) {}
  std::string_view name() const override { return "ease"; }
  std::vector<ScoredItem> Recommend(int32_t user, int k) const override {
    std::vector<float> scores;
    EaseScores(model_, train_.by_user().Cols(user), train_.by_user().Values(user), scores);
    return TopK(scores, train_.by_user().Cols(user), k);
  }

 private:
  const InteractionMatrix& train_;
  EaseModel model_;
};

}  // namespace

float EaseCellWeight(EaseWeighting weighting, float value) {
  if (!(value > 0)) return 0.0f;
  switch (weighting) {
    case EaseWeighting::kBinary:
      return 1.0f;
    case EaseWeighting::kLog:
      return std::log1p(value);
    case EaseWeighting::kCount:
      return value;
  }
  return 0.0f;
}

Status ValidateEaseOptions(const EaseOptions& options) {
  if (!(options.lambda > 0) || !std::isfinite(options.lambda)) {
    return Status::InvalidArgument("lambda", "EASE lambda must be a finite number > 0");
  }
  if (!(options.diagonal >= 0) || !std::isfinite(options.diagonal)) {
    return Status::InvalidArgument("diagonal",
                                   "EASE diagonal penalty must be a finite number >= 0");
  }
  return Status();
}

Result<EaseModel> TrainEase(const InteractionMatrix& matrix, const EaseOptions& options) {
  SONORA_RETURN_IF_ERROR(ValidateEaseOptions(options));
  const int32_t n = matrix.items();
  const auto& rows = matrix.by_user();
  // G = X^T X, one user's outer product at a time over their positive cells (upper triangle,
  // mirrored after).
  std::vector<double> gram(static_cast<size_t>(n) * static_cast<size_t>(n), 0.0);
  std::vector<int32_t> items;
  std::vector<double> weights;
  bool any = false;
  for (int32_t u = 0; u < matrix.users(); ++u) {
    items.clear();
    weights.clear();
    auto cols = rows.Cols(u);
    auto values = rows.Values(u);
    for (size_t k = 0; k < cols.size(); ++k) {
      const float w = EaseCellWeight(options.weighting, values[k]);
      if (w <= 0) continue;
      items.push_back(cols[k]);
      weights.push_back(w);
    }
    any = any || !items.empty();
    for (size_t a = 0; a < items.size(); ++a) {  // columns ascending: items[a] <= items[b]
      double* row = gram.data() + static_cast<size_t>(items[a]) * static_cast<size_t>(n);
      for (size_t b = a; b < items.size(); ++b) row[items[b]] += weights[a] * weights[b];
    }
  }
  if (!any) return Status::InvalidArgument("matrix", "no positive interaction to fit EASE to");
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t j = 0; j < i; ++j) {
      gram[static_cast<size_t>(i) * n + j] = gram[static_cast<size_t>(j) * n + i];
    }
  }
  if (options.diagonal > 0) {  // EDLAE: lambda + diagonal * G_ii on item i (the solver adds lambda)
    for (int32_t i = 0; i < n; ++i) {
      gram[static_cast<size_t>(i) * n + i] *= 1.0 + static_cast<double>(options.diagonal);
    }
  }
  EaseModel model;
  model.items = n;
  model.weighting = options.weighting;
  if (!internal::EaseWeights(gram, n, options.lambda, model.weights)) {
    return Status::Internal("EASE: X^T X + lambda I is not positive definite (lambda " +
                            std::to_string(options.lambda) + ")");
  }
  return model;
}

void EaseScores(const EaseModel& model, std::span<const int32_t> cols,
                std::span<const float> values, std::vector<float>& scores) {
  scores.assign(static_cast<size_t>(model.items), 0.0f);
  for (size_t k = 0; k < cols.size() && k < values.size(); ++k) {
    if (cols[k] < 0 || cols[k] >= model.items) continue;
    const float w = EaseCellWeight(model.weighting, values[k]);
    if (w <= 0) continue;
    auto row = model.Row(cols[k]);
    for (size_t j = 0; j < row.size(); ++j) scores[j] += w * row[j];
  }
}

Result<std::unique_ptr<Recommender>> MakeEaseRecommender(const InteractionMatrix& train,
                                                         EaseModel model) {
  if (model.items != train.items() ||
      model.weights.size() != static_cast<size_t>(model.items) * static_cast<size_t>(model.items)) {
    return Status::InvalidArgument("model", "EASE model does not match the training matrix");
  }
  return std::unique_ptr<Recommender>(std::make_unique<EaseRecommender>(train, std::move(model)));
}

}  // namespace sonora::recommend
