#include "http/response.h"

#include <strings.h>
#include <unistd.h>

namespace sonora::http {

OpenFile::~OpenFile() {
  if (fd_ >= 0) ::close(fd_);
}

Response Response::Json(int status, const sonora::Json& body) {
  Response r;
  r.status = status;
  r.body = DumpJson(body);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::Text(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

void Response::SetHeader(std::string_view name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::string_view Response::GetHeader(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  return {};
}

}  // namespace sonora::http
