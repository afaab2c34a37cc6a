#include "client/http_transport.h"

#include <charconv>

namespace sonora::client {

Result<ServerAddress> ParseServerUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return Status::InvalidArgument("server", "--server must look like http://host:port");
  }
  url.remove_prefix(kScheme.size());
  if (url.ends_with('/')) url.remove_suffix(1);
  if (url.empty() || url.find('/') != std::string_view::npos) {
    return Status::InvalidArgument("server", "--server must look like http://host:port");
  }
  ServerAddress a;
  const size_t colon = url.rfind(':');
  if (colon == std::string_view::npos) {
    a.host = std::string(url);
    return a;
  }
  a.host = std::string(url.substr(0, colon));
  std::string_view port = url.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
  if (a.host.empty() || ec != std::errc() || ptr != port.data() + port.size() || a.port <= 0 ||
      a.port > 65535) {
    return Status::InvalidArgument("server", "--server has a bad host or port");
  }
  return a;
}

}  // namespace sonora::client
