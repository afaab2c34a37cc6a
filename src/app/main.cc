// sonora: one binary, many commands (ARCHITECTURE.md). Flags are parsed here; settings merge as
// defaults < sonora.toml < SONORA_* environment < flags; then the command runs.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string_view>

#include "app/commands.h"
#include "app/config.h"
#include "core/log.h"
#include "media/parse_worker.h"

namespace {

// Flags every command accepts. Only flags actually given override file and environment.
struct CommonFlags {
  std::string config_path, data_dir, database, log_level, host;
  int port = -1, workers = -1;

  void AddStorage(CLI::App* cmd) {
    cmd->add_option("--config", config_path,
                    "TOML settings file (default ./sonora.toml if present)");
    cmd->add_option("--data-dir", data_dir, "data directory (default ./sonora-data)");
    cmd->add_option("--database", database,
                    "sqlite:///path.db or postgresql://... (default: SQLite in the data dir)");
    cmd->add_option("--log-level", log_level, "debug, info, warn, error");
  }
  void AddServe(CLI::App* cmd) {
    AddStorage(cmd);
    cmd->add_option("--host", host, "listen address (default 127.0.0.1)");
    cmd->add_option("--port", port, "listen port; 0 picks a free one (default 8080)")
        ->check(CLI::Range(0, 65535));
    cmd->add_option("--workers", workers, "request worker threads (default 4)")
        ->check(CLI::Range(1, 256));
  }

  // Merges file, environment and flags into a Config; exits on a bad setting.
  sonora::app::Config Resolve() const {
    sonora::app::Config c;
    sonora::Status s = sonora::app::ApplyFileAndEnvironment(c, config_path);
    if (!s.ok()) {
      std::fprintf(stderr, "sonora: %s\n", s.ToString().c_str());
      std::exit(2);
    }
    if (!data_dir.empty()) c.data_dir = data_dir;
    if (!database.empty()) c.database = database;
    if (!log_level.empty()) c.log_level = log_level;
    if (!host.empty()) c.host = host;
    if (port >= 0) c.port = port;
    if (workers > 0) c.worker_threads = workers;
    sonora::log::Init(c.log_level);
    return c;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up is an error code, not a death
  // The isolated media parser (media/parse_worker.h): started by ingest, not by people, so it
  // stays out of --help.
  if (argc >= 2 && std::string_view(argv[1]) == "media-worker") {
    return sonora::media::RunMediaWorker(argc - 2, argv + 2);
  }
  CLI::App cli{"Sonora: a self-hostable music and podcast streaming server"};
  cli.require_subcommand(1);
  CommonFlags flags;
  int rc = 0;

  auto* serve = cli.add_subcommand("serve", "serve the HTTP API");
  flags.AddServe(serve);
  serve->callback([&] { rc = sonora::app::RunServe(flags.Resolve()); });

  sonora::app::DemoOptions demo_options;
  bool no_serve = false;
  auto* demo = cli.add_subcommand(
      "demo", "synthesize and ingest a demo catalog, add demo accounts, then serve");
  flags.AddServe(demo);
  demo->add_option("--tracks", demo_options.tracks, "synthesized tracks (default 40)")
      ->check(CLI::Range(1, 1000));
  demo->add_option("--jobs", demo_options.jobs, "parallel ingest workers (default 2)")
      ->check(CLI::Range(1, 64));
  demo->add_flag("--no-serve", no_serve, "set up the data dir and exit");
  demo->add_flag("--masters-only", demo_options.masters_only,
                 "only write the synthesized masters (to <data-dir>/demo-masters) and exit");
  demo->callback([&] {
    demo_options.serve = !no_serve;
    rc = sonora::app::RunDemo(flags.Resolve(), demo_options);
  });

  sonora::app::IngestCommandOptions ingest_options;
  auto* ingest = cli.add_subcommand("ingest", "add audio files or folders to the catalog");
  flags.AddStorage(ingest);
  ingest->add_option("paths", ingest_options.paths, "files or folders (walked recursively)")
      ->required();
  ingest->add_option("--jobs", ingest_options.jobs, "parallel workers (default 2)")
      ->check(CLI::Range(1, 64));
  ingest->add_flag("--json", ingest_options.json, "print a JSON summary on stdout");
  ingest->add_flag("--force", ingest_options.force, "re-encode even unchanged audio");
  ingest->add_flag("--podcast", ingest_options.podcast,
                   "ingest every file as a podcast episode (otherwise: genre tag \"Podcast\")");
  ingest
      ->add_option("--max-minutes", ingest_options.max_minutes,
                   "refuse files longer than this (default 60)")
      ->check(CLI::Range(1, 600));
  ingest->callback([&] { rc = sonora::app::RunIngest(flags.Resolve(), ingest_options); });

  auto* catalog_cmd = cli.add_subcommand("catalog", "catalog tools");
  catalog_cmd->require_subcommand(1);
  int64_t generate_tracks = 1000;
  auto* generate = catalog_cmd->add_subcommand(
      "generate", "add a metadata-only generated catalog (for load tests; no audio)");
  flags.AddStorage(generate);
  generate->add_option("--tracks", generate_tracks, "tracks to generate (default 1000)")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  generate->callback(
      [&] { rc = sonora::app::RunCatalogGenerate(flags.Resolve(), generate_tracks); });

  auto* search_cmd = cli.add_subcommand("search", "search index tools");
  search_cmd->require_subcommand(1);
  auto* reindex = search_cmd->add_subcommand(
      "reindex", "rebuild the search index from the catalog (stop the server first)");
  flags.AddStorage(reindex);
  reindex->callback([&] { rc = sonora::app::RunSearchReindex(flags.Resolve()); });

  auto* user = cli.add_subcommand("user", "account administration");
  user->require_subcommand(1);
  sonora::app::UserCreateOptions create;
  auto* user_create = user->add_subcommand("create", "create an account");
  flags.AddStorage(user_create);
  user_create->add_option("--username", create.username)->required();
  user_create->add_option("--email", create.email)->required();
  user_create->add_option("--password", create.password)->required();
  user_create->add_option("--display-name", create.display_name);
  user_create->add_option("--country", create.country, "ISO 3166-1 alpha-2 (default US)");
  user_create->add_option("--tier", create.tier, "free, premium, family, hifi (default free)");
  user_create->add_flag("--admin", create.admin, "make the account an administrator");
  user_create->callback([&] { rc = sonora::app::RunUserCreate(flags.Resolve(), create); });

  std::string who, tier;
  auto* set_tier = user->add_subcommand("set-tier", "change an account's subscription tier");
  flags.AddStorage(set_tier);
  set_tier->add_option("user", who, "user id, username or email")->required();
  set_tier->add_option("--tier", tier, "free, premium, family, hifi")->required();
  set_tier->callback([&] { rc = sonora::app::RunUserSetTier(flags.Resolve(), who, tier); });

  auto* list = user->add_subcommand("list", "list accounts");
  flags.AddStorage(list);
  list->callback([&] { rc = sonora::app::RunUserList(flags.Resolve()); });

  sonora::app::PlayOptions play_options;
  auto* play = cli.add_subcommand("play", "play a track with the headless ABR client and report");
  play->add_option("track_id", play_options.track_id, "track id")->required();
  play->add_option("--server", play_options.server, "server URL (default http://127.0.0.1:8080)");
  play->add_option("--username", play_options.username)->required();
  play->add_option("--password", play_options.password)->required();
  play->add_option("--quality", play_options.quality, "low, normal, high or NNNkbps (a cap)");
  play->add_option("--speed", play_options.speed, "playback clock speed (default 1)")
      ->check(CLI::Range(0.01, 1000.0));
  play->add_option("--max-seconds", play_options.max_seconds,
                   "play only the chunks covering this much audio (default: all)")
      ->check(CLI::Range(0.0, 86400.0));
  play->add_option("--output", play_options.output, "write the decoded audio (.wav or .flac)");
  play->add_flag("--json", play_options.json, "print the report as JSON");
  play->callback([&] { rc = sonora::app::RunPlay(play_options); });

  sonora::app::RecommendOptions rec;
  auto* recommend = cli.add_subcommand("recommend", "recommendation models");
  recommend->require_subcommand(1);
  auto add_als = [&](CLI::App* cmd) {
    cmd->add_option("--factors", rec.factors, "ALS latent factors (default 48)")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--iterations", rec.iterations, "ALS sweeps (default 25)")
        ->check(CLI::Range(0, 1000));
    cmd->add_option("--alpha", rec.alpha, "confidence slope: c = 1 + alpha * r (default 0.1)")
        ->check(CLI::Range(0.0f, 1e6f));
    cmd->add_option("--regularization", rec.regularization, "L2 weight lambda (default 10)")
        ->check(CLI::Range(0.0f, 1e6f));
    cmd->add_option("--cg-steps", rec.cg_steps, "CG steps per row (default 3)")
        ->check(CLI::Range(1, 100));
    cmd->add_option("--threads", rec.threads, "worker threads (default 2)")
        ->check(CLI::Range(1, 256));
    cmd->add_option("--seed", rec.seed,
                    "seed for factors, holdout and synthetic data (default 42)");
    cmd->add_option("--confidence", rec.confidence,
                    "confidence function: linear (1 + alpha r) or log (1 + alpha log(1 + r/eps))")
        ->check(CLI::IsMember({"linear", "log"}));
    cmd->add_option("--epsilon", rec.epsilon, "epsilon of the log confidence (default 1)")
        ->check(CLI::Range(1e-6f, 1e6f));
    cmd->add_flag("--scale-regularization", rec.scale_regularization,
                  "scale each row's lambda by its number of entries (weighted-lambda)");
    cmd->add_option("--weighting", rec.weighting, "ALS input weighting: bm25 or none")
        ->check(CLI::IsMember({"bm25", "none"}));
    cmd->add_option("--bm25-k1", rec.bm25_k1, "BM25 k1 (default 100)")
        ->check(CLI::Range(0.0f, 1e6f));
    cmd->add_option("--bm25-b", rec.bm25_b, "BM25 b (default 0.8)")->check(CLI::Range(0.0f, 1.0f));
  };
  auto* rec_train = recommend->add_subcommand(
      "train", "train ALS on the listening history and save the factors in the data dir");
  flags.AddStorage(rec_train);
  add_als(rec_train);
  rec_train->callback([&] { rc = sonora::app::RunRecommendTrain(flags.Resolve(), rec); });
  auto* rec_run = recommend->add_subcommand(
      "run",
      "generate the current period's Discover Weekly, Daily Mixes and Release Radar for every "
      "user who has none yet");
  flags.AddStorage(rec_run);
  std::vector<std::string> rec_lists = {"discover-weekly", "daily-mix", "release-radar"};
  rec_run->add_option("--lists", rec_lists, "which lists to generate (default: all three)")
      ->delimiter(',')
      ->check(CLI::IsMember({"discover-weekly", "daily-mix", "release-radar"}));
  rec_run->callback([&] { rc = sonora::app::RunRecommendRun(flags.Resolve(), rec_lists); });
  auto* rec_eval = recommend->add_subcommand(
      "eval", "compare ALS, popularity and item-kNN on held-out interactions");
  flags.AddStorage(rec_eval);
  add_als(rec_eval);
  auto* from_file = rec_eval->add_option(
      "--interactions", rec.interactions,
      "a 'user item count [time]' file (tabs or spaces); default: the database's history");
  rec_eval
      ->add_flag("--synthetic", rec.synthetic, "a generated population with planted taste clusters")
      ->excludes(from_file);
  rec_eval->add_option("--synthetic-users", rec.synthetic_users, "(default 2000)")
      ->check(CLI::Range(1, 10'000'000));
  rec_eval->add_option("--synthetic-items", rec.synthetic_items, "(default 1000)")
      ->check(CLI::Range(1, 10'000'000));
  rec_eval->add_option("--holdout", rec.holdout, "interactions held out per user (default 5)")
      ->check(CLI::Range(1, 1000));
  rec_eval->add_option("--neighbors", rec.neighbors, "item-kNN neighbours per item (default 100)")
      ->check(CLI::Range(1, 100000));
  rec_eval->add_flag("--validation", rec.validation,
                     "score the validation split instead of the test split (for tuning)");
  rec_eval
      ->add_option("--model", rec.model,
                   "the model under test: als, aspect (latent topics), blend (ALS + aspect), "
                   "ease (closed-form item-item) or ease-blend (EASE + ALS); train always fits "
                   "ALS (default als)")
      ->check(CLI::IsMember({"als", "aspect", "blend", "ease", "ease-blend"}));
  rec_eval
      ->add_option("--topics", rec.topics,
                   "aspect model topics (default 10); a list (9,10,11) averages one model per "
                   "count")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024));
  rec_eval
      ->add_option("--aspect-ensemble", rec.aspect_ensemble,
                   "average the scores of this many best restarts by bound (default 1)")
      ->check(CLI::Range(1, 1000));
  rec_eval
      ->add_option("--aspect-iterations", rec.aspect_iterations,
                   "aspect model EM iterations per restart (default 100)")
      ->check(CLI::Range(0, 100000));
  rec_eval
      ->add_option("--aspect-inner-steps", rec.aspect_inner_steps,
                   "aspect model user updates per iteration (default 3)")
      ->check(CLI::Range(1, 1000));
  rec_eval
      ->add_option("--aspect-restarts", rec.aspect_restarts,
                   "aspect model restarts, the best bound kept (default 1)")
      ->check(CLI::Range(1, 1000));
  rec_eval
      ->add_option("--aspect-alpha", rec.aspect_alpha, "user-topic Dirichlet prior (default 0.1)")
      ->check(CLI::Range(1e-6f, 1e6f));
  rec_eval
      ->add_option("--aspect-beta", rec.aspect_beta, "topic-item Dirichlet prior (default 0.01)")
      ->check(CLI::Range(1e-6f, 1e6f));
  rec_eval
      ->add_option("--aspect-weighting", rec.aspect_weighting,
                   "aspect model cell weight: binary, log (log(1 + r)) or count (default binary)")
      ->check(CLI::IsMember({"binary", "log", "count"}));
  rec_eval
      ->add_option("--blend-weight", rec.blend_weight,
                   "the aspect model's share of --model blend, EASE's of --model ease-blend "
                   "(default 0.5)")
      ->check(CLI::Range(0.0f, 1.0f));
  rec_eval
      ->add_option("--ease-lambda", rec.ease_lambda,
                   "EASE L2 penalty on the item-item weights, > 0 (default 500)")
      ->check(CLI::Range(1e-6f, 1e9f));
  rec_eval
      ->add_option("--ease-weighting", rec.ease_weighting,
                   "EASE cell value: binary, log (log(1 + r)) or count (default binary)")
      ->check(CLI::IsMember({"binary", "log", "count"}));
  rec_eval
      ->add_option("--ease-diagonal", rec.ease_diagonal,
                   "EASE extra penalty per item, this times its Gram diagonal (default 0)")
      ->check(CLI::Range(0.0f, 1e9f));
  rec_eval->add_flag("--json", rec.json, "print the results as JSON");
  rec_eval->callback([&] { rc = sonora::app::RunRecommendEval(flags.Resolve(), rec); });

  CLI11_PARSE(cli, argc, argv);
  return rc;
}
