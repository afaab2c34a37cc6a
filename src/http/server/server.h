// The HTTP/1.1 server: Boost.Beast sessions as C++20 coroutines on a few I/O threads; every
// request is handed to a worker pool for Router::Dispatch, so a slow database never blocks the
// sockets (STYLE.md rule 10). Health, readiness and metrics run on their own one-thread pool.
//
// Bounds (rule 12): request body limit (413), header limit (431), a read deadline per request
// (slow clients are cut off), a write deadline, a connection cap, and one request in flight per
// connection (pipelined requests wait in a bounded buffer and are answered in order).
//
// Beast and Asio appear only in this folder; the header is library-free (pimpl).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/metrics.h"
#include "http/router.h"

namespace sonora::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0 binds a free port; see Server::port()
  int io_threads = 1;
  int worker_threads = 4;
  size_t body_limit = 1 << 20;     // bytes; larger bodies get 413
  size_t header_limit = 16 << 10;  // bytes; larger headers get 431
  std::chrono::seconds read_timeout{30};   // whole request, headers and body
  std::chrono::seconds idle_timeout{60};   // keep-alive wait for the next request
  std::chrono::seconds write_timeout{60};
  std::chrono::seconds drain_timeout{10};  // graceful shutdown: in-flight requests finish
  int max_connections = 20000;
  // Peers whose X-Forwarded-For is believed (a load balancer); everyone else's is ignored.
  std::vector<std::string> trusted_proxies;
};

class Server {
 public:
  // Binds and listens. kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Router& router,
                                               Metrics& metrics);
  ~Server();

  // The bound port (useful with port 0).
  int port() const;

  // Serves until Stop() or SIGINT/SIGTERM (when `handle_signals`), then drains: stops accepting,
  // lets in-flight requests finish (up to drain_timeout), closes idle connections. Blocks.
  void Run(bool handle_signals);

  // Starts a graceful stop from any thread.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sonora::http
