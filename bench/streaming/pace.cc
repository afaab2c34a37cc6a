// pace: N simulated players streaming chunks at playback pace over keep-alive HTTP/1.1, run by
// bench/streaming/streams. Each client behaves like `sonora play`: it connects, fetches
// --preload chunks back to back, starts a playback clock that runs in real time (× --speed),
// and fetches the next chunk whenever less than --buffer seconds are buffered ahead of the
// clock. A STALL is the clock reaching the end of the buffered audio; the clock waits there
// until the chunk arrives. The clients start evenly spread over --ramp seconds and the run ends
// --duration seconds after the last one started.
//
// URL file: one play per line, its chunk paths in playback order separated by spaces, each
// optionally followed by `#MS`, the chunk's duration in milliseconds (10,000 when absent):
//   /s/TOKEN/TRACK/160/chunk_0.ogg#10000 /s/TOKEN/TRACK/160/chunk_1.ogg#10000 ...
// Client i starts at line i mod L and plays on through the following lines (wrapping), gaplessly:
// the buffer runs on from one track into the next.
//
// One process runs every client on one thread (Boost.Asio, one coroutine per client). A process
// may hold only RLIMIT_NOFILE descriptors (the hard limit cannot be raised here), so larger runs
// fork --workers processes (by default the fewest whose descriptors hold every client) and merge
// their figures. The clients spread over source addresses 127.0.0.1, 127.0.0.2, ... (one per 100
// clients, at most 250): connect() looks for a free ephemeral port by walking the ports already
// in use from that source to that server, which at 20,000 connections from one address cost
// more CPU than all the streaming did; spread out, each walk is short, and the loopback's
// ~28,000 ephemeral ports per source address never run out.
//
// Bodies are counted, not kept: they are dropped in the kernel (recv with MSG_TRUNC).
// A run is HELD when every client started playing, none stalled and no request failed
// (connect error, non-2xx, reset or malformed response, --timeout); failed requests are retried
// on a new connection after 1 s (÷ --speed).
//
// Prints a text report, or with --json one JSON object (the driver's input).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// ---- options ---------------------------------------------------------------------------------

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string urls;
  int clients = 100;
  double ramp_s = 10;
  double duration_s = 60;
  double speed = 1;
  double buffer_s = 30;
  int preload = 3;
  int workers = 0;       // 0: the fewest processes whose descriptor limits hold every client
  int source_ips = 0;    // 0: one per 100 clients, at most 250
  double timeout_s = 60;  // one request, connect included; then the connection is dropped
  bool json = false;
  bool verbose = false;
};

void Usage() {
  std::fprintf(stderr,
               "usage: pace --port P --urls FILE [--clients N] [--ramp S] [--duration S]\n"
               "            [--speed K] [--buffer S] [--preload C] [--workers W]\n"
               "            [--source-ips K] [--timeout S] [--host IPV4] [--json] [--verbose]\n");
}

bool ParseOptions(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--json" || k == "--verbose") {
      (k == "--json" ? o.json : o.verbose) = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const char* v = argv[++i];
    char* end = nullptr;
    const double d = std::strtod(v, &end);
    const bool number = end != v && *end == '\0';
    if (k == "--host") {
      o.host = v;
    } else if (k == "--urls") {
      o.urls = v;
    } else if (!number) {
      return false;
    } else if (k == "--port") {
      o.port = static_cast<int>(d);
    } else if (k == "--clients") {
      o.clients = static_cast<int>(d);
    } else if (k == "--ramp") {
      o.ramp_s = d;
    } else if (k == "--duration") {
      o.duration_s = d;
    } else if (k == "--speed") {
      o.speed = d;
    } else if (k == "--buffer") {
      o.buffer_s = d;
    } else if (k == "--preload") {
      o.preload = static_cast<int>(d);
    } else if (k == "--workers") {
      o.workers = static_cast<int>(d);
    } else if (k == "--source-ips") {
      o.source_ips = static_cast<int>(d);
    } else if (k == "--timeout") {
      o.timeout_s = d;
    } else {
      return false;
    }
  }
  return o.port > 0 && o.port < 65536 && !o.urls.empty() && o.clients > 0 && o.ramp_s >= 0 &&
         o.duration_s > 0 && o.speed > 0 && o.buffer_s > 0 && o.preload >= 1 && o.workers >= 0 &&
         o.source_ips >= 0 && o.source_ips <= 250 && o.timeout_s > 0;
}

// ---- plays -----------------------------------------------------------------------------------

struct Chunk {
  std::string request;  // the whole GET, ready to write
  int64_t ms = 10000;
};
using Play = std::vector<Chunk>;

bool LoadPlays(const Options& o, std::vector<Play>& plays, std::string& error) {
  std::ifstream in(o.urls);
  if (!in) {
    error = "cannot read " + o.urls;
    return false;
  }
  const std::string host_line = "Host: " + o.host + ":" + std::to_string(o.port) + "\r\n";
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream words(line);
    std::string word;
    Play play;
    while (words >> word) {
      Chunk c;
      const size_t hash = word.find('#');
      if (hash != std::string::npos) {
        c.ms = std::atoll(word.c_str() + hash + 1);
        word.resize(hash);
      }
      if (word.empty() || word[0] != '/' || c.ms <= 0) {
        error = o.urls + ":" + std::to_string(line_no) + ": expected /PATH[#MS], got " + word;
        return false;
      }
      c.request = "GET " + word + " HTTP/1.1\r\n" + host_line + "\r\n";
      play.push_back(std::move(c));
    }
    if (!play.empty()) plays.push_back(std::move(play));
  }
  if (plays.empty()) {
    error = o.urls + ": no plays";
    return false;
  }
  return true;
}

// ---- figures ---------------------------------------------------------------------------------

// Log-scale histogram of microseconds, 1% wide buckets: percentiles within 1%.
class Histogram {
 public:
  static constexpr int kBuckets = 2400;  // e^(2400/100) us: far beyond any run
  void Add(int64_t us) {
    const int i = static_cast<int>(std::log(static_cast<double>(std::max<int64_t>(us, 1))) * 100);
    ++counts_[static_cast<size_t>(std::clamp(i, 0, kBuckets - 1))];
    ++total_;
    max_us_ = std::max(max_us_, us);
  }
  // Value (ms) at quantile q (0..1); 0 for an empty histogram.
  double Ms(double q) const {
    if (total_ == 0) return 0;
    const auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_)));
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[static_cast<size_t>(i)];
      if (seen >= std::max<uint64_t>(rank, 1)) {
        // The bucket's upper edge, never above the largest value seen.
        return std::min(std::exp((i + 1) / 100.0), static_cast<double>(max_us_)) / 1000.0;
      }
    }
    return static_cast<double>(max_us_) / 1000.0;
  }
  uint64_t total() const { return total_; }
  double max_ms() const { return static_cast<double>(max_us_) / 1000.0; }

  void Write(std::string& out) const {
    out += std::to_string(total_) + " " + std::to_string(max_us_);
    for (int i = 0; i < kBuckets; ++i) {
      if (counts_[static_cast<size_t>(i)]) {
        out += " " + std::to_string(i) + ":" + std::to_string(counts_[static_cast<size_t>(i)]);
      }
    }
    out += "\n";
  }
  void Merge(std::istream& in) {
    std::string line;
    std::getline(in, line);
    std::istringstream words(line);
    uint64_t total = 0;
    int64_t max_us = 0;
    words >> total >> max_us;
    total_ += total;
    max_us_ = std::max(max_us_, max_us);
    std::string cell;
    while (words >> cell) {
      const size_t colon = cell.find(':');
      const int i = std::atoi(cell.c_str());
      if (colon != std::string::npos && i >= 0 && i < kBuckets) {
        counts_[static_cast<size_t>(i)] += std::strtoull(cell.c_str() + colon + 1, nullptr, 10);
      }
    }
  }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  int64_t max_us_ = 0;
};

// Everything one process measured; merged field by field.
enum Counter : size_t {
  kClients,
  kStarted,         // finished the preload: the playback clock runs
  kConnectedAtEnd,
  kRequests,        // chunk responses, 2xx, whole body read
  kSteadyRequests,  // of those, finished after the ramp
  kBytes,
  kSteadyBytes,
  kStalls,
  kStalledClients,
  kStallMicros,
  kConnects,
  kConnectErrors,
  kStatusErrors,    // non-2xx
  kIoErrors,        // reset, EOF mid-response, malformed response
  kTimeouts,
  kCounterCount,
};

struct Figures {
  std::array<uint64_t, kCounterCount> n{};
  Histogram ttfc;            // client start (connect included) to the first chunk's last byte
  Histogram latency;         // request written (or connect begun) to last byte read
  Histogram steady_latency;  // the same, requests started after the ramp

  uint64_t& operator[](Counter c) { return n[c]; }
  uint64_t errors() const {
    return n[kConnectErrors] + n[kStatusErrors] + n[kIoErrors] + n[kTimeouts];
  }
  std::string Serialize() const {
    std::string out;
    for (size_t i = 0; i < n.size(); ++i) out += std::to_string(n[i]) + (i + 1 < n.size() ? " " : "\n");
    ttfc.Write(out);
    latency.Write(out);
    steady_latency.Write(out);
    return out;
  }
  void Merge(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    std::istringstream words(line);
    for (uint64_t& v : n) {
      uint64_t x = 0;
      words >> x;
      v += x;
    }
    ttfc.Merge(in);
    latency.Merge(in);
    steady_latency.Merge(in);
  }
};

// ---- one process: its share of the clients ---------------------------------------------------

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
}

struct Player {
  int index = 0;             // global client number
  size_t play = 0, chunk = 0;  // the next chunk to fetch
  bool playing = false;
  bool stalled_ever = false;
  bool connected = false;
  int64_t origin_us = 0;     // playback position (ms) = (now - origin_us) * speed / 1000
  int64_t buffered_ms = 0;   // audio buffered since the clock started (its end)
};

class Worker {
 public:
  Worker(const Options& o, const std::vector<Play>& plays, int first, int last)
      : o_(o), plays_(plays) {
    players_.resize(static_cast<size_t>(last - first));
    for (int i = first; i < last; ++i) {
      Player& p = players_[static_cast<size_t>(i - first)];
      p.index = i;
      p.play = static_cast<size_t>(i) % plays.size();
    }
    source_ips_ = o.source_ips > 0 ? o.source_ips : std::min(250, 1 + (o.clients - 1) / 100);
    scratch_.resize(1 << 20);
  }

  Figures Run(Clock::time_point t0) {
    t0_ = t0;
    ramp_end_us_ = static_cast<int64_t>(o_.ramp_s * 1e6);
    end_us_ = ramp_end_us_ + static_cast<int64_t>(o_.duration_s * 1e6);
    f_[kClients] = players_.size();
    for (Player& p : players_) asio::co_spawn(io_, Client(p), asio::detached);
    asio::co_spawn(io_, Finish(), asio::detached);
    io_.run();
    return f_;
  }

 private:
  int64_t Now() const { return MicrosSince(t0_); }
  // --verbose: the first errors of each process, to stderr, with the time they happened.
  void Note(const char* what, const boost::system::error_code& ec, int status = 0) {
    if (!o_.verbose || notes_ >= 20) return;
    ++notes_;
    std::fprintf(stderr, "pace: %.3f s %s: %s%s\n", static_cast<double>(Now()) / 1e6, what,
                 ec ? ec.message().c_str() : "HTTP ",
                 ec ? "" : std::to_string(status).c_str());
  }
  double PositionMs(const Player& p, int64_t now) const {
    return static_cast<double>(now - p.origin_us) * o_.speed / 1000.0;
  }

  // The run's end: a clock already past its buffer (waiting on a chunk) counts as a stall.
  awaitable<void> Finish() {
    asio::steady_timer t(io_, t0_ + std::chrono::microseconds(end_us_));
    co_await t.async_wait(kTuple);
    const int64_t now = Now();
    for (Player& p : players_) {
      if (p.connected) ++f_[kConnectedAtEnd];
      if (!p.playing) continue;
      const double over = PositionMs(p, now) - static_cast<double>(p.buffered_ms);
      if (over > 0) {
        ++f_[kStalls];
        f_[kStallMicros] += static_cast<uint64_t>(over * 1000.0 / o_.speed);
        if (!p.stalled_ever) ++f_[kStalledClients];
      }
    }
    io_.stop();
  }

  awaitable<bool> Connect(tcp::socket& s, const Player& p) {
    ++f_[kConnects];
    boost::system::error_code ec;
    s.open(tcp::v4(), ec);
    if (!ec && source_ips_ > 1) {
      // Port chosen at connect(), per 4-tuple: each source address adds a full port range.
      const int yes = 1;
      ::setsockopt(s.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &yes, sizeof yes);
      const auto ip =
          asio::ip::address_v4(0x7f000001u + static_cast<uint32_t>(p.index % source_ips_));
      s.bind(tcp::endpoint(ip, 0), ec);
    }
    if (!ec) {
      s.set_option(tcp::no_delay(true), ec);
      auto [cec] = co_await s.async_connect(endpoint_, kTuple);
      ec = cec;
    }
    if (ec) {
      ++f_[kConnectErrors];
      Note("connect", ec);
      s.close(ec);
      co_return false;
    }
    co_return true;
  }

  // One GET on an open connection. Returns the body size, or -1 (status or I/O error: the
  // connection is closed). `keep` is cleared when the server asked to close.
  awaitable<int64_t> Fetch(tcp::socket& s, const Chunk& c, std::vector<char>& head, bool& keep) {
    boost::system::error_code ec;
    auto [wec, written] = co_await asio::async_write(s, asio::buffer(c.request), kTuple);
    if (wec) {
      ++f_[kIoErrors];
      Note("write", wec);
      s.close(ec);
      co_return -1;
    }
    // Headers: read until the blank line; whatever follows it is body.
    size_t have = 0;
    size_t end = std::string_view::npos;
    while (end == std::string_view::npos) {
      if (have == head.size()) {
        ++f_[kIoErrors];  // headers larger than the buffer: not a response we expect
        Note("headers over 2 KiB", ec);
        s.close(ec);
        co_return -1;
      }
      auto [rec, n] = co_await s.async_read_some(asio::buffer(head.data() + have, head.size() - have),
                                                 kTuple);
      if (rec) {
        ++f_[kIoErrors];
        Note(have == 0 ? "read (no response yet)" : "read headers", rec);
        s.close(ec);
        co_return -1;
      }
      const size_t from = have >= 3 ? have - 3 : 0;
      have += n;
      const size_t at = std::string_view(head.data() + from, have - from).find("\r\n\r\n");
      if (at != std::string_view::npos) end = from + at + 4;
    }
    const std::string_view h(head.data(), end);
    int status = 0;
    if (h.size() > 12 && h.starts_with("HTTP/1.1 ")) status = std::atoi(h.data() + 9);
    int64_t length = -1;
    keep = true;
    size_t pos = 0;
    while ((pos = h.find("\r\n", pos)) != std::string_view::npos && pos + 2 < h.size()) {
      pos += 2;
      const std::string_view line = h.substr(pos, h.find("\r\n", pos) - pos);
      auto named = [&](std::string_view name) {
        return line.size() > name.size() &&
               std::equal(name.begin(), name.end(), line.begin(),
                          [](char a, char b) { return a == (b | 0x20); });
      };
      if (named("content-length:")) {
        length = std::atoll(line.data() + 15);
      } else if (named("connection:")) {
        keep = line.find("close") == std::string_view::npos;
      } else if (named("transfer-encoding:")) {
        length = -2;  // chunked bodies are not something a chunk server sends here
      }
    }
    if (length < 0) {
      ++f_[kIoErrors];
      Note("no Content-Length", ec, status);
      s.close(ec);
      co_return -1;
    }
    int64_t remaining = length - static_cast<int64_t>(have - end);
    while (remaining > 0) {
      // MSG_TRUNC on a TCP socket drops the bytes in the kernel instead of copying them out: the
      // player's download without the copy (scratch_ is never written).
      const size_t want = static_cast<size_t>(std::min<int64_t>(remaining, 1 << 20));
      auto [rec, n] = co_await s.async_receive(asio::buffer(scratch_.data(), want), MSG_TRUNC,
                                               kTuple);
      if (rec) {
        ++f_[kIoErrors];
        Note("read body", rec);
        s.close(ec);
        co_return -1;
      }
      remaining -= static_cast<int64_t>(n);
    }
    if (remaining < 0) {  // bytes past the body: a broken response
      ++f_[kIoErrors];
      Note("bytes past the body", ec, status);
      s.close(ec);
      co_return -1;
    }
    if (status < 200 || status > 299) {
      ++f_[kStatusErrors];
      Note("status", ec, status);
      s.close(ec);
      co_return -1;
    }
    if (!keep) s.close(ec);
    co_return length;
  }

  awaitable<void> Sleep(asio::steady_timer& t, int64_t until_us) {
    t.expires_at(t0_ + std::chrono::microseconds(until_us));
    co_await t.async_wait(kTuple);
  }

  // Closes the socket when request `gen` runs past --timeout. A later request re-arms the
  // timer; a wait that completes after that (cancelled or not) finds another generation.
  awaitable<void> Watchdog(tcp::socket& s, asio::steady_timer& t, const uint64_t& current,
                           uint64_t gen, bool& fired) {
    co_await t.async_wait(kTuple);
    if (current == gen && Clock::now() >= t.expiry()) {
      fired = true;
      boost::system::error_code ignored;
      s.close(ignored);
    }
  }

  awaitable<void> Client(Player& p) {
    const auto ex = co_await asio::this_coro::executor;
    asio::steady_timer sleep(ex);
    asio::steady_timer watchdog(ex);
    tcp::socket s(ex);
    std::vector<char> head(2048);
    uint64_t gen = 0;
    bool fired = false;
    const auto start_us = static_cast<int64_t>(o_.ramp_s * 1e6 * p.index / o_.clients);
    const auto retry_us = static_cast<int64_t>(std::max(50000.0, 1e6 / o_.speed));
    co_await Sleep(sleep, start_us);
    int preloaded = 0;
    while (Now() < end_us_) {
      if (p.playing) {
        // Playing: fetch once less than --buffer is buffered ahead of the clock.
        const int64_t due = p.origin_us + static_cast<int64_t>(
            (static_cast<double>(p.buffered_ms) - o_.buffer_s * 1000.0) * 1000.0 / o_.speed);
        if (due > Now()) co_await Sleep(sleep, due);
        if (Now() >= end_us_) break;
      }  // else preloading: fetch back to back
      const Chunk& c = plays_[p.play][p.chunk];
      const int64_t t_req = Now();
      ++gen;
      fired = false;
      watchdog.expires_at(t0_ + std::chrono::microseconds(
                                    t_req + static_cast<int64_t>(o_.timeout_s * 1e6)));
      asio::co_spawn(ex, Watchdog(s, watchdog, gen, gen, fired), asio::detached);
      bool connected = p.connected;
      if (!connected) connected = co_await Connect(s, p);
      int64_t body = -1;
      bool keep = true;
      if (connected) body = co_await Fetch(s, c, head, keep);
      ++gen;  // disarms this request's watchdog
      watchdog.cancel();
      if (fired && body < 0) {
        // The closed socket failed the read or connect too: count it once, as a timeout.
        --f_[connected ? kIoErrors : kConnectErrors];
        ++f_[kTimeouts];
      }
      if (fired) connected = false;  // the watchdog closed it, maybe just after the last byte
      p.connected = connected && body >= 0 && keep;
      if (body < 0) {
        boost::system::error_code ignored;
        s.close(ignored);
        co_await Sleep(sleep, Now() + retry_us);
        continue;  // the same chunk again, on a new connection
      }
      const int64_t now = Now();
      f_.latency.Add(now - t_req);
      ++f_[kRequests];
      f_[kBytes] += static_cast<uint64_t>(body);
      if (t_req >= ramp_end_us_) f_.steady_latency.Add(now - t_req);
      if (now >= ramp_end_us_) {
        ++f_[kSteadyRequests];
        f_[kSteadyBytes] += static_cast<uint64_t>(body);
      }
      if (preloaded == 0 && !p.playing) f_.ttfc.Add(now - start_us);
      if (p.playing) {
        const double over = PositionMs(p, now) - static_cast<double>(p.buffered_ms);
        if (over > 0) {  // the clock reached the end of the buffer and waited there
          const auto waited = static_cast<int64_t>(over * 1000.0 / o_.speed);
          p.origin_us += waited;
          ++f_[kStalls];
          f_[kStallMicros] += static_cast<uint64_t>(waited);
          if (!p.stalled_ever) ++f_[kStalledClients];
          p.stalled_ever = true;
        }
      }
      p.buffered_ms += c.ms;
      if (++p.chunk == plays_[p.play].size()) {
        p.chunk = 0;
        p.play = (p.play + 1) % plays_.size();
      }
      if (!p.playing && ++preloaded == o_.preload) {
        p.playing = true;
        p.origin_us = now;
        ++f_[kStarted];
      }
    }
  }

 public:
  void SetEndpoint(const tcp::endpoint& e) { endpoint_ = e; }

 private:
  const Options& o_;
  const std::vector<Play>& plays_;
  asio::io_context io_{1};
  std::vector<Player> players_;
  tcp::endpoint endpoint_;
  int source_ips_ = 1;
  int notes_ = 0;
  std::vector<char> scratch_;  // the bodies' nominal destination; MSG_TRUNC never writes it
  Clock::time_point t0_;
  int64_t ramp_end_us_ = 0, end_us_ = 0;
  Figures f_;
};

// ---- the report ------------------------------------------------------------------------------

void Report(const Options& o, int workers, Figures& f) {
  auto u = [&](Counter c) { return static_cast<unsigned long long>(f[c]); };
  const double rps = static_cast<double>(f[kSteadyRequests]) / o.duration_s;
  const double mbps = static_cast<double>(f[kSteadyBytes]) * 8 / o.duration_s / 1e6;
  const double stall_ms = static_cast<double>(f[kStallMicros]) / 1000.0;
  const auto errors = static_cast<unsigned long long>(f.errors());
  const bool held = f[kStarted] == f[kClients] && f[kStalls] == 0 && errors == 0;
  if (o.json) {
    std::printf(
        "{\"clients\":%llu,\"started\":%llu,\"connected_at_end\":%llu,\"speed\":%g,"
        "\"ramp_s\":%g,\"duration_s\":%g,\"buffer_s\":%g,\"preload\":%d,\"workers\":%d,"
        "\"stalls\":%llu,\"stalled_clients\":%llu,\"stall_ms\":%.1f,\"requests\":%llu,"
        "\"steady_requests_per_s\":%.1f,\"steady_mbit_per_s\":%.1f,\"bytes\":%llu,"
        "\"ttfc_p50_ms\":%.2f,\"ttfc_p99_ms\":%.2f,\"ttfc_max_ms\":%.2f,"
        "\"latency_p50_ms\":%.2f,\"latency_p99_ms\":%.2f,\"latency_max_ms\":%.2f,"
        "\"steady_latency_p50_ms\":%.2f,\"steady_latency_p99_ms\":%.2f,\"connects\":%llu,"
        "\"connect_errors\":%llu,\"status_errors\":%llu,\"io_errors\":%llu,\"timeouts\":%llu,"
        "\"errors\":%llu,\"held\":%s}\n",
        u(kClients), u(kStarted), u(kConnectedAtEnd), o.speed, o.ramp_s, o.duration_s,
        o.buffer_s, o.preload, workers, u(kStalls), u(kStalledClients), stall_ms, u(kRequests),
        rps, mbps, u(kBytes), f.ttfc.Ms(0.5), f.ttfc.Ms(0.99), f.ttfc.max_ms(),
        f.latency.Ms(0.5), f.latency.Ms(0.99), f.latency.max_ms(), f.steady_latency.Ms(0.5),
        f.steady_latency.Ms(0.99), u(kConnects), u(kConnectErrors), u(kStatusErrors),
        u(kIoErrors), u(kTimeouts), errors, held ? "true" : "false");
    return;
  }
  std::printf("clients %llu (started %llu, connected at end %llu), speed %gx, ramp %g s, "
              "steady %g s, %d process(es)\n",
              u(kClients), u(kStarted), u(kConnectedAtEnd), o.speed, o.ramp_s, o.duration_s,
              workers);
  std::printf("stalls %llu (%llu clients, %.1f ms in all)\n", u(kStalls), u(kStalledClients),
              stall_ms);
  std::printf("time to first chunk  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", f.ttfc.Ms(0.5),
              f.ttfc.Ms(0.99), f.ttfc.max_ms());
  std::printf("chunk latency        p50 %.2f ms  p99 %.2f ms  max %.2f ms (%llu requests)\n",
              f.latency.Ms(0.5), f.latency.Ms(0.99), f.latency.max_ms(), u(kRequests));
  std::printf("steady state         p50 %.2f ms  p99 %.2f ms, %.1f req/s, %.1f Mbit/s\n",
              f.steady_latency.Ms(0.5), f.steady_latency.Ms(0.99), rps, mbps);
  std::printf("errors %llu: connect %llu, non-2xx %llu, reset/malformed %llu, timeouts %llu "
              "(%llu connects)\n",
              errors, u(kConnectErrors), u(kStatusErrors), u(kIoErrors), u(kTimeouts),
              u(kConnects));
  std::printf("%s\n", held ? "HELD: every client started, zero stalls, zero errors" : "NOT HELD");
}

bool ReadAll(int fd, std::string& out) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseOptions(argc, argv, o)) {
    Usage();
    return 2;
  }
  std::vector<Play> plays;
  std::string error;
  if (!LoadPlays(o, plays, error)) {
    std::fprintf(stderr, "pace: %s\n", error.c_str());
    return 2;
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address_v4(o.host, ec);
  if (ec) {
    std::fprintf(stderr, "pace: --host must be an IPv4 address\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);

  // Descriptors: as many as the hard limit allows, then enough processes to hold every client.
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  const auto per_process = static_cast<int>(std::min<rlim_t>(lim.rlim_cur, 1 << 20)) - 64;
  const int needed = (o.clients + per_process - 1) / per_process;
  const int workers = o.workers > 0 ? o.workers : needed;
  if (workers < needed) {
    std::fprintf(stderr, "pace: %d clients need %d processes (RLIMIT_NOFILE %d each)\n",
                 o.clients, needed, per_process + 64);
    return 2;
  }

  const auto t0 = Clock::now() + std::chrono::milliseconds(100);  // every process starts together
  std::vector<pid_t> children;
  std::vector<int> pipes;
  for (int w = 0; w < workers; ++w) {
    int fds[2];
    if (::pipe(fds) != 0) {
      std::perror("pace: pipe");
      return 1;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("pace: fork");
      return 1;
    }
    if (pid == 0) {
      ::close(fds[0]);
      const int first = static_cast<int>(static_cast<int64_t>(o.clients) * w / workers);
      const int last = static_cast<int>(static_cast<int64_t>(o.clients) * (w + 1) / workers);
      auto worker = std::make_unique<Worker>(o, plays, first, last);
      worker->SetEndpoint(tcp::endpoint(address, static_cast<unsigned short>(o.port)));
      Figures f = worker->Run(t0);
      const bool ok = WriteAll(fds[1], f.Serialize());
      ::close(fds[1]);
      std::fflush(nullptr);
      ::_exit(ok ? 0 : 1);  // no teardown of tens of thousands of sockets and coroutines
    }
    ::close(fds[1]);
    children.push_back(pid);
    pipes.push_back(fds[0]);
  }
  Figures total;
  bool ok = true;
  for (size_t w = 0; w < children.size(); ++w) {
    std::string text;
    ok = ReadAll(pipes[w], text) && ok;
    ::close(pipes[w]);
    int status = 0;
    ::waitpid(children[w], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
      std::fprintf(stderr, "pace: worker %zu failed\n", w);
      ok = false;
      continue;
    }
    total.Merge(text);
  }
  if (!ok) return 1;
  Report(o, workers, total);
  return 0;
}
