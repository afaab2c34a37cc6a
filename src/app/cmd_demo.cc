#include <cstdio>

#include "app/commands.h"
#include "app/wiring.h"
#include "media/demo_library.h"
#include "core/log.h"
#include "core/progress.h"

namespace sonora::app {

int Serve(App& app);

namespace {
constexpr const char* kDemoUser = "demo";
constexpr const char* kDemoPassword = "sonora-demo";
constexpr const char* kDemoAdmin = "admin";
constexpr const char* kDemoAdminPassword = "sonora-admin";

Status EnsureUser(App& app, const char* username, const char* password, auth::Tier tier,
                  bool admin) {
  if (app.auth().FindByName(username).ok()) return Status();
  auth::RegisterRequest r{.email = std::string(username) + "@demo.sonora.local",
                          .username = username,
                          .password = password,
                          .display_name = admin ? "Demo Admin" : "Demo Listener",
                          .country = "US"};
  return app.auth().CreateUser(r, tier, admin).status();
}
}  // namespace

int RunDemo(const Config& config, const DemoOptions& options) {
  auto opened = App::Open(config);
  if (!opened.ok()) {
    std::fprintf(stderr, "sonora: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  App& app = **opened;
  // 1. Masters: synthesized music with known tempo, key and mode, as tagged FLAC files.
  const std::string masters = config.data_dir + "/demo-masters";
  ProgressBar synth_bar("synthesize", options.tracks, "tracks");
  media::DemoLibraryOptions lib;
  lib.tracks = options.tracks;
  lib.progress = [&synth_bar](int done, int) { synth_bar.Update(done); };
  auto specs = media::WriteDemoLibrary(masters, lib);
  synth_bar.Finish();
  if (!specs.ok()) {
    std::fprintf(stderr, "sonora: %s\n", specs.status().ToString().c_str());
    return 1;
  }
  if (options.masters_only) {
    std::printf("%s\n", masters.c_str());
    return 0;
  }
  // Speech-like podcast episodes (2 shows of 3), tagged genre "Podcast", in their own folder so
  // --masters-only (the ingest benchmark's input) stays music.
  const std::string podcasts = config.data_dir + "/demo-podcasts";
  auto episodes = media::WriteDemoPodcasts(podcasts, {});
  if (!episodes.ok()) {
    std::fprintf(stderr, "sonora: %s\n", episodes.status().ToString().c_str());
    return 1;
  }
  // 2. The same ingest path real music and podcasts take; a second run finds everything
  // unchanged.
  media::IngestOptions ingest;
  ingest.jobs = options.jobs;
  ingest.worker.binary = SelfExecutable();
  auto summary = app.ingester().Run({masters, podcasts}, ingest);
  log::Info("demo ingest files=" + std::to_string(summary.files) +
            " new=" + std::to_string(summary.ingested) +
            " episodes=" + std::to_string(summary.episodes) +
            " unchanged=" + std::to_string(summary.unchanged) +
            " failed=" + std::to_string(summary.failed) +
            " seconds=" + std::to_string(static_cast<int>(summary.seconds)));
  if (summary.failed > 0) {
    for (const auto& r : summary.results) {
      if (r.outcome == media::Outcome::kFailed) {
        std::fprintf(stderr, "sonora: demo ingest failed for %s: %s\n", r.path.c_str(),
                     r.message.c_str());
      }
    }
    return 1;
  }
  Status s = EnsureUser(app, kDemoUser, kDemoPassword, auth::Tier::kPremium, false);
  if (s.ok()) s = EnsureUser(app, kDemoAdmin, kDemoAdminPassword, auth::Tier::kHifi, true);
  if (!s.ok()) {
    std::fprintf(stderr, "sonora: %s\n", s.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "demo accounts: %s / %s (premium), %s / %s (admin, hifi)\n"
               "log in: POST /api/v1/auth/login {\"username\":\"%s\",\"password\":\"%s\"}\n",
               kDemoUser, kDemoPassword, kDemoAdmin, kDemoAdminPassword, kDemoUser, kDemoPassword);
  if (!options.serve) return 0;
  return Serve(app);
}

}  // namespace sonora::app
