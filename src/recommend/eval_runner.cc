#include "recommend/eval_runner.h"

#include <algorithm>
#include <chrono>

namespace sonora::recommend {

namespace {

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Result<EvalReport> RunEvaluation(std::span<const Interaction> interactions, int32_t users,
                                 int32_t items, bool by_time, const EvalOptions& options,
                                 const std::function<void(const AlsIteration&)>& on_iteration) {
  if (options.split.holdout < 1) {
    return Status::InvalidArgument("holdout", "holdout must be at least 1");
  }
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
  SONORA_ASSIGN_OR_RETURN(auto als, MakeAlsRecommender(split.train, *model));
  ModelMetrics m = Evaluate(*als, split, options.threads);
  m.seconds += als_fit;
  report.models.push_back(m);

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
