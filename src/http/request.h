// Request: what a handler sees. Built by http/server from the wire (or by tests directly), then
// completed by the router (path parameters, the authenticated principal).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace sonora::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view MethodName(Method m);
Method ParseMethod(std::string_view name);

// The caller, once the bearer token checked out.
struct Principal {
  std::string user_id;
  std::string session_id;
  std::string username;
  std::string country;            // ISO 3166-1 alpha-2
  std::string subscription_tier;  // "free", "premium", "family", "hifi"
  bool is_admin = false;
};

// The rate-limit bucket a request was charged to, for the RateLimit-Policy and RateLimit
// fields of its response (SECURITY.md §4).
struct RateLimitCharge {
  std::string_view policy;  // "api" or "auth"; empty when the route is not limited
  double quota = 0;         // the bucket's size
  double per_second = 0;    // its refill rate
  double remaining = 0;     // tokens left after this request (below 1 when refused)
};

struct Request {
  Method method = Method::kGet;
  std::string path;                                          // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;

  // Filled by the router.
  std::vector<std::pair<std::string, std::string>> path_params;
  std::optional<Principal> principal;
  RateLimitCharge rate_limit;

  // Header by lower-case name; the first one wins.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  std::string_view PathParam(std::string_view name) const;
  // The principal; only call on routes whose policy requires authentication.
  const Principal& user() const { return *principal; }

  // Splits the request target (as received, still encoded) into path and query, decoding
  // both. kInvalidArgument on bad escapes or invalid UTF-8 in either part.
  Status ParseTarget(std::string_view raw_target);
};

// Query helpers shared by every route: typed reads that name the parameter on failure.
// `limit`/`offset` per PRODUCT.md §2: limit default 20, 1..50; offset >= 0.
struct Page {
  int64_t limit = 20;
  int64_t offset = 0;
};
inline constexpr int64_t kDefaultPageLimit = 20;
inline constexpr int64_t kMaxPageLimit = 50;
Result<Page> ParsePage(const Request& req, int64_t max_limit = kMaxPageLimit);
// An optional integer query parameter within [min, max].
Result<std::optional<int64_t>> QueryInt(const Request& req, std::string_view name, int64_t min,
                                        int64_t max);

// The market (ISO 3166-1 alpha-2, upper-cased) a catalog read is judged in: `?market=XX`,
// `?market=from_token`, or by default the caller's country. kInvalidArgument ("market") for a
// code that isn't a country. Requires an authenticated request.
Result<std::string> ParseMarket(const Request& req);

// Rejects any query parameter not in `allowed` (SECURITY.md: never auto-filter by unknown
// parameters). kInvalidArgument naming the first unknown one. The router applies it to every
// route with the route's own RouteOptions::query.
Status RequireKnownParams(const Request& req, const std::vector<std::string>& allowed);

}  // namespace sonora::http
