#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "app/commands.h"
#include "app/wiring.h"
#include "core/log.h"
#include "http/server/server.h"

namespace sonora::app {

namespace {
constexpr std::chrono::minutes kHousekeepingInterval{10};
}  // namespace

// Serves `app` until SIGINT/SIGTERM. Shared by `serve` and `demo`.
int Serve(App& app) {
  const Config& c = app.config();
  http::Router& router = app.BuildRouter();
  http::ServerOptions options;
  options.host = c.host;
  options.port = c.port;
  options.io_threads = c.io_threads;
  options.worker_threads = c.worker_threads;
  options.body_limit = static_cast<size_t>(c.body_limit_bytes);
  options.trusted_proxies = c.trusted_proxies;
  options.read_timeout = std::chrono::seconds(c.read_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(c.idle_timeout_seconds);
  auto server = http::Server::Start(options, router, app.metrics());
  if (!server.ok()) {
    std::fprintf(stderr, "sonora: %s\n", server.status().ToString().c_str());
    return 1;
  }
  // The one line scripts and tests wait for; stdout carries nothing else.
  std::printf("sonora listening on %s:%d\n", c.host.c_str(), (*server)->port());
  std::fflush(stdout);
  log::Info("serving host=" + c.host + " port=" + std::to_string((*server)->port()) +
            " database=" + app.db().Describe());

  // Housekeeping: expired access tokens are deleted now and then.
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  std::thread housekeeping([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, kHousekeepingInterval, [&] { return stop; })) {
      auto deleted = app.users().DeleteExpiredAccessTokens(app.clock().NowMillis());
      if (!deleted.ok()) log::Warn("housekeeping: " + deleted.status().ToString());
    }
  });

  (*server)->Run(/*handle_signals=*/true);
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  housekeeping.join();
  return 0;
}

int RunServe(const Config& config) {
  auto app = App::Open(config);
  if (!app.ok()) {
    std::fprintf(stderr, "sonora: %s\n", app.status().ToString().c_str());
    return 1;
  }
  return Serve(**app);
}

}  // namespace sonora::app
