#include "recommend/eval_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

namespace sonora::recommend {

namespace {

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The user's scores divided by their top score over all items (0 everywhere when the top score
// is not positive), so two models' scores mix on one scale.
void ScaleByTop(std::vector<float>& scores) {
  const float top = scores.empty() ? 0.0f : *std::max_element(scores.begin(), scores.end());
  for (float& s : scores) s = top > 0 ? s / top : 0.0f;
}

// EASE + ALS: w * ease / max ease + (1 - w) * als / max als, per user ("ease_blend").
class EaseBlendRecommender final : public Recommender {
 public:
  EaseBlendRecommender(const InteractionMatrix& train, const EaseModel& ease,
                       const FactorModel& als, float w)
      : train_(train), ease_(ease), als_(als), w_(w) {}
  std::string_view name() const override { return "ease_blend"; }
  std::vector<ScoredItem> Recommend(int32_t user, int k) const override {
    std::vector<float> ease, als;
    EaseScores(ease_, train_.by_user().Cols(user), train_.by_user().Values(user), ease);
    ItemScores(als_, als_.User(user), als);
    ScaleByTop(ease);
    ScaleByTop(als);
    for (size_t i = 0; i < ease.size(); ++i) ease[i] = w_ * ease[i] + (1 - w_) * als[i];
    return TopK(ease, train_.by_user().Cols(user), k);
  }

 private:
  const InteractionMatrix& train_;
  const EaseModel& ease_;
  const FactorModel& als_;
  float w_;
};

}  // namespace

Result<EvalReport> RunEvaluation(std::span<const Interaction> interactions, int32_t users,
                                 int32_t items, bool by_time, const EvalOptions& options,
                                 const std::function<void(const AlsIteration&)>& on_iteration) {
  if (options.split.holdout < 1) {
    return Status::InvalidArgument("holdout", "holdout must be at least 1");
  }
  if (!(options.blend_weight >= 0 && options.blend_weight <= 1)) {
    return Status::InvalidArgument("blend_weight", "blend weight must be in [0, 1]");
  }
  const bool aspect = options.model == EvalModel::kAspect || options.model == EvalModel::kBlend;
  const bool ease = options.model == EvalModel::kEase || options.model == EvalModel::kEaseBlend;
  if (aspect &&
      (options.aspect_ensemble < 1 || options.aspect_ensemble > options.aspect.restarts)) {
    return Status::InvalidArgument("ensemble",
                                   "the aspect ensemble must keep 1 to restarts models");
  }
  // Checked before ALS trains, not after: a bad setting fails at once.
  if (ease) SONORA_RETURN_IF_ERROR(ValidateEaseOptions(options.ease));
  EvalReport report;
  report.users = users;
  report.items = items;
  report.interactions = static_cast<int64_t>(interactions.size());
  report.by_time = by_time;

  Split split = SplitLeaveLastOut(interactions, users, items, by_time, options.split);
  if (options.validation) {
    // Drop the test items entirely, then hold out again from what is left.
    std::vector<Interaction> rest;
    rest.reserve(interactions.size());
    for (const auto& x : interactions) {
      const auto& held = split.held_out[static_cast<size_t>(x.user)];
      if (!std::binary_search(held.begin(), held.end(), x.item)) rest.push_back(x);
    }
    split = SplitLeaveLastOut(rest, users, items, by_time, options.split);
  }
  if (split.evaluated_users == 0) {
    return Status::InvalidArgument("holdout", "no user has enough interactions to hold out " +
                                                  std::to_string(options.split.holdout));
  }
  report.train_nnz = split.train.nnz();
  report.evaluated_users = split.evaluated_users;

  auto start = std::chrono::steady_clock::now();
  InteractionMatrix weighted;
  if (options.bm25) weighted = WeightBm25(split.train, options.bm25_options);
  auto model =
      TrainAls(options.bm25 ? weighted : split.train, options.als, [&](const AlsIteration& it) {
        report.iterations.push_back(it);
        if (on_iteration) on_iteration(it);
      });
  if (!model.ok()) return model.status();
  const double als_fit = Since(start);
  SONORA_ASSIGN_OR_RETURN(auto als, MakeFactorRecommender(split.train, *model, "als"));
  ModelMetrics m = Evaluate(*als, split, options.threads);
  m.seconds += als_fit;
  report.models.push_back(m);

  if (aspect) {
    start = std::chrono::steady_clock::now();
    std::vector<int> topic_counts = options.aspect_topics;
    if (topic_counts.empty()) topic_counts.push_back(options.aspect.topics);
    std::vector<AspectModel> members;
    for (int topics : topic_counts) {
      AspectOptions aspect_options = options.aspect;
      aspect_options.topics = topics;
      auto kept = TrainAspectRestarts(split.train, aspect_options, options.aspect_ensemble,
                                      [&](const AspectIteration& it) {
                                        report.aspect_iterations.push_back(it);
                                        if (options.on_aspect_iteration) {
                                          options.on_aspect_iteration(it);
                                        }
                                      });
      if (!kept.ok()) return kept.status();
      for (auto& member : *kept) members.push_back(std::move(member));
    }
    SONORA_ASSIGN_OR_RETURN(FactorModel aspect_factors, AspectEnsembleFactors(members));
    const double aspect_fit = Since(start);
    if (options.model == EvalModel::kBlend) {
      start = std::chrono::steady_clock::now();
      SONORA_ASSIGN_OR_RETURN(auto blended,
                              BlendFactorModels(*model, aspect_factors, options.blend_weight));
      const double blend_fit = Since(start) + als_fit + aspect_fit;
      SONORA_ASSIGN_OR_RETURN(auto aspect_row,
                              MakeFactorRecommender(split.train, aspect_factors, "aspect"));
      m = Evaluate(*aspect_row, split, options.threads);
      m.seconds += aspect_fit;
      report.models.insert(report.models.begin() + 1, m);
      SONORA_ASSIGN_OR_RETURN(auto blend_row, MakeFactorRecommender(split.train, blended, "blend"));
      m = Evaluate(*blend_row, split, options.threads);
      m.seconds += blend_fit;
      report.models.insert(report.models.begin(), m);
    } else {
      SONORA_ASSIGN_OR_RETURN(auto aspect_row,
                              MakeFactorRecommender(split.train, aspect_factors, "aspect"));
      m = Evaluate(*aspect_row, split, options.threads);
      m.seconds += aspect_fit;
      report.models.insert(report.models.begin(), m);
    }
  }

  if (ease) {
    start = std::chrono::steady_clock::now();
    SONORA_ASSIGN_OR_RETURN(EaseModel ease_model, TrainEase(split.train, options.ease));
    const double ease_fit = Since(start);
    if (options.model == EvalModel::kEaseBlend) {
      EaseBlendRecommender blend_row(split.train, ease_model, *model, options.blend_weight);
      m = Evaluate(blend_row, split, options.threads);
      m.seconds += ease_fit + als_fit;
      report.models.insert(report.models.begin(), m);
    }
    SONORA_ASSIGN_OR_RETURN(auto ease_row, MakeEaseRecommender(split.train, std::move(ease_model)));
    m = Evaluate(*ease_row, split, options.threads);
    m.seconds += ease_fit;
    // The plain row leads when it is the model under test, else it follows ALS.
    report.models.insert(report.models.begin() + (options.model == EvalModel::kEase ? 0 : 2), m);
  }

  start = std::chrono::steady_clock::now();
  auto popularity = MakePopularityRecommender(split.train);
  const double popularity_fit = Since(start);
  m = Evaluate(*popularity, split, options.threads);
  m.seconds += popularity_fit;
  report.models.push_back(m);

  start = std::chrono::steady_clock::now();
  auto knn = MakeItemKnnRecommender(split.train, options.knn);
  const double knn_fit = Since(start);
  m = Evaluate(*knn, split, options.threads);
  m.seconds += knn_fit;
  report.models.push_back(m);

  if (options.reference) {
    auto reference = options.reference(split.train);
    report.models.push_back(Evaluate(*reference, split, options.threads));
  }
  return report;
}

}  // namespace sonora::recommend
