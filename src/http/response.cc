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

bool SameFieldName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool IsFieldSafe(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

SharedHeaders::SharedHeaders(HeaderList fields) : fields_(std::move(fields)) {
  for (const auto& [k, v] : fields_) {
    if (!IsFieldSafe(k) || !IsFieldSafe(v)) continue;
    wire_.append(k).append(": ").append(v).append("\r\n");
  }
}

bool SharedHeaders::Has(std::string_view name) const {
  for (const auto& field : fields_)
    if (SameFieldName(field.first, name)) return true;
  return false;
}

void Response::SetHeader(std::string_view name, std::string value) {
  for (auto& [k, v] : headers) {
    if (SameFieldName(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::string_view Response::GetHeader(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (SameFieldName(k, name)) return v;
  if (shared_headers) {
    for (const auto& [k, v] : shared_headers->fields())
      if (SameFieldName(k, name)) return v;
  }
  return {};
}

}  // namespace sonora::http
