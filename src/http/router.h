// Router: method + path pattern + action name -> handler, and the middleware every request
// passes through in Dispatch(): request id, CORS, authentication, rate limiting, the handler,
// errors to the wire, metrics and the access log.
//
// Patterns are literal segments and `{name}` captures of one segment:
//   router.Add(Method::kGet, "/api/v1/tracks/{id}", "tracks:get", {}, handler);
// Routes are registered at start-up, before Dispatch is called; Dispatch is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/request.h"
#include "http/response.h"

namespace sonora::http {

using Handler = std::function<Result<Response>(Request&)>;

// Checks a bearer token. Implemented by auth/ (http must not depend on it).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The principal for `token`. kUnauthenticated when unknown, expired or revoked.
  virtual Result<Principal> Authenticate(std::string_view token) = 0;
};

enum class AuthPolicy {
  kPublic,    // no token needed; a present, valid token still fills the principal
  kRequired,  // 401 without a valid token
  kAdmin,     // 401 without a valid token, 403 unless the user is an admin
};

enum class LimitClass {
  kApi,   // per token (or per IP when anonymous)
  kAuth,  // per IP: register, login, refresh
  kNone,  // health checks and metrics
};

struct RouteOptions {
  AuthPolicy auth = AuthPolicy::kRequired;
  LimitClass limit = LimitClass::kApi;
  // False for handlers that never wait (no database on their usual path, only memory and the
  // page cache): the server runs them on the I/O thread instead of handing them to a worker.
  bool blocking = true;
};

struct RouterOptions {
  BucketPolicy api_limit{.per_second = 50, .burst = 100};
  BucketPolicy auth_limit{.per_second = 0.5, .burst = 20};
  // Origins allowed by CORS; "*" allows any (bearer tokens are not ambient credentials).
  std::vector<std::string> cors_origins = {"*"};
  bool access_log = true;
};

struct RouteInfo {
  Method method;
  std::string pattern;
  std::string action;
  AuthPolicy auth;
};

// The route table as the Markdown of docs/api/routes.md (kept equal by a golden test).
std::string RoutesMarkdown(const std::vector<RouteInfo>& routes);

class Router {
 public:
  // `authenticator`, `limiter` and `metrics` must outlive the router.
  Router(RouterOptions options, Authenticator& authenticator, RateLimiter& limiter,
         Metrics& metrics, const Clock& clock);

  void Add(Method method, std::string_view pattern, std::string action, RouteOptions options,
           Handler handler);

  // Routes the request through the middleware; never throws, always returns a response (404
  // or 405 JSON errors when nothing matches; 500 if a handler throws).
  Response Dispatch(Request& request);

  // The route a request reaches, found once: the server matches to decide where the handler
  // runs, then hands the match to Dispatch so the table is not scanned twice.
  struct Match {
    int index = -1;            // into the route table; -1 when nothing matches
    bool runs_inline = false;  // the route was declared non-blocking
  };
  Match Find(Method method, std::string_view path) const;
  // As Dispatch(request), with `match` from Find(request.method, request.path).
  Response Dispatch(Request& request, Match match);

  std::vector<RouteInfo> Routes() const;

  // Whether the route `method` and `path` would reach was declared non-blocking. Cheap enough
  // to call before Dispatch; false when nothing matches.
  bool RunsInline(Method method, std::string_view path) const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for captures
    std::string action;
    RouteOptions options;
    Handler handler;
    ActionStats* stats;
  };

  Response Run(Request& request, const Route* route, bool* path_matched);
  // Dispatch's body: `hint` is the matched route when the caller already knows it.
  Response DispatchMatched(Request& request, const Route* hint);
  void Finish(const Request& request, Response& response, const std::string& action,
              ActionStats* stats, int64_t start_us);

  RouterOptions options_;
  Authenticator& authenticator_;
  RateLimiter& limiter_;
  Metrics& metrics_;
  const Clock& clock_;
  std::vector<Route> routes_;
  bool any_inline_ = false;
  ActionStats* unmatched_stats_;
};

}  // namespace sonora::http
