#include "client/throttle_proxy.h"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>

namespace sonora::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct ThrottleProxy::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  int target_port = 0;
  std::atomic<int64_t> rate{0};
  std::atomic<int64_t> forwarded{0};
  // The token bucket, as the time the link is next free (touched only on the io thread).
  // Bytes may be sent up to kBurst ahead of it.
  Clock::time_point link_free_at = Clock::now();
  std::thread thread;

  static constexpr std::chrono::milliseconds kBurst{10};

  // Waits until `n` bytes may go out on the shaped link, and books them.
  asio::awaitable<void> Take(size_t n) {
    const int64_t r = rate.load();
    if (r <= 0) co_return;
    const auto now = Clock::now();
    link_free_at = std::max(link_free_at, now - kBurst);
    link_free_at += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(n) / static_cast<double>(r)));
    if (link_free_at - kBurst > now) {
      asio::steady_timer t(ioc, link_free_at - kBurst);
      boost::system::error_code ec;
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Copies from -> to until either side closes; `shaped` paces through the bucket.
  asio::awaitable<void> Pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to,
                             bool shaped) {
    std::array<char, 16384> buf;
    boost::system::error_code ec;
    for (;;) {
      size_t max = buf.size();
      if (shaped) {
        const int64_t r = rate.load();
        // About 10 ms of the link per write keeps the pacing smooth.
        if (r > 0) max = static_cast<size_t>(std::clamp<int64_t>(r / 100, 512, 16384));
      }
      const size_t n = co_await from->async_read_some(
          asio::buffer(buf.data(), max), asio::redirect_error(asio::use_awaitable, ec));
      if (ec || n == 0) break;
      if (shaped) co_await Take(n);
      co_await asio::async_write(*to, asio::buffer(buf.data(), n),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      if (shaped) forwarded += static_cast<int64_t>(n);
    }
    // One side is done: end both so the other pump wakes up.
    from->close(ec);
    to->close(ec);
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      auto client = std::make_shared<tcp::socket>(ioc);
      co_await acceptor.async_accept(*client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // closed: shutting down
      auto upstream = std::make_shared<tcp::socket>(ioc);
      co_await upstream->async_connect(
          tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(target_port)),
          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        client->close(ec);
        continue;
      }
      client->set_option(tcp::no_delay(true), ec);
      upstream->set_option(tcp::no_delay(true), ec);
      asio::co_spawn(ioc, Pump(client, upstream, false), asio::detached);
      asio::co_spawn(ioc, Pump(upstream, client, true), asio::detached);
    }
  }
};

ThrottleProxy::ThrottleProxy(int target_port, int64_t bytes_per_second)
    : impl_(std::make_unique<Impl>()) {
  impl_->target_port = target_port;
  impl_->rate = bytes_per_second;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->ioc, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

ThrottleProxy::~ThrottleProxy() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int ThrottleProxy::port() const { return impl_->acceptor.local_endpoint().port(); }

void ThrottleProxy::SetBytesPerSecond(int64_t bytes_per_second) { impl_->rate = bytes_per_second; }

int64_t ThrottleProxy::bytes_forwarded() const { return impl_->forwarded.load(); }

}  // namespace sonora::testing
