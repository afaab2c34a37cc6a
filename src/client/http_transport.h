// The player's view of HTTP: one synchronous request at a time on a kept-alive connection. The
// Beast implementation lives in client/internal/; tests may substitute their own.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace sonora::client {

struct HttpReply {
  int status = 0;
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends `method target` with `headers` (and a JSON `body` when non-empty) and reads the whole
  // response. Any HTTP status is a success here; errors are transport failures only:
  // kUnavailable (cannot connect, connection reset), kDeadlineExceeded (a read or write timed
  // out), kResourceExhausted (a response body over the client's limit). Not thread-safe.
  virtual Result<HttpReply> Send(std::string_view method, std::string_view target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 std::string body) = 0;
};

}  // namespace sonora::client

namespace sonora::client {

struct ServerAddress {
  std::string host;
  int port = 80;
};

// "http://host[:port][/]" -> host and port (80 by default). kInvalidArgument ("server") for
// anything else: https (not supported by this client), a path, a bad port.
Result<ServerAddress> ParseServerUrl(std::string_view url);

// The production transport (client/internal/beast_http_client.h): one kept-alive connection to
// `server`, `timeout` per connect, read and write.
std::unique_ptr<HttpTransport> NewHttpClient(
    const ServerAddress& server, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace sonora::client
