// `sonora recommend train|eval|run` (docs/recommendations.md).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "app/commands.h"
#include "app/wiring.h"
#include "core/json.h"
#include "core/progress.h"
#include "recommend/cf_model.h"
#include "recommend/eval_runner.h"
#include "recommend/history_loader.h"
#include "recommend/interactions.h"
#include "recommend/synthetic.h"

namespace sonora::app {

namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "sonora: %s\n", s.ToString().c_str());
  return 1;
}

recommend::AlsOptions AlsFrom(const RecommendOptions& o) {
  recommend::AlsOptions als;
  als.factors = o.factors;
  als.iterations = o.iterations;
  als.alpha = o.alpha;
  als.regularization = o.regularization;
  als.cg_steps = o.cg_steps;
  als.threads = o.threads;
  als.seed = o.seed;
  als.confidence =
      o.confidence == "log" ? recommend::AlsConfidence::kLog : recommend::AlsConfidence::kLinear;
  als.epsilon = o.epsilon;
  als.scale_regularization = o.scale_regularization;
  return als;
}

recommend::AspectOptions AspectFrom(const RecommendOptions& o) {
  recommend::AspectOptions aspect;
  aspect.topics = o.topics.front();
  aspect.iterations = o.aspect_iterations;
  aspect.inner_steps = o.aspect_inner_steps;
  aspect.restarts = o.aspect_restarts;
  aspect.alpha = o.aspect_alpha;
  aspect.beta = o.aspect_beta;
  aspect.weighting = o.aspect_weighting == "log"     ? recommend::AspectWeighting::kLog
                     : o.aspect_weighting == "count" ? recommend::AspectWeighting::kCount
                                                     : recommend::AspectWeighting::kBinary;
  aspect.threads = o.threads;
  aspect.seed = o.seed;
  return aspect;
}

// Prints one line per aspect-model iteration (bound and time) under a progress bar on stderr.
class AspectPrinter {
 public:
  // `runs`: how many training runs (restarts, over every topic count) will report.
  AspectPrinter(const recommend::AspectOptions& o, int runs)
      : bar_("aspect", static_cast<int64_t>(o.iterations) * runs, "iter"),
        tty_(isatty(STDERR_FILENO) != 0) {}
  void operator()(const recommend::AspectIteration& it) {
    std::fprintf(stderr, "%saspect: restart %d iteration %d bound %.6f (%.2f s)\n",
                 tty_ ? "\r\033[K" : "", it.restart + 1, it.iteration, it.bound, it.seconds);
    bar_.Update(++done_);
  }
  void Finish() { bar_.Finish(); }

 private:
  ProgressBar bar_;
  int64_t done_ = 0;
  bool tty_;
};

// Prints one line per ALS iteration (loss and time) under a progress bar on stderr.
class IterationPrinter {
 public:
  explicit IterationPrinter(int iterations)
      : bar_("als", iterations, "iter"), tty_(isatty(STDERR_FILENO) != 0) {}
  void operator()(const recommend::AlsIteration& it) {
    std::fprintf(stderr, "%sals: iteration %d loss %.6f (%.2f s)\n", tty_ ? "\r\033[K" : "",
                 it.iteration, it.loss, it.seconds);
    bar_.Update(it.iteration);
  }
  void Finish() { bar_.Finish(); }

 private:
  ProgressBar bar_;
  bool tty_;
};

void PrintTable(const recommend::EvalReport& r, const std::string& source, int holdout,
                bool validation) {
  std::printf("dataset: %s\n", source.c_str());
  std::printf("users %d, items %d, interactions %lld, train cells %lld, evaluated users %lld\n",
              r.users, r.items, static_cast<long long>(r.interactions),
              static_cast<long long>(r.train_nnz), static_cast<long long>(r.evaluated_users));
  std::printf("split: %s, %d held out per user%s\n",
              r.by_time ? "leave-last-out by time" : "seeded random holdout (no times)", holdout,
              validation ? " (VALIDATION split: test items removed, then held out again)" : "");
  std::printf("\n%-12s %10s %10s %10s %10s %10s %9s\n", "model", "prec@10", "recall@10", "ndcg@10",
              "coverage", "diversity", "seconds");
  for (const auto& m : r.models) {
    std::printf("%-12s %10.4f %10.4f %10.4f %10.4f %10.4f %9.2f\n", m.model.c_str(), m.precision,
                m.recall, m.ndcg, m.coverage, m.diversity, m.seconds);
  }
  const auto& first = r.models[0];
  for (size_t k = 1; k < r.models.size(); ++k) {
    const auto& b = r.models[k];
    std::printf("%s ndcg@10 / %s: %s\n", first.model.c_str(), b.model.c_str(),
                b.ndcg > 0 ? (std::to_string(first.ndcg / b.ndcg) + "x").c_str() : "n/a");
  }
}

Json ReportJson(const recommend::EvalReport& r, const std::string& source,
                const RecommendOptions& o) {
  Json models = Json::array();
  for (const auto& m : r.models) {
    models.push_back({{"model", m.model},
                      {"precision_at_10", m.precision},
                      {"recall_at_10", m.recall},
                      {"ndcg_at_10", m.ndcg},
                      {"coverage", m.coverage},
                      {"diversity", m.diversity},
                      {"seconds", m.seconds}});
  }
  Json losses = Json::array();
  for (const auto& it : r.iterations) losses.push_back(it.loss);
  Json bounds = Json::array();
  for (const auto& it : r.aspect_iterations) bounds.push_back(it.bound);
  const Json ease = {
      {"lambda", o.ease_lambda}, {"weighting", o.ease_weighting}, {"diagonal", o.ease_diagonal}};
  return {{"dataset", source},
          {"users", r.users},
          {"items", r.items},
          {"interactions", r.interactions},
          {"train_cells", r.train_nnz},
          {"evaluated_users", r.evaluated_users},
          {"split", r.by_time ? "time" : "random"},
          {"holdout", o.holdout},
          {"validation", o.validation},
          {"als",
           {{"factors", o.factors},
            {"iterations", o.iterations},
            {"alpha", o.alpha},
            {"regularization", o.regularization},
            {"cg_steps", o.cg_steps},
            {"confidence", o.confidence},
            {"epsilon", o.epsilon},
            {"scale_regularization", o.scale_regularization},
            {"weighting", o.weighting},
            {"bm25_k1", o.bm25_k1},
            {"bm25_b", o.bm25_b},
            {"seed", o.seed},
            {"loss", losses}}},
          {"model", o.model},
          {"aspect",
           {{"topics", o.topics.size() == 1 ? Json(o.topics.front()) : Json(o.topics)},
            {"iterations", o.aspect_iterations},
            {"inner_steps", o.aspect_inner_steps},
            {"restarts", o.aspect_restarts},
            {"ensemble", o.aspect_ensemble},
            {"alpha", o.aspect_alpha},
            {"beta", o.aspect_beta},
            {"weighting", o.aspect_weighting},
            {"blend_weight", o.blend_weight},
            {"bound", bounds}}},
          {"ease", ease},
          {"item_knn", {{"neighbors", o.neighbors}}},
          {"models", models}};
}

}  // namespace

int RunRecommendEval(const Config& config, const RecommendOptions& o) {
  std::vector<recommend::Interaction> interactions;
  int32_t users = 0, items = 0;
  bool by_time = false;
  std::string source;
  recommend::SyntheticOptions s;
  recommend::SyntheticData data;
  if (o.synthetic) {
    s.users = o.synthetic_users;
    s.items = o.synthetic_items;
    s.seed = o.seed;
    data = recommend::GenerateSynthetic(s);
    interactions = data.interactions;
    users = data.users;
    items = data.items;
    by_time = true;
    source = "synthetic (" + std::to_string(s.users) + " users, " + std::to_string(s.items) +
             " items, " + std::to_string(s.clusters) + " planted clusters, seed " +
             std::to_string(s.seed) + ")";
  } else {
    Result<recommend::InteractionBuilder> builder = Status::NotFound("no input");
    if (!o.interactions.empty()) {
      recommend::FileReadReport read;
      builder = recommend::ReadInteractionsFile(o.interactions, read);
      if (read.malformed > 0) {
        std::string lines;
        for (int64_t n : read.malformed_examples) lines += " " + std::to_string(n);
        std::fprintf(stderr, "sonora: %s: skipped %lld malformed lines of %lld (first:%s)\n",
                     o.interactions.c_str(), static_cast<long long>(read.malformed),
                     static_cast<long long>(read.lines), lines.c_str());
      }
      source = o.interactions;
    } else {
      auto app = App::Open(config);
      if (!app.ok()) return Fail(app.status());
      builder = recommend::LoadListeningHistory((*app)->db(), {});
      source = "listening history in " + (*app)->db().Describe();
    }
    if (!builder.ok()) return Fail(builder.status());
    interactions = builder->interactions();
    users = builder->users().size();
    items = builder->items().size();
    by_time = builder->has_times();
  }

  recommend::EvalOptions options;
  options.split.holdout = o.holdout;
  options.split.seed = o.seed;
  options.als = AlsFrom(o);
  options.knn.neighbors = o.neighbors;
  options.knn.threads = o.threads;
  options.threads = o.threads;
  options.validation = o.validation;
  if (o.synthetic) {
    options.reference = [&](const recommend::InteractionMatrix& train) {
      return recommend::MakeOracleRecommender(data, s, train);
    };
  }
  options.bm25 = o.weighting == "bm25";
  options.bm25_options = {.k1 = o.bm25_k1, .b = o.bm25_b};
  options.model = o.model == "aspect"       ? recommend::EvalModel::kAspect
                  : o.model == "blend"      ? recommend::EvalModel::kBlend
                  : o.model == "ease"       ? recommend::EvalModel::kEase
                  : o.model == "ease-blend" ? recommend::EvalModel::kEaseBlend
                                            : recommend::EvalModel::kAls;
  options.ease.lambda = o.ease_lambda;
  options.ease.diagonal = o.ease_diagonal;
  options.ease.weighting = o.ease_weighting == "log"     ? recommend::EaseWeighting::kLog
                           : o.ease_weighting == "count" ? recommend::EaseWeighting::kCount
                                                         : recommend::EaseWeighting::kBinary;
  options.aspect = AspectFrom(o);
  options.aspect_ensemble = o.aspect_ensemble;
  if (o.topics.size() > 1) options.aspect_topics = o.topics;
  options.blend_weight = o.blend_weight;
  IterationPrinter printer(o.iterations);
  std::unique_ptr<AspectPrinter> aspect_printer;
  options.on_aspect_iteration = [&](const recommend::AspectIteration& it) {
    if (!aspect_printer) {
      printer.Finish();
      aspect_printer = std::make_unique<AspectPrinter>(
          options.aspect, options.aspect.restarts * static_cast<int>(o.topics.size()));
    }
    (*aspect_printer)(it);
  };
  auto report = recommend::RunEvaluation(interactions, users, items, by_time, options,
                                         [&](const recommend::AlsIteration& it) { printer(it); });
  if (aspect_printer) {
    aspect_printer->Finish();
  } else {
    printer.Finish();
  }
  if (!report.ok()) return Fail(report.status());
  if (o.json) {
    std::printf("%s\n", DumpJson(ReportJson(*report, source, o)).c_str());
  } else {
    PrintTable(*report, source, o.holdout, o.validation);
  }
  return 0;
}

int RunRecommendTrain(const Config& config, const RecommendOptions& o) {
  auto app = App::Open(config);
  if (!app.ok()) return Fail(app.status());
  auto builder = recommend::LoadListeningHistory((*app)->db(), {});
  if (!builder.ok()) return Fail(builder.status());
  auto matrix = builder->Build();
  std::fprintf(stderr, "recommend: %d users, %d tracks, %lld interactions\n", matrix.users(),
               matrix.items(), static_cast<long long>(matrix.nnz()));
  if (matrix.nnz() == 0) {
    return Fail(
        Status::FailedPrecondition("no_history", "no listening history yet: nothing to train on"));
  }
  if (o.weighting == "bm25") {
    matrix = recommend::WeightBm25(matrix, {.k1 = o.bm25_k1, .b = o.bm25_b});
  }
  IterationPrinter printer(o.iterations);
  auto model = recommend::TrainAls(matrix, AlsFrom(o),
                                   [&](const recommend::AlsIteration& it) { printer(it); });
  printer.Finish();
  if (!model.ok()) return Fail(model.status());
  model->user_ids = builder->users().ids();
  model->item_ids = builder->items().ids();
  const std::string path = recommend::FactorModelPath(config.data_dir);
  if (Status s = recommend::SaveFactorModel(*model, path); !s.ok()) return Fail(s);
  std::printf("%s\n", path.c_str());
  return 0;
}

int RunRecommendRun(const Config& config, const std::vector<std::string>& lists) {
  auto app = App::Open(config);
  if (!app.ok()) return Fail(app.status());
  auto wanted = [&lists](const char* name) {
    return std::find(lists.begin(), lists.end(), name) != lists.end();
  };
  // Each prints "<label>: N users" when done.
  struct Family {
    const char* name;   // as --lists spells it
    const char* label;  // for the progress bar and the summary line
    recommend::PlaylistFamily* family;
  };
  // One snapshot for the whole run: every list of every user ranks over the same catalog,
  // history and model, and nothing is rebuilt mid-batch however long the run takes.
  auto hold = (*app)->recommendations().HoldSnapshot();
  if (!hold.ok()) return Fail(hold.status());
  const Family families[] = {{"discover-weekly", "discover weekly", &(*app)->discover_weekly()},
                             {"daily-mix", "daily mix", &(*app)->daily_mixes()},
                             {"release-radar", "release radar", &(*app)->release_radar()}};
  for (const auto& [name, label, family] : families) {
    if (!wanted(name)) continue;
    std::unique_ptr<ProgressBar> bar;
    // One thread per core: users are independent.
    const int threads = CoreCount();
    auto generated = family->GenerateAll(
        [&, text = label](int64_t done, int64_t total) {
          if (!bar) bar = std::make_unique<ProgressBar>(text, total, "users");
          bar->Update(done);
        },
        threads);
    if (bar) bar->Finish();
    if (!generated.ok()) return Fail(generated.status());
    std::printf("%s: %lld users\n", label, static_cast<long long>(*generated));
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace sonora::app
