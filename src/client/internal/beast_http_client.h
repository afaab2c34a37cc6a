// HttpTransport over Boost.Beast (the only place the client includes Beast/Asio, STYLE.md 3.2):
// one kept-alive HTTP/1.1 connection to host:port, reopened when the server closes it, with a
// deadline on connect and on every read and write (rule 12). Beast types stay in the .cc.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "client/http_transport.h"

namespace sonora::client {

struct BeastHttpOptions {
  std::string host = "127.0.0.1";
  int port = 80;
  std::chrono::milliseconds timeout{10'000};  // per connect, write and read
  size_t body_limit = size_t{64} << 20;       // largest response body accepted
};

class BeastHttpClient final : public HttpTransport {
 public:
  explicit BeastHttpClient(BeastHttpOptions options);
  ~BeastHttpClient() override;
  BeastHttpClient(const BeastHttpClient&) = delete;
  BeastHttpClient& operator=(const BeastHttpClient&) = delete;

  Result<HttpReply> Send(std::string_view method, std::string_view target,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         std::string body) override;

  int connects() const { return connects_; }

 private:
  struct Impl;
  Status EnsureConnected();
  void Close();

  BeastHttpOptions options_;
  std::unique_ptr<Impl> impl_;
  int connects_ = 0;
};

}  // namespace sonora::client
