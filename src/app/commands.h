// One function per subcommand; main.cc parses flags and calls these. Each returns the process
// exit code and prints errors to stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"

namespace sonora::app {

int RunServe(const Config& config);

struct DemoOptions {
  int tracks = 40;  // synthesized tracks with real audio, run through ingest
  int jobs = 2;
  bool serve = true;
  bool masters_only = false;  // write the synthesized masters and stop (benchmarks)
};
int RunDemo(const Config& config, const DemoOptions& options);

struct UserCreateOptions {
  std::string username, email, password, display_name, country = "US", tier = "free";
  bool admin = false;
};
struct IngestCommandOptions {
  std::vector<std::string> paths;
  int jobs = 2;
  bool json = false;
  bool force = false;
  int max_minutes = 60;
  bool podcast = false;  // every file is a podcast episode (docs/decisions/0015-podcasts.md)
};
int RunIngest(const Config& config, const IngestCommandOptions& options);

// A metadata-only catalog of `tracks` generated tracks, for load tests and benchmarks.
int RunCatalogGenerate(const Config& config, int64_t tracks);

// `sonora search reindex`: rebuilds the search index from the catalog (server stopped).
int RunSearchReindex(const Config& config);

int RunUserCreate(const Config& config, const UserCreateOptions& options);
int RunUserSetTier(const Config& config, const std::string& user, const std::string& tier);
int RunUserList(const Config& config);

// `sonora play TRACK_ID`: the headless player (client/player.h) against a running server.
struct PlayOptions {
  std::string track_id;
  std::string server = "http://127.0.0.1:8080";
  std::string username, password;
  std::string quality;     // low, normal, high or NNNkbps; empty: the tier's best
  double speed = 1;        // playback clock rate (x real time)
  double max_seconds = 0;  // play only this much audio; 0: the whole track
  std::string output;      // write the decoded audio here (.wav or .flac); empty: don't
  bool json = false;       // print the report as JSON
};
// Exit codes: 0 played; 2 bad login; 3 forbidden (region, tier); 4 unknown track; 5 network; 1
// other.
int RunPlay(const PlayOptions& options);

// `sonora recommend train|eval|run` (cmd_recommend.cc, docs/recommendations.md).
struct RecommendOptions {
  // ALS (recommend::AlsOptions); the defaults are the tuned ones in docs/recommendations.md.
  int factors = 48;
  int iterations = 25;
  float alpha = 0.1f;
  float regularization = 10.0f;
  int cg_steps = 3;
  int threads = 2;
  uint64_t seed = 42;
  // Confidence function: "linear" (c = 1 + alpha r) or "log" (c = 1 + alpha log(1 + r / eps)).
  std::string confidence = "linear";
  float epsilon = 1.0f;
  bool scale_regularization = false;  // lambda x the row's entry count (weighted-lambda)
  // ALS input weighting: "bm25" (recommend::WeightBm25) or "none".
  std::string weighting = "none";
  float bm25_k1 = 100.0f, bm25_b = 0.8f;
  // The model: "als", "aspect" (recommend/aspect_model.h), "blend" (ALS + aspect), "ease"
  // (recommend/ease_model.h) or "ease-blend" (EASE + ALS).
  std::string model = "als";
  // Aspect model (recommend::AspectOptions).
  std::vector<int> topics = {10};  // more than one: an ensemble over the topic counts
  int aspect_iterations = 100;
  int aspect_inner_steps = 3;
  int aspect_restarts = 1;
  int aspect_ensemble = 1;  // the best restarts by bound whose scores are averaged
  float aspect_alpha = 0.1f;
  float aspect_beta = 0.01f;
  std::string aspect_weighting = "binary";  // "binary", "log" or "count"
  float blend_weight = 0.5f;                // the aspect model's (EASE's) share of the blend
  // EASE (recommend::EaseOptions).
  float ease_lambda = 500.0f;
  std::string ease_weighting = "binary";  // "binary", "log" or "count"
  float ease_diagonal = 0.0f;             // extra penalty x G_ii per item (0: plain EASE)
  // eval only
  std::string interactions;  // a `user item count [time]` file; empty: the database
  bool synthetic = false;    // the generated population with planted clusters instead
  int synthetic_users = 2000, synthetic_items = 1000;
  int holdout = 5;
  int neighbors = 100;      // item-kNN neighbours per item
  bool validation = false;  // score the validation split (for tuning)
  bool json = false;
};
// Trains ALS from the database's listening history and saves the factors in the data dir.
int RunRecommendTrain(const Config& config, const RecommendOptions& options);
// Evaluates ALS, popularity and item-kNN on one split and prints the table (or JSON).
int RunRecommendEval(const Config& config, const RecommendOptions& options);
// Generates this week's Discover Weekly for every user who has none yet (progress bar).
// This process's executable (/proc/self/exe), for the media worker; "" when unknown (the
// worker then runs in-process).
std::string SelfExecutable();

// `lists`: any of "discover-weekly", "daily-mix", "release-radar".
int RunRecommendRun(const Config& config, const std::vector<std::string>& lists);

}  // namespace sonora::app
