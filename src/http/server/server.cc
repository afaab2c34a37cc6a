#include "http/server/server.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <charconv>
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

// One io_context per I/O thread, each run by exactly that thread: a connection lives on one of
// them for its whole life, so its handlers never need a strand and never cross threads (the
// way nginx's workers each own their connections). Accepted sockets are dealt round-robin.
static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int threads) {
  std::vector<std::unique_ptr<asio::io_context>> out;
  for (int i = 0; i < std::max(1, threads); ++i) {
    out.push_back(std::make_unique<asio::io_context>(1));
  }
  return out;
}

struct Server::Impl {
  ServerOptions options;
  Router& router;
  Metrics& metrics;
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  // Keep the contexts without a listener running until a stop begins. Touched only before
  // Run starts them and then on iocs[0]'s thread.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  size_t next_context = 0;
  tcp::acceptor acceptor;
  asio::thread_pool workers;
  asio::thread_pool health_workers{1};
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  int bound_port = 0;

  // Live sessions, so a graceful stop can close the idle ones. The map is guarded by
  // sessions_mu; each state lives in its session's frame and is in the map while it lives.
  struct SessionState {
    tcp::socket* socket;
    asio::any_io_executor executor;
    std::atomic<bool> busy{false};
    // The read deadline (max: none), enforced by its context's sweep (SweepDeadlines), and
    // the session's place in that context's list. Touched only on the context's thread.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    SessionState* prev = nullptr;
    SessionState* next = nullptr;
  };
  // Each I/O context's live sessions, a list the sessions link themselves into: a read
  // deadline is a field the sweep checks every kSweepInterval, where a timer per read (Beast's
  // tcp_stream) costs a timer-queue insert, a cancel and a completion per request.
  static constexpr std::chrono::milliseconds kSweepInterval{250};
  std::vector<SessionState*> live_sessions;  // list heads, parallel to iocs
  std::mutex sessions_mu;
  std::unordered_map<uint64_t, SessionState*> sessions;
  uint64_t next_session_id = 0;

  // Responses the server writes itself (413, 431, malformed requests) bypass the router; they
  // get the same standard headers and are counted under this action.
  ActionStats* refused_stats;

  Impl(ServerOptions o, Router& r, Metrics& m)
      : options(std::move(o)),
        router(r),
        metrics(m),
        iocs(MakeContexts(options.io_threads)),
        acceptor(*iocs[0]),
        workers(std::max(1, options.worker_threads)),
        live_sessions(iocs.size(), nullptr),
        refused_stats(&m.ForAction("server:refused")) {}

  void StampRefusal(Response& r) {
    r.SetHeader("X-Request-Id", FastRandomBase62(20));
    r.SetHeader("X-Content-Type-Options", "nosniff");
    r.SetHeader("Cache-Control", "no-store");
    refused_stats->Record(r.status, 0);
  }

  awaitable<void> Accept();
  awaitable<void> Session(tcp::socket socket, size_t context);
  awaitable<void> SweepDeadlines(size_t context);
  void BeginStop();
  void StopContexts() {
    for (auto& c : iocs) c->stop();  // io_context::stop is thread-safe
  }
};

namespace {

bool IsHealthPath(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : ep.address().to_string();
}

// The client's address: the peer's, or the right-most X-Forwarded-For entry when the peer is a
// trusted proxy (the one it appended).
std::string ClientAddress(const std::string& peer, const Request& req,
                          const std::vector<std::string>& trusted) {
  bool trusted_peer = false;
  for (const auto& t : trusted) trusted_peer = trusted_peer || t == peer;
  if (trusted_peer) {
    if (auto xff = req.Header("x-forwarded-for")) {
      auto parts = Split(*xff, ',', true);
      if (!parts.empty()) return std::string(Trim(parts.back()));
    }
  }
  return peer;
}

// Waits until `socket` can take more bytes, or fails with beast::error::timeout at the write
// deadline. Only reached when a write found the socket buffer full.
awaitable<beast::error_code> WaitWritable(tcp::socket& socket, std::chrono::seconds timeout) {
  struct Wait {
    bool done = false;
    bool timed_out = false;
  };
  auto state = std::make_shared<Wait>();
  asio::steady_timer deadline(socket.get_executor());
  deadline.expires_after(timeout);
  deadline.async_wait([state, &socket](const beast::error_code& e) {
    // `done` is set, on this same thread, before the session may go on to close the socket.
    if (e || state->done) return;
    state->timed_out = true;
    beast::error_code ignored;
    socket.cancel(ignored);
  });
  auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_write, kTuple);
  state->done = true;
  deadline.cancel();
  if (state->timed_out) co_return beast::error::timeout;
  co_return wait_ec;
}

using RequestParser = bhttp::request_parser<bhttp::string_body>;

// Feeds `buffer` to `parser` and drops what it used. True: the request needs more bytes (a
// header not yet whole, or more of the body); false: it is complete or `ec` says why not.
bool ParseBuffered(beast::flat_buffer& buffer, RequestParser& parser, beast::error_code& ec) {
  buffer.consume(parser.put(buffer.data(), ec));
  if (ec == bhttp::error::need_more) ec = {};
  return !ec && !parser.is_done();
}

// Reads one request into `parser` with the semantics of Beast's http::async_read (bytes left in
// `buffer` by a pipelining client first; end_of_stream when the peer closes between requests,
// partial_message inside one; buffer_overflow when `buffer` is full), but as one socket read
// per wait: Beast's composed read_op and read_some_op around each read cost about a tenth of a
// chunk request's instructions.
awaitable<beast::error_code> ReadRequest(tcp::socket& socket, beast::flat_buffer& buffer,
                                         RequestParser& parser) {
  parser.eager(true);
  beast::error_code ec;
  while (buffer.size() == 0 || ParseBuffered(buffer, parser, ec)) {
    const size_t want = beast::read_size(buffer, 65536);
    if (want == 0) co_return bhttp::error::buffer_overflow;
    auto [rec, n] = co_await socket.async_read_some(buffer.prepare(want), kTuple);
    if (rec == asio::error::eof) {
      if (!parser.got_some()) co_return bhttp::error::end_of_stream;
      parser.put_eof(ec);
      co_return ec;
    }
    if (rec) co_return rec;
    buffer.commit(n);
  }
  co_return ec;
}

// Writes `parts` in full with sendmsg(2) on the non-blocking socket; waits only when the socket
// buffer is full. `more`: a body follows at once (MSG_MORE keeps header and body in one
// segment where they fit).
awaitable<beast::error_code> WriteAll(tcp::socket& socket, std::array<iovec, 2> parts, bool more,
                                      std::chrono::seconds timeout) {
  size_t first = 0;
  while (first < parts.size() && parts[first].iov_len == 0) ++first;
  while (first < parts.size()) {
    msghdr msg{};
    msg.msg_iov = parts.data() + first;
    msg.msg_iovlen = parts.size() - first;
    ssize_t n = ::sendmsg(socket.native_handle(), &msg, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        co_return beast::error_code(errno, boost::system::system_category());
      }
      if (auto ec = co_await WaitWritable(socket, timeout)) co_return ec;
      continue;
    }
    auto left = static_cast<size_t>(n);
    while (first < parts.size() && left >= parts[first].iov_len) {
      left -= parts[first].iov_len;
      ++first;
    }
    if (first < parts.size()) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
      parts[first].iov_len -= left;
    }
    while (first < parts.size() && parts[first].iov_len == 0) ++first;
  }
  co_return beast::error_code{};
}

// Sends `length` bytes of `fd` from `offset` with sendfile(2): the kernel copies from the page
// cache to the socket. Waits for writability when the socket buffer is full, within the
// write deadline.
awaitable<beast::error_code> SendFile(tcp::socket& socket, int fd, int64_t offset, int64_t length,
                                      std::chrono::seconds write_timeout) {
  off_t off = static_cast<off_t>(offset);
  int64_t remaining = length;
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
    if (auto ec = co_await WaitWritable(socket, write_timeout)) co_return ec;
  }
  co_return beast::error_code{};
}

void AppendNumber(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  out.append(buf, end);
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ", 2).append(value).append("\r\n", 2);
}

// Whether a response with `status` carries no body and no Content-Length (RFC 9110 §8.6).
bool IsBodiless(int status) { return status / 100 == 1 || status == 204 || status == 304; }

}  // namespace

// The status line and header fields of `res`, into `out`, which keeps its capacity from one
// request to the next: a connection formats its responses without allocating. The fields are
// the ones Beast wrote before: Content-Type, Server, the shared fields (those the response does
// not set itself), the handler's and the router's headers, Content-Length (none for
// 1xx/204/304), and Connection when it differs from the version's default. A header whose
// name or value holds CR, LF or NUL is dropped, never sent.
void FormatResponseHead(std::string& out, const Response& res, unsigned version,
                        int64_t content_length, bool close) {
  using namespace std::string_view_literals;
  out.clear();
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ", 9);
  AppendNumber(out, res.status);
  out.push_back(' ');
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
  out.append(reason.data(), reason.size());
  out.append("\r\n", 2);
  if (!res.content_type.empty() && IsFieldSafe(res.content_type)) {
    AppendField(out, "Content-Type", res.content_type);
  }
  AppendField(out, "Server", "sonora");
  if (const SharedHeaders* shared = res.shared_headers.get()) {
    bool overridden = false;
    for (const auto& field : res.headers) overridden = overridden || shared->Has(field.first);
    if (!overridden) {
      out.append(shared->wire());  // formatted once, when they were built
    } else {
      for (const auto& [k, v] : shared->fields()) {
        bool own = false;
        for (const auto& field : res.headers) own = own || SameFieldName(field.first, k);
        if (!own && IsFieldSafe(k) && IsFieldSafe(v)) AppendField(out, k, v);
      }
    }
  }
  for (const auto& [k, v] : res.headers) {
    if (IsFieldSafe(k) && IsFieldSafe(v)) AppendField(out, k, v);
  }
  if (!IsBodiless(res.status)) {
    out.append("Content-Length: "sv);
    AppendNumber(out, content_length);
    out.append("\r\n"sv);
  }
  if (close && version >= 11) out.append("Connection: close\r\n"sv);
  if (!close && version < 11) out.append("Connection: keep-alive\r\n"sv);
  out.append("\r\n"sv);
}

awaitable<void> Server::Impl::Accept() {
  while (!stopping.load()) {
    const size_t context = next_context++ % iocs.size();
    asio::io_context& home = *iocs[context];
    auto [ec, socket] = co_await acceptor.async_accept(home, kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping.load()) break;
      // EMFILE and friends: back off briefly instead of spinning.
      asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
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
    asio::co_spawn(ex, Session(std::move(socket), context), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& err) {
        log::Error(std::string("session ended by exception: ") + err.what());
      }
    });
  }
}

// GCC 12 inlines Asio's recycling frame allocator (aligned_alloc underneath) into this
// coroutine and then reports its matching delete as mismatched: a false positive, silenced
// for this one function.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// Cuts off the reads of its context's sessions that are past their deadline (the read then
// fails with operation_aborted, and the session closes). Runs until the context stops.
awaitable<void> Server::Impl::SweepDeadlines(size_t context) {
  asio::steady_timer timer(*iocs[context]);
  for (;;) {
    timer.expires_after(kSweepInterval);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec) co_return;
    const auto now = std::chrono::steady_clock::now();
    for (SessionState* s = live_sessions[context]; s != nullptr; s = s->next) {
      if (s->deadline > now) continue;
      s->deadline = std::chrono::steady_clock::time_point::max();
      beast::error_code ignored;
      s->socket->cancel(ignored);
    }
  }
}

awaitable<void> Server::Impl::Session(tcp::socket socket, size_t context) {
  connections.fetch_add(1);
  beast::error_code ec_ignored;
  socket.set_option(tcp::no_delay(true), ec_ignored);
  // Responses are written with sendmsg(2) and sendfile(2) straight on the socket (reads stay
  // with Beast and Asio, which handle a non-blocking socket as they would their own).
  socket.native_non_blocking(true, ec_ignored);
  const std::string peer = PeerAddress(socket);
  auto state = std::make_unique<SessionState>();
  state->socket = &socket;
  state->executor = socket.get_executor();
  // Into this context's list for the deadline sweep (same thread: no lock), and out of it
  // however the session ends, even with its frame destroyed at a forced stop.
  struct Listed {
    SessionState*& head;
    SessionState* s;
    Listed(SessionState*& h, SessionState* state) : head(h), s(state) {
      s->next = head;
      if (head) head->prev = s;
      head = s;
    }
    ~Listed() {
      if (s->prev)
        s->prev->next = s->next;
      else
        head = s->next;
      if (s->next) s->next->prev = s->prev;
    }
    Listed(const Listed&) = delete;
    Listed& operator=(const Listed&) = delete;
  } listed(live_sessions[context], state.get());
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    id = next_session_id++;
    sessions.emplace(id, state.get());
  }

  beast::flat_buffer buffer(options.body_limit + options.header_limit);
  std::string head;  // response head, reused: no allocation per response once warm
  head.reserve(1024);
  bool first = true;
  while (!stopping.load()) {
    RequestParser parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(static_cast<uint32_t>(options.header_limit));
    // The first wait on a connection and keep-alive waits use the idle timeout; once bytes of a
    // request are buffered, the read deadline covers the whole request (slowloris).
    state->deadline = std::chrono::steady_clock::now() +
                      (first || buffer.size() > 0 ? options.read_timeout : options.idle_timeout);
    first = false;
    beast::error_code ec = co_await ReadRequest(socket, buffer, parser);
    state->deadline = std::chrono::steady_clock::time_point::max();
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
        FormatResponseHead(head, *refusal, 11, static_cast<int64_t>(refusal->body.size()), true);
        co_await WriteAll(
            socket,
            {iovec{head.data(), head.size()}, iovec{refusal->body.data(), refusal->body.size()}},
            false, options.write_timeout);
      }
      break;
    }
    state->busy.store(true);

    auto& msg = parser.get();
    Request req;
    req.method =
        ParseMethod(std::string_view(msg.method_string().data(), msg.method_string().size()));
    req.headers.reserve(8);
    for (const auto& field : msg) {
      req.headers.emplace_back(
          ToLower(std::string_view(field.name_string().data(), field.name_string().size())),
          std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_ip = ClientAddress(peer, req, options.trusted_proxies);
    const bool keep_alive = msg.keep_alive();
    const unsigned version = msg.version();
    std::string_view target(msg.target().data(), msg.target().size());

    // Not default-constructed: each path below makes its own response.
    std::optional<Response> answered;
    Status parsed = req.ParseTarget(target);
    if (!parsed.ok()) {
      answered = ErrorResponse(parsed, "-");
      StampRefusal(*answered);
    } else {
      Router::Match match = router.Find(req.method, req.path);
      if (match.runs_inline) {
        // A handler that never waits (signed media from cached manifests): two thread hops
        // would cost more than the handler itself.
        answered = router.Dispatch(req, match);
      } else if (match.has_attempt) {
        // The route's answer from memory, when it has everything there (a cached play); a
        // decline leaves `match` saying what was done, and the worker carries on from it.
        answered = router.TryDispatch(req, match);
      }
      if (!answered) {
        // Hand the request to a worker; the coroutine resumes on this session's thread after.
        auto& pool = IsHealthPath(req.path) ? health_workers : workers;
        answered = co_await asio::co_spawn(
            pool.get_executor(),
            [&]() -> awaitable<Response> { co_return router.Dispatch(req, match); }, use_awaitable);
      }
    }
    Response& res = *answered;

    const bool close = !keep_alive || stopping.load();
    int file_fd = -1;
    bool own_fd = false;  // opened here (closed below), not a cached OpenFile
    if (res.file && res.file->open) {
      file_fd = res.file->open->fd();  // `res` holds the reference until the send is done
    } else if (res.file) {
      file_fd = ::open(res.file->path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      own_fd = file_fd >= 0;
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
    const bool bodiless = req.method == Method::kHead || IsBodiless(res.status);
    const int64_t content_length =
        send_file ? res.file->length : static_cast<int64_t>(res.body.size());
    FormatResponseHead(head, res, version, content_length, close);
    beast::error_code wec;
    if (send_file) {
      wec = co_await WriteAll(socket, {iovec{head.data(), head.size()}, iovec{}}, !bodiless,
                              options.write_timeout);
      if (!wec && !bodiless) {
        wec = co_await SendFile(socket, file_fd, res.file->offset, res.file->length,
                                options.write_timeout);
      }
    } else {
      iovec body{res.body.data(), bodiless ? 0 : res.body.size()};
      wec = co_await WriteAll(socket, {iovec{head.data(), head.size()}, body}, false,
                              options.write_timeout);
    }
    if (own_fd) ::close(file_fd);
    state->busy.store(false);
    if (wec || close) break;
  }

  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    sessions.erase(id);
  }
  socket.close(ignored);
  connections.fetch_sub(1);
}
#pragma GCC diagnostic pop

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  log::Info("shutdown: draining connections");
  asio::post(*iocs[0], [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    // The other contexts may now run dry and return once their connections are gone.
    for (auto& g : guards) g.reset();
  });
  // Idle connections are waiting on a read that would never end the drain: close them. Busy
  // ones finish their request and then close because `stopping` is set.
  std::lock_guard<std::mutex> lock(sessions_mu);
  for (auto& [id, s] : sessions) {
    if (s->busy.load()) continue;
    asio::post(s->executor, [this, id] {
      std::lock_guard<std::mutex> inner(sessions_mu);
      auto it = sessions.find(id);
      if (it == sessions.end() || it->second->busy.load()) return;
      beast::error_code ignored;
      it->second->socket->cancel(ignored);
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
  for (size_t i = 1; i < s.iocs.size(); ++i) s.guards.push_back(asio::make_work_guard(*s.iocs[i]));
  asio::signal_set signals(*s.iocs[0]);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&s](const beast::error_code& ec, int) {
      if (!ec) s.BeginStop();
    });
  }
  asio::co_spawn(*s.iocs[0], s.Accept(), asio::detached);
  for (size_t i = 0; i < s.iocs.size(); ++i) {
    asio::co_spawn(*s.iocs[i], s.SweepDeadlines(i), asio::detached);
  }

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
        if (!done.load()) s.StopContexts();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  std::vector<std::thread> threads;
  for (size_t i = 1; i < s.iocs.size(); ++i) threads.emplace_back([&s, i] { s.iocs[i]->run(); });
  s.iocs[0]->run();
  for (auto& t : threads) t.join();
  done.store(true);
  watchdog.join();
  log::Info("shutdown: complete");
}

}  // namespace sonora::http
