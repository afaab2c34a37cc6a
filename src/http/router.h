// Router: method + path pattern + action name -> handler, and the middleware every request
// passes through in Dispatch(): request id, CORS, authentication, rate limiting, the handler,
// errors to the wire, metrics and the access log.
//
// Patterns are literal segments and `{name}` captures of one segment:
//   router.Add(Method::kGet, "/api/v1/tracks/{id}", "tracks:get", {}, handler);
// Routes are registered at start-up, before Dispatch is called; Dispatch is thread-safe.
//
// A route may also offer an Attempt: the same answer computed from memory only, which the
// server runs on its I/O thread before handing the request to a worker (TryDispatch). The
// attempt declines when anything it needs is not in memory, and the request then goes to the
// worker's Dispatch exactly as it would have without one. Both paths pass the same middleware
// (request id, authentication, rate limit, errors, headers, metrics, access log), once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/string_map.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/request.h"
#include "http/response.h"

namespace sonora::http {

using Handler = std::function<Result<Response>(Request&)>;

// A handler's non-blocking twin: the handler's answer (a response or an error status) when it
// can be computed without waiting (no database, no disk reads outside the page cache, no
// locks held across I/O), nullopt to decline. A declined attempt must have done nothing the
// handler will do again (no writes, no counters), since the handler then runs in full.
using Attempt = std::function<std::optional<Result<Response>>(const Request&)>;

// Checks a bearer token. Implemented by auth/ (http must not depend on it).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The principal for `token`. kUnauthenticated when unknown, expired or revoked.
  virtual Result<Principal> Authenticate(std::string_view token) = 0;
  // Authenticate from memory only, never blocking: the principal or an error when the answer
  // is known without I/O, nullopt otherwise (then Authenticate decides). The default knows
  // nothing.
  virtual std::optional<Result<Principal>> TryAuthenticate(std::string_view) {
    return std::nullopt;
  }
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
  // The query parameters the route reads. Any other is a 400 naming it, before the handler
  // runs (SECURITY.md: unknown query parameters are rejected, never used to filter).
  std::vector<std::string> query = {};
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
  std::vector<std::string> query = {};
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
  // As Add, with a non-blocking attempt tried on the I/O thread first (TryDispatch). Only for
  // blocking routes: a non-blocking route runs in full on the I/O thread anyway.
  void Add(Method method, std::string_view pattern, std::string action, RouteOptions options,
           Handler handler, Attempt attempt);

  // Routes the request through the middleware; never throws, always returns a response (404
  // or 405 JSON errors when nothing matches; 500 if a handler throws).
  Response Dispatch(Request& request);

  // The route a request reaches, found once: the server matches to decide where the handler
  // runs, then hands the match to Dispatch so the table is not scanned twice.
  struct Match {
    int index = -1;            // into the route table; -1 when nothing matches
    bool runs_inline = false;  // the route was declared non-blocking
    bool has_attempt = false;  // the route offers an Attempt (try TryDispatch first)
    // What a declined TryDispatch already did, so Dispatch does not do it twice: when
    // `started`, the request id is assigned and the latency counts from `start_us`; when
    // `admitted`, the principal is set and the rate limit was charged.
    bool started = false;
    bool admitted = false;
    int64_t start_us = 0;
  };
  Match Find(Method method, std::string_view path) const;
  // As Dispatch(request), with `match` from Find(request.method, request.path), possibly
  // updated by a declined TryDispatch.
  Response Dispatch(Request& request, Match match);

  // Runs the matched route's Attempt through the middleware with authentication from memory
  // only (Authenticator::TryAuthenticate). Returns the finished response (counted and logged
  // as Dispatch would) when the attempt or the middleware answered; nullopt when the token is
  // not known in memory or the attempt declined, after recording in `match` what was done:
  // the caller then calls Dispatch(request, match), on a thread that may block. Never blocks;
  // never throws. nullopt at once when the route has no attempt.
  std::optional<Response> TryDispatch(Request& request, Match& match);

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
    Attempt attempt;  // empty when the route offers none
    ActionStats* stats;
  };

  enum class Admission { kAdmitted, kRefused, kUnknown };
  // Authentication, the admin check, the rate limit and the query parameters' names. kRefused fills
  // `refusal`; kUnknown only with `memory_only`, when the token is not known without I/O (nothing
  // was charged).
  Admission Admit(Request& request, const Route& route, bool memory_only,
                  std::optional<Response>* refusal);
  Response Run(Request& request, const Route* route, bool admitted);
  // Dispatch's body: `hint` is the matched route when the caller already knows it; `progress`
  // what a declined TryDispatch did (nullptr: nothing).
  Response DispatchMatched(Request& request, const Route* hint, const Match* progress);
  void Finish(const Request& request, Response& response, const std::string& action,
              ActionStats* stats, int64_t start_us);

  RouterOptions options_;
  Authenticator& authenticator_;
  RateLimiter& limiter_;
  Metrics& metrics_;
  const Clock& clock_;
  std::vector<Route> routes_;
  // Indices into routes_ (ascending) by segment count, then by first segment; routes whose
  // first segment is a capture (and the root) are under "". Find looks at these only.
  std::vector<StringMap<std::vector<int>>> index_;
  bool any_inline_ = false;
  ActionStats* unmatched_stats_;
  // Attempts that answered and that declined (exported as gauges).
  std::atomic<uint64_t> attempts_answered_{0};
  std::atomic<uint64_t> attempts_declined_{0};
};

}  // namespace sonora::http
