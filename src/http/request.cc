#include "http/request.h"

#include "core/country.h"
#include "core/strings.h"

namespace sonora::http {

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

Method ParseMethod(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "HEAD") return Method::kHead;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "PATCH") return Method::kPatch;
  if (name == "DELETE") return Method::kDelete;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string_view> Request::QueryParam(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [k, v] : path_params)
    if (k == name) return v;
  return {};
}

Status Request::ParseTarget(std::string_view raw) {
  size_t q = raw.find('?');
  std::string_view raw_path = raw.substr(0, q);
  if (raw_path.find('%') == std::string_view::npos) {
    path.assign(raw_path);  // nothing to decode: the common case (signed media paths)
  } else {
    auto decoded = PercentDecode(raw_path, false);
    if (!decoded) return Status::InvalidArgument("path", "malformed path");
    path = std::move(*decoded);
  }
  if (!IsValidUtf8(path)) return Status::InvalidArgument("path", "malformed path");
  query.clear();
  if (q == std::string_view::npos) return Status();
  for (const std::string& pair : Split(raw.substr(q + 1), '&', true)) {
    size_t eq = pair.find('=');
    auto key = PercentDecode(std::string_view(pair).substr(0, eq), true);
    auto value = eq == std::string::npos
                     ? std::optional<std::string>("")
                     : PercentDecode(std::string_view(pair).substr(eq + 1), true);
    if (!key || !value || !IsValidUtf8(*key) || !IsValidUtf8(*value))
      return Status::InvalidArgument("query", "malformed query string");
    query.emplace_back(std::move(*key), std::move(*value));
  }
  return Status();
}

Result<std::optional<int64_t>> QueryInt(const Request& req, std::string_view name, int64_t min,
                                        int64_t max) {
  auto raw = req.QueryParam(name);
  if (!raw) return std::optional<int64_t>();
  auto v = ParseInt(*raw);
  if (!v || *v < min || *v > max) {
    return Status::InvalidArgument(std::string(name),
                                   "'" + std::string(name) + "' must be an integer from " +
                                       std::to_string(min) + " to " + std::to_string(max));
  }
  return std::optional<int64_t>(*v);
}

Result<Page> ParsePage(const Request& req, int64_t max_limit) {
  Page page;
  SONORA_ASSIGN_OR_RETURN(auto limit, QueryInt(req, "limit", 1, max_limit));
  SONORA_ASSIGN_OR_RETURN(auto offset, QueryInt(req, "offset", 0, 1'000'000'000));
  if (limit) page.limit = *limit;
  if (offset) page.offset = *offset;
  return page;
}

Result<std::string> ParseMarket(const Request& req) {
  auto m = req.QueryParam("market");
  if (!m || *m == "from_token") return req.user().country;
  std::string upper = ToUpper(*m);
  if (!IsCountryCode(upper)) {
    return Status::InvalidArgument("market", "'market' must be an ISO 3166-1 alpha-2 code");
  }
  return upper;
}

Status RequireKnownParams(const Request& req, const std::vector<std::string>& allowed) {
  for (const auto& [k, v] : req.query) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == k;
    if (!known) return Status::InvalidArgument(k, "unknown query parameter '" + k + "'");
  }
  return Status();
}

}  // namespace sonora::http
