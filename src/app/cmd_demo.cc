#include <cstdio>

#include "app/commands.h"
#include "app/wiring.h"
#include "catalog/demo_catalog.h"
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
  auto count = app.catalog_repo().CountTracks();
  if (!count.ok()) {
    std::fprintf(stderr, "sonora: %s\n", count.status().ToString().c_str());
    return 1;
  }
  if (*count == 0) {
    ProgressBar bar("catalog", options.tracks, "tracks");
    catalog::GenerateOptions gen;
    gen.tracks = options.tracks;
    gen.progress = [&bar](int64_t done, int64_t) { bar.Update(done); };
    auto summary = catalog::GenerateCatalog(app.db(), app.catalog_repo(), app.clock(), gen);
    bar.Finish();
    if (!summary.ok()) {
      std::fprintf(stderr, "sonora: %s\n", summary.status().ToString().c_str());
      return 1;
    }
    log::Info("demo catalog artists=" + std::to_string(summary->artists) +
              " albums=" + std::to_string(summary->albums) +
              " tracks=" + std::to_string(summary->tracks));
  } else {
    log::Info("demo catalog already present tracks=" + std::to_string(*count));
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
