#include <sys/resource.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "app/commands.h"
#include "app/wiring.h"
#include "core/log.h"
#include "http/server/server.h"
#include "streaming/media_files.h"
#include "streaming/sealed_files.h"

namespace sonora::app {

namespace {
constexpr std::chrono::minutes kHousekeepingInterval{10};
}  // namespace

// Serves `app` until SIGINT/SIGTERM. Shared by `serve` and `demo`.
int Serve(App& app) {
  const Config& c = app.config();
  // The index catches up with the catalog (or is rebuilt) before the first request.
  if (Status s = StartSearch(app); !s.ok()) {
    std::fprintf(stderr, "sonora: search: %s\n", s.ToString().c_str());
    return 1;
  }
  if (Status s = app.sealed_files().Start(); !s.ok()) {
    std::fprintf(stderr, "sonora: %s\n", s.ToString().c_str());
    return 1;
  }
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
  options.max_connections = c.max_connections;
  // Every connection and every chunk being sent holds a descriptor: use all the system allows.
  if (rlimit lim{}; ::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    // Besides one per connection: the media files and sealed copies held open, the database
    // pool, and a margin for the listener, logs, the search index and the parse workers.
    const rlim_t reserved = streaming::MediaFiles::kMaxOpenFiles +
                            streaming::SealedFiles::kMaxOpenFiles + c.db_pool + 256;
    if (static_cast<rlim_t>(c.max_connections) + reserved > lim.rlim_cur) {
      const rlim_t fit = lim.rlim_cur > reserved ? lim.rlim_cur - reserved : 0;
      log::Warn("max_connections=" + std::to_string(c.max_connections) + " and up to " +
                std::to_string(reserved) +
                " descriptors for held media files and the database exceed the open-file "
                "limit of " +
                std::to_string(lim.rlim_cur) + "; past " + std::to_string(fit) +
                " connections a chunk request may be answered 503 (retry)");
    }
  }
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

  // The recommenders' snapshot is built in the background, so no request (autoplay on the
  // play path above all) waits for the first build.
  std::thread warm_up([&app] {
    if (Status s = app.recommendations().WarmUp(); !s.ok()) {
      log::Warn("recommendations warm-up: " + s.ToString());
    }
  });

  // Housekeeping: expired access tokens and recently-played rows are deleted now and then.
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  // Sealed copies are kept for the current key period and the one before (a session started
  // just before a rotation); older ones, and those an earlier process left, are deleted.
  auto prune_sealed = [&app] { app.sealed_files().Prune(app.hls_keys().CurrentPeriod() - 1); };
  std::thread housekeeping([&] {
    prune_sealed();
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, kHousekeepingInterval, [&] { return stop; })) {
      prune_sealed();
      auto deleted = app.auth().DeleteExpiredAccessTokens();
      if (!deleted.ok()) log::Warn("housekeeping: " + deleted.status().ToString());
      auto expired = app.listening().PurgeExpired(app.clock().NowMillis());
      if (!expired.ok()) log::Warn("housekeeping: " + expired.status().ToString());
    }
  });

  (*server)->Run(/*handle_signals=*/true);
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  housekeeping.join();
  warm_up.join();
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
