// The HTTP/1.1 server: C++20 coroutine sessions on a few I/O threads, each thread with its own
// io_context and its own connections. Beast parses requests; responses are formatted into a
// per-connection buffer and written with sendmsg(2), file bodies with sendfile(2). Requests to
// non-blocking routes (signed media) are answered on the I/O thread; every other request is
// handed to a worker pool for Router::Dispatch, so a slow database never blocks the sockets
// (STYLE.md rule 10). Health, readiness and metrics run on their own one-thread pool.
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
  int port = 8080;  // 0 binds a free port; see Server::port()
  int io_threads = 1;
  int worker_threads = 4;
  size_t body_limit = 1 << 20;            // bytes; larger bodies get 413
  size_t header_limit = 16 << 10;         // bytes; larger headers get 431
  std::chrono::seconds read_timeout{30};  // whole request, headers and body
  std::chrono::seconds idle_timeout{60};  // keep-alive wait for the next request
  std::chrono::seconds write_timeout{60};
  std::chrono::seconds drain_timeout{10};  // graceful shutdown: in-flight requests finish
  int max_connections = 20000;
  // Peers whose X-Forwarded-For is believed (a load balancer); everyone else's is ignored.
  std::vector<std::string> trusted_proxies;
};

// The status line and header fields of `res` as the server writes them (exposed for tests):
// Content-Type, Server, the response's shared headers (those it does not set itself), its own
// headers in order, Content-Length (`content_length`;
// none for 1xx, 204 and 304), and Connection where it differs from the version's default
// (`version` 10 or 11). Fields holding CR, LF or NUL are dropped. `out` is overwritten and
// keeps its capacity, so a connection reuses one buffer for every response.
void FormatResponseHead(std::string& out, const Response& res, unsigned version,
                        int64_t content_length, bool close);

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
