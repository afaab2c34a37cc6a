// The project's documented throttling proxy (issue 4 allows one instead of `tc netem`): a TCP
// proxy on 127.0.0.1:0 that forwards every connection to a target port and limits the
// server -> client direction with a token bucket shared by all connections, like one shaped
// link. The client -> server direction is forwarded as fast as it comes. The rate can be changed
// while connections are open. Runs its own Asio thread; stops on destruction.
//
//   ThrottleProxy proxy(server->port(), 2'000'000 / 8);  // 2 Mbit/s
//   ... point the client at proxy.port() ...
//   proxy.SetBytesPerSecond(400'000 / 8);                 // now 400 kbit/s
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace sonora::testing {

class ThrottleProxy {
 public:
  // Listens on 127.0.0.1:0 and forwards to 127.0.0.1:`target_port`. `bytes_per_second` <= 0
  // means unlimited.
  ThrottleProxy(int target_port, int64_t bytes_per_second);
  ~ThrottleProxy();
  ThrottleProxy(const ThrottleProxy&) = delete;
  ThrottleProxy& operator=(const ThrottleProxy&) = delete;

  int port() const;
  // Thread-safe; applies to the next bytes forwarded.
  void SetBytesPerSecond(int64_t bytes_per_second);
  // Server -> client bytes forwarded so far. Thread-safe.
  int64_t bytes_forwarded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sonora::testing
