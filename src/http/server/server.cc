#include "http/server/server.h"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/log.h"
#include "core/random.h"
#include "core/strings.h"
#include "http/errors.h"

namespace sonora::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);

struct Server::Impl {
  ServerOptions options;
  Router& router;
  Metrics& metrics;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::thread_pool workers;
  asio::thread_pool health_workers{1};
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  int bound_port = 0;

  // Live sessions, so a graceful stop can close the idle ones. Guarded by sessions_mu.
  struct SessionState {
    tcp::socket* socket;
    asio::any_io_executor executor;
    bool busy = false;
  };
  std::mutex sessions_mu;
  std::unordered_map<uint64_t, SessionState> sessions;
  uint64_t next_session_id = 0;

  // Responses the server writes itself (413, 431, malformed requests) bypass the router; they
  // get the same standard headers and are counted under this action.
  ActionStats* refused_stats;

  Impl(ServerOptions o, Router& r, Metrics& m)
      : options(std::move(o)),
        router(r),
        metrics(m),
        workers(std::max(1, options.worker_threads)),
        refused_stats(&m.ForAction("server:refused")) {}

  void StampRefusal(Response& r) {
    r.SetHeader("X-Request-Id", FastRandomBase62(20));
    r.SetHeader("X-Content-Type-Options", "nosniff");
    r.SetHeader("Cache-Control", "no-store");
    refused_stats->Record(r.status, 0);
  }

  awaitable<void> Accept();
  awaitable<void> Session(tcp::socket socket);
  void BeginStop();
  void SetBusy(uint64_t id, bool busy) {
    std::lock_guard<std::mutex> lock(sessions_mu);
    auto it = sessions.find(id);
    if (it != sessions.end()) it->second.busy = busy;
  }
};

namespace {

bool IsHealthPath(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

std::string ClientAddress(const tcp::socket& socket, const Request& req,
                          const std::vector<std::string>& trusted) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  std::string peer = ec ? std::string("unknown") : ep.address().to_string();
  bool trusted_peer = false;
  for (const auto& t : trusted) trusted_peer = trusted_peer || t == peer;
  if (trusted_peer) {
    if (auto xff = req.Header("x-forwarded-for")) {
      // The right-most entry is the one our trusted proxy appended.
      auto parts = Split(*xff, ',', true);
      if (!parts.empty()) return std::string(Trim(parts.back()));
    }
  }
  return peer;
}

// Sends `length` bytes of `fd` from `offset` with sendfile(2): the kernel copies from the page
// cache to the socket. Waits for writability when the socket buffer is full, within the
// stream's write deadline.
awaitable<beast::error_code> SendFile(beast::tcp_stream& stream, int fd, int64_t offset,
                                      int64_t length, std::chrono::seconds write_timeout) {
  auto& socket = stream.socket();
  beast::error_code ec;
  socket.native_non_blocking(true, ec);
  if (ec) co_return ec;
  off_t off = static_cast<off_t>(offset);
  int64_t remaining = length;
  asio::steady_timer deadline(socket.get_executor());
  while (remaining > 0) {
    ssize_t n = ::sendfile(socket.native_handle(), fd, &off,
                           static_cast<size_t>(std::min<int64_t>(remaining, 1 << 20)));
    if (n > 0) {
      remaining -= n;
      continue;
    }
    if (n == 0) co_return asio::error::make_error_code(asio::error::eof);  // file shrank
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      co_return beast::error_code(errno, boost::system::system_category());
    }
    // The socket is full: wait until it drains, or give up at the write deadline.
    deadline.expires_after(write_timeout);
    bool timed_out = false;
    deadline.async_wait([&](const beast::error_code& e) {
      if (!e) {
        timed_out = true;
        beast::error_code ignored;
        socket.cancel(ignored);
      }
    });
    auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_write, kTuple);
    deadline.cancel();
    if (timed_out) co_return beast::error::timeout;
    if (wait_ec) co_return wait_ec;
  }
  co_return beast::error_code{};
}

}  // namespace

awaitable<void> Server::Impl::Accept() {
  while (!stopping.load()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping.load()) break;
      // EMFILE and friends: back off briefly instead of spinning.
      asio::steady_timer t(ioc, std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    if (connections.load() >= options.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    metrics.connections_total().fetch_add(1, std::memory_order_relaxed);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, Session(std::move(socket)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& err) {
        log::Error(std::string("session ended by exception: ") + err.what());
      }
    });
  }
}

awaitable<void> Server::Impl::Session(tcp::socket raw_socket) {
  connections.fetch_add(1);
  beast::tcp_stream stream(std::move(raw_socket));
  beast::error_code ec_ignored;
  stream.socket().set_option(tcp::no_delay(true), ec_ignored);
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    id = next_session_id++;
    sessions.emplace(id, SessionState{&stream.socket(), stream.get_executor(), false});
  }

  beast::flat_buffer buffer(options.body_limit + options.header_limit);
  bool first = true;
  while (!stopping.load()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(static_cast<uint32_t>(options.header_limit));
    // The first wait on a connection and keep-alive waits use the idle timeout; once bytes of a
    // request are buffered, the read deadline covers the whole request (slowloris).
    stream.expires_after(first || buffer.size() > 0 ? options.read_timeout : options.idle_timeout);
    first = false;
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    (void)n;
    if (ec) {
      std::optional<Response> refusal;
      if (ec == bhttp::error::body_limit) {
        refusal = ErrorResponse(413, "payload_too_large", "request body too large");
      } else if (ec == bhttp::error::header_limit) {
        refusal = ErrorResponse(431, "headers_too_large", "request headers too large");
      } else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
                 ec != asio::error::operation_aborted && ec != asio::error::eof &&
                 ec != asio::error::connection_reset && ec != bhttp::error::partial_message &&
                 buffer.size() > 0) {
        refusal = ErrorResponse(400, "bad_request", "malformed HTTP request");
      }
      if (refusal) {
        StampRefusal(*refusal);
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(refusal->status), 11};
        res.set(bhttp::field::content_type, refusal->content_type);
        res.set(bhttp::field::server, "sonora");
        for (auto& [k, v] : refusal->headers) res.set(k, v);
        res.set(bhttp::field::connection, "close");
        res.body() = std::move(refusal->body);
        res.prepare_payload();
        stream.expires_after(options.write_timeout);
        co_await bhttp::async_write(stream, res, kTuple);
      }
      break;
    }
    SetBusy(id, true);

    auto& msg = parser.get();
    Request req;
    req.method = ParseMethod(std::string_view(msg.method_string().data(), msg.method_string().size()));
    req.headers.reserve(8);
    for (const auto& field : msg) {
      req.headers.emplace_back(ToLower(std::string_view(field.name_string().data(), field.name_string().size())),
                               std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_ip = ClientAddress(stream.socket(), req, options.trusted_proxies);
    const bool keep_alive = msg.keep_alive();
    std::string_view target(msg.target().data(), msg.target().size());

    Response res;
    Status parsed = req.ParseTarget(target);
    if (!parsed.ok()) {
      res = ErrorResponse(parsed, "-");
      StampRefusal(res);
    } else if (router.RunsInline(req.method, req.path)) {
      // A handler that never waits (signed media from cached manifests): two thread hops would
      // cost more than the handler itself.
      res = router.Dispatch(req);
    } else {
      // Hand the request to a worker; the coroutine resumes on this session's strand after.
      auto& pool = IsHealthPath(req.path) ? health_workers : workers;
      res = co_await asio::co_spawn(
          pool.get_executor(),
          [&]() -> awaitable<Response> { co_return router.Dispatch(req); }, use_awaitable);
    }

    const bool close = !keep_alive || stopping.load();
    stream.expires_after(options.write_timeout);
    beast::error_code wec;
    int file_fd = -1;
    if (res.file) {
      file_fd = ::open(res.file->path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (file_fd < 0) {
        const int err = errno;
        std::string rid(res.GetHeader("X-Request-Id"));
        if (err == EMFILE || err == ENFILE || err == ENOMEM) {
          // Out of descriptors is our problem and passes: a player must retry, not give up.
          log::Warn("cannot open media file: " + std::string(std::strerror(err)) +
                    " request_id=" + rid);
          res = ErrorResponse(Status::Unavailable("the server is busy, retry shortly"), rid);
        } else {
          // The file went away between the handler's check and now (a re-encode replaced it).
          res = ErrorResponse(404, "not_found", "media file is no longer available");
        }
        res.SetHeader("X-Request-Id", rid);
      }
    }
    const bool send_file = file_fd >= 0;
    const int64_t content_length =
        send_file ? res.file->length : static_cast<int64_t>(res.body.size());
    if (req.method == Method::kHead || send_file) {
      bhttp::response<bhttp::empty_body> out{static_cast<bhttp::status>(res.status), msg.version()};
      if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
      out.set(bhttp::field::server, "sonora");
      for (auto& [k, v] : res.headers) out.set(k, v);
      out.set(bhttp::field::content_length, std::to_string(content_length));
      out.keep_alive(!close);
      bhttp::serializer<false, bhttp::empty_body> sr(out);
      std::tie(wec, std::ignore) = co_await bhttp::async_write_header(stream, sr, kTuple);
      if (!wec && send_file && req.method != Method::kHead) {
        wec = co_await SendFile(stream, file_fd, res.file->offset, res.file->length,
                                options.write_timeout);
      }
    } else {
      bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), msg.version()};
      if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
      out.set(bhttp::field::server, "sonora");
      for (auto& [k, v] : res.headers) out.set(k, v);
      out.body() = std::move(res.body);
      out.keep_alive(!close);
      out.prepare_payload();
      std::tie(wec, std::ignore) = co_await bhttp::async_write(stream, out, kTuple);
    }
    if (file_fd >= 0) ::close(file_fd);
    SetBusy(id, false);
    if (wec || close) break;
  }

  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    sessions.erase(id);
  }
  connections.fetch_sub(1);
}

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  log::Info("shutdown: draining connections");
  asio::post(ioc, [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
  });
  // Idle connections are waiting on a read that would never end the drain: close them. Busy
  // ones finish their request and then close because `stopping` is set.
  std::lock_guard<std::mutex> lock(sessions_mu);
  for (auto& [id, s] : sessions) {
    if (s.busy) continue;
    tcp::socket* sock = s.socket;
    asio::post(s.executor, [this, id, sock] {
      std::lock_guard<std::mutex> inner(sessions_mu);
      auto it = sessions.find(id);
      if (it == sessions.end() || it->second.busy) return;
      beast::error_code ignored;
      sock->cancel(ignored);
    });
  }
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Router& router,
                                              Metrics& metrics) {
  auto impl = std::make_unique<Impl>(std::move(options), router, metrics);
  beast::error_code ec;
  auto address = asio::ip::make_address(impl->options.host, ec);
  if (ec) return Status::InvalidArgument("host", "bad listen address: " + impl->options.host);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl->options.port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl->options.host + ":" +
                               std::to_string(impl->options.port) + ": " + ec.message());
  }
  impl->bound_port = impl->acceptor.local_endpoint().port();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  impl_->workers.join();
  impl_->health_workers.join();
}

int Server::port() const { return impl_->bound_port; }

void Server::Stop() { impl_->BeginStop(); }

void Server::Run(bool handle_signals) {
  Impl& s = *impl_;
  asio::signal_set signals(s.ioc);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&s](const beast::error_code& ec, int) {
      if (!ec) s.BeginStop();
    });
  }
  asio::co_spawn(s.ioc, s.Accept(), asio::detached);

  // After a stop begins, give in-flight requests drain_timeout, then end the loop regardless.
  std::thread watchdog;
  std::atomic<bool> done{false};
  watchdog = std::thread([&] {
    while (!done.load()) {
      if (s.stopping.load()) {
        auto deadline = std::chrono::steady_clock::now() + s.options.drain_timeout;
        while (!done.load() && std::chrono::steady_clock::now() < deadline) {
          if (s.connections.load() == 0) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (!done.load()) s.ioc.stop();  // io_context::stop is thread-safe
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < s.options.io_threads; ++i) threads.emplace_back([&] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  done.store(true);
  watchdog.join();
  log::Info("shutdown: complete");
}

}  // namespace sonora::http
