#include "http/router.h"

#include <array>
#include <chrono>
#include <cmath>
#include <exception>

#include "core/check.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/random.h"
#include "core/strings.h"
#include "http/errors.h"

namespace sonora::http {

namespace {

int64_t MonotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A path split at '/' without allocating. No route has kMax segments, so a longer path is
// marked `overflow` and fits nothing.
struct Segments {
  static constexpr size_t kMax = 16;
  std::array<std::string_view, kMax> items;
  size_t size = 0;
  bool overflow = false;
  std::string_view operator[](size_t i) const { return items[i]; }
};

Segments PathSegments(std::string_view path) {
  Segments out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (out.size == Segments::kMax) {
      out.overflow = true;
      return out;
    }
    out.items[out.size++] = path.substr(i, j - i);
    i = j;
  }
  return out;
}

// Whether a request's path segments fit a route's pattern ("{name}" captures one segment).
bool Fits(const std::vector<std::string>& pattern, const Segments& segments) {
  if (segments.overflow || pattern.size() != segments.size) return false;
  for (size_t i = 0; i < segments.size; ++i) {
    const std::string& p = pattern[i];
    const bool capture = p.size() > 2 && p.front() == '{' && p.back() == '}';
    if (capture ? segments[i].empty() : p != segments[i]) return false;
  }
  return true;
}

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The token bucket a request was charged to, as the fields of the IETF httpapi draft
// "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers-10):
//   RateLimit-Policy: "api";q=100;w=2   the bucket holds q requests and refills in w seconds
//   RateLimit: "api";r=37;t=1           r requests left now, full again in t seconds
void SetRateLimitFields(const RateLimitCharge& c, Response& response) {
  const auto whole = [](double v) { return std::to_string(static_cast<int64_t>(v)); };
  const std::string name = "\"" + std::string(c.policy) + "\"";
  response.SetHeader("RateLimit-Policy",
                     name + ";q=" + whole(std::floor(c.quota)) +
                         ";w=" + whole(std::max(1.0, std::ceil(c.quota / c.per_second))));
  const double left = std::max(0.0, c.remaining);
  response.SetHeader("RateLimit", name + ";r=" + whole(std::floor(left)) +
                                      ";t=" + whole(std::ceil((c.quota - left) / c.per_second)));
}

}  // namespace

Router::Router(RouterOptions options, Authenticator& authenticator, RateLimiter& limiter,
               Metrics& metrics, const Clock& clock)
    : options_(std::move(options)),
      authenticator_(authenticator),
      limiter_(limiter),
      metrics_(metrics),
      clock_(clock),
      unmatched_stats_(&metrics.ForAction("unmatched")) {
  metrics_.AddGauge("sonora_http_attempts_answered",
                    "Requests answered on the I/O thread by a route's non-blocking attempt.",
                    [this] { return static_cast<double>(attempts_answered_.load()); });
  metrics_.AddGauge("sonora_http_attempts_declined",
                    "Non-blocking attempts that declined and handed the request to a worker.",
                    [this] { return static_cast<double>(attempts_declined_.load()); });
}

void Router::Add(Method method, std::string_view pattern, std::string action, RouteOptions options,
                 Handler handler) {
  Route r;
  r.method = method;
  r.pattern = std::string(pattern);
  const Segments segments = PathSegments(pattern);
  SONORA_CHECK(!segments.overflow);
  for (size_t i = 0; i < segments.size; ++i) r.segments.emplace_back(segments[i]);
  r.stats = &metrics_.ForAction(action);
  r.action = std::move(action);
  r.options = std::move(options);
  any_inline_ = any_inline_ || !r.options.blocking;
  r.handler = std::move(handler);
  if (index_.size() <= segments.size) index_.resize(segments.size + 1);
  const bool capture_first = segments.size == 0 || segments[0].starts_with('{');
  index_[segments.size][std::string(capture_first ? std::string_view() : segments[0])].push_back(
      static_cast<int>(routes_.size()));
  routes_.push_back(std::move(r));
}

void Router::Add(Method method, std::string_view pattern, std::string action, RouteOptions options,
                 Handler handler, Attempt attempt) {
  SONORA_CHECK(options.blocking);  // a non-blocking route runs in full on the I/O thread
  Add(method, pattern, std::move(action), options, std::move(handler));
  routes_.back().attempt = std::move(attempt);
}

std::string RoutesMarkdown(const std::vector<RouteInfo>& routes) {
  std::string out =
      "# API routes\n\n"
      "Generated from the router's own table; `tests/app/routes_test.cc` fails when this file and\n"
      "the code disagree; `SONORA_UPDATE_GOLDEN=1 build/tests/app/app_tests` rewrites it.\n"
      "Auth: `public` needs no token, `user` a bearer token, `admin` an\n"
      "administrator's token. Query: the parameters the route reads; any other is a 400.\n\n"
      "| method | path | action | auth | query |\n|---|---|---|---|---|\n";
  for (const auto& r : routes) {
    const char* auth = r.auth == AuthPolicy::kPublic  ? "public"
                       : r.auth == AuthPolicy::kAdmin ? "admin"
                                                      : "user";
    std::string query;
    for (const auto& q : r.query) query += (query.empty() ? "`" : ", `") + q + "`";
    if (query.empty()) query = "none";
    out += "| " + std::string(MethodName(r.method)) + " | `" + r.pattern + "` | `" + r.action +
           "` | " + auth + " | " + query + " |\n";
  }
  return out;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) {
    out.push_back({r.method, r.pattern, r.action, r.options.auth, r.options.query});
  }
  return out;
}

Router::Match Router::Find(Method method, std::string_view path) const {
  const Segments segments = PathSegments(path);
  if (segments.overflow || segments.size >= index_.size()) return {};
  // The candidates: routes of this length whose first segment is this one or a capture, in
  // table order (the first that fits wins, as in a scan of the whole table).
  static const std::vector<int> kNone;
  const auto& by_first = index_[segments.size];
  auto list = [&](std::string_view first) -> const std::vector<int>& {
    auto it = by_first.find(first);
    return it == by_first.end() ? kNone : it->second;
  };
  const std::vector<int>& literal = segments.size > 0 ? list(segments[0]) : kNone;
  const std::vector<int>& captured = list(std::string_view());
  size_t a = 0, b = 0;
  while (a < literal.size() || b < captured.size()) {
    const bool take_literal =
        b == captured.size() || (a < literal.size() && literal[a] < captured[b]);
    const int i = take_literal ? literal[a++] : captured[b++];
    const Route& r = routes_[static_cast<size_t>(i)];
    if (r.method != method && !(method == Method::kHead && r.method == Method::kGet)) continue;
    if (Fits(r.segments, segments)) {
      Match m;
      m.index = i;
      m.runs_inline = !r.options.blocking;
      m.has_attempt = static_cast<bool>(r.attempt);
      return m;
    }
  }
  return {};
}

bool Router::RunsInline(Method method, std::string_view path) const {
  if (!any_inline_) return false;
  return Find(method, path).runs_inline;
}

Response Router::Dispatch(Request& request) { return DispatchMatched(request, nullptr, nullptr); }

Response Router::Dispatch(Request& request, Match match) {
  // A preflight lists every method of the path, so it always scans the table.
  const bool usable = match.index >= 0 && static_cast<size_t>(match.index) < routes_.size() &&
                      request.method != Method::kOptions;
  return DispatchMatched(request, usable ? &routes_[static_cast<size_t>(match.index)] : nullptr,
                         usable ? &match : nullptr);
}

namespace {
// 1. Request id: echo a sane client-sent one, otherwise make one.
void AssignRequestId(Request& request) {
  auto incoming_id = request.Header("x-request-id");
  request.request_id = incoming_id && IsAcceptableRequestId(*incoming_id)
                           ? std::string(*incoming_id)
                           : FastRandomBase62(20);
}

void CapturePathParams(Request& request, const std::vector<std::string>& pattern,
                       const Segments& segments) {
  request.path_params.clear();
  request.path_params.reserve(pattern.size());
  for (size_t i = 0; i < segments.size; ++i) {
    const std::string& s = pattern[i];
    if (s.front() == '{') request.path_params.emplace_back(s.substr(1, s.size() - 2), segments[i]);
  }
}
}  // namespace

std::optional<Response> Router::TryDispatch(Request& request, Match& match) {
  if (!match.has_attempt || match.started || request.method == Method::kOptions ||
      match.index < 0 || static_cast<size_t>(match.index) >= routes_.size()) {
    return std::nullopt;
  }
  const Route& route = routes_[static_cast<size_t>(match.index)];
  const auto segments = PathSegments(request.path);
  if (!route.attempt || !Fits(route.segments, segments)) return std::nullopt;
  const int64_t start_us = MonotonicMicros();
  metrics_.in_flight().fetch_add(1, std::memory_order_relaxed);
  AssignRequestId(request);
  CapturePathParams(request, route.segments, segments);

  std::optional<Response> response;
  try {
    switch (Admit(request, route, /*memory_only=*/true, &response)) {
      case Admission::kRefused:
        break;
      case Admission::kUnknown:
        break;
      case Admission::kAdmitted: {
        match.admitted = true;
        std::optional<Result<Response>> attempt = route.attempt(request);
        if (attempt && attempt->ok()) {
          response = std::move(**attempt);
        } else if (attempt) {
          response = ErrorResponse(attempt->status(), request.request_id);
        }
        break;
      }
    }
  } catch (const std::exception& e) {
    log::Error("attempt threw request_id=" + request.request_id + " action=" + route.action +
               " what=" + e.what());
    response = ErrorResponse(Status::Internal(e.what()), request.request_id);
  } catch (...) {
    response = ErrorResponse(Status::Internal("unknown exception"), request.request_id);
  }
  if (!response) {
    match.started = true;
    match.start_us = start_us;
    attempts_declined_.fetch_add(1, std::memory_order_relaxed);
    metrics_.in_flight().fetch_sub(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  attempts_answered_.fetch_add(1, std::memory_order_relaxed);
  Finish(request, *response, route.action, route.stats, start_us);
  metrics_.in_flight().fetch_sub(1, std::memory_order_relaxed);
  return response;
}

Response Router::DispatchMatched(Request& request, const Route* hint, const Match* progress) {
  const bool started = progress && progress->started;
  const int64_t start_us = started ? progress->start_us : MonotonicMicros();
  metrics_.in_flight().fetch_add(1, std::memory_order_relaxed);

  // 1. Request id (kept when a declined attempt already assigned it).
  if (!started) AssignRequestId(request);

  // 2. Match: the first route whose pattern fits; remember whether only the method differed.
  const auto segments = PathSegments(request.path);
  const Route* match = nullptr;
  bool path_matched = false;
  std::vector<std::string> allowed;
  auto capture = [&](const Route& r) { CapturePathParams(request, r.segments, segments); };
  if (hint && Fits(hint->segments, segments)) {
    match = hint;
    path_matched = true;
    capture(*hint);
  } else {
    for (const Route& r : routes_) {
      if (r.segments.size() != segments.size) continue;
      if (!Fits(r.segments, segments)) continue;
      path_matched = true;
      allowed.emplace_back(MethodName(r.method));
      bool method_ok = r.method == request.method ||
                       (request.method == Method::kHead && r.method == Method::kGet);
      if (method_ok && !match) {
        match = &r;
        capture(r);
      }
    }
  }

  // Not default-constructed: every branch below makes its own.
  std::optional<Response> response;
  std::string action = match ? match->action : "unmatched";
  ActionStats* stats = match ? match->stats : unmatched_stats_;
  if (request.method == Method::kOptions && path_matched) {
    // CORS preflight: answered here for every route.
    response = Response::NoContent();
    response->SetHeader("Access-Control-Allow-Methods", Join(allowed, ", ") + ", OPTIONS");
    response->SetHeader("Access-Control-Allow-Headers",
                        "Authorization, Content-Type, If-Match, X-Request-Id");
    response->SetHeader("Access-Control-Max-Age", "600");
    action = "cors:preflight";
  } else if (!match) {
    response = path_matched
                   ? ErrorResponse(405, "method_not_allowed", "method not allowed on this path")
                   : ErrorResponse(404, "not_found", "no such endpoint");
    if (path_matched) response->SetHeader("Allow", Join(allowed, ", "));
  } else {
    try {
      response = Run(request, match, match == hint && progress && progress->admitted);
    } catch (const std::exception& e) {
      log::Error("handler threw request_id=" + request.request_id + " action=" + action +
                 " what=" + e.what());
      response = ErrorResponse(Status::Internal(e.what()), request.request_id);
    } catch (...) {
      response = ErrorResponse(Status::Internal("unknown exception"), request.request_id);
    }
  }
  Finish(request, *response, action, stats, start_us);
  metrics_.in_flight().fetch_sub(1, std::memory_order_relaxed);
  return std::move(*response);
}

Router::Admission Router::Admit(Request& request, const Route& route, bool memory_only,
                                std::optional<Response>* refusal) {
  auto refuse = [&](const Status& s) {
    *refusal = ErrorResponse(s, request.request_id);
    return Admission::kRefused;
  };
  // 3. Authentication.
  std::optional<std::string_view> authz = request.Header("authorization");
  if (authz) {
    std::string_view v = *authz;
    if (v.size() < 7 || ToLower(v.substr(0, 7)) != "bearer ") {
      return refuse(Status::Unauthenticated("Authorization must be 'Bearer <token>'"));
    }
    const std::string_view token = Trim(v.substr(7));
    std::optional<Result<Principal>> principal;
    if (memory_only) {
      principal = authenticator_.TryAuthenticate(token);
      if (!principal) return Admission::kUnknown;
    } else {
      principal = authenticator_.Authenticate(token);
    }
    if (!principal->ok()) return refuse(principal->status());
    request.principal = std::move(**principal);
  } else if (route.options.auth != AuthPolicy::kPublic) {
    return refuse(Status::Unauthenticated("missing bearer token"));
  }
  if (route.options.auth == AuthPolicy::kAdmin && !request.principal->is_admin) {
    return refuse(Status::PermissionDenied("admin_required", "admin only"));
  }

  // 4. Rate limit: per user for the API, per client address for credential endpoints. The
  // limiter is in memory (LocalRateLimiter), so this never blocks on the I/O thread.
  // The charge is reported in the response's RateLimit fields (Finish).
  request.rate_limit = {};
  auto charge = [&](std::string_view policy, const std::string& key, const BucketPolicy& bucket) {
    if (bucket.per_second <= 0) return Status();
    request.rate_limit = {.policy = policy, .quota = bucket.burst, .per_second = bucket.per_second};
    return limiter_.Take(key, bucket, &request.rate_limit.remaining);
  };
  if (route.options.limit == LimitClass::kApi) {
    std::string key =
        request.principal ? "u:" + request.principal->user_id : "ip:" + request.remote_ip;
    if (Status s = charge("api", key, options_.api_limit); !s.ok()) return refuse(s);
  } else if (route.options.limit == LimitClass::kAuth) {
    Status s = charge("auth", "auth-ip:" + request.remote_ip, options_.auth_limit);
    if (!s.ok()) return refuse(s);
  }

  // 5. Query parameters: only those the route declares.
  if (Status s = RequireKnownParams(request, route.options.query); !s.ok()) return refuse(s);
  return Admission::kAdmitted;
}

Response Router::Run(Request& request, const Route* route, bool admitted) {
  // 3 and 4, unless a declined attempt already admitted the request.
  if (!admitted) {
    std::optional<Response> refusal;
    if (Admit(request, *route, /*memory_only=*/false, &refusal) == Admission::kRefused) {
      return std::move(*refusal);
    }
  }

  // 6. The handler.
  Result<Response> result = route->handler(request);
  if (!result.ok()) return ErrorResponse(result.status(), request.request_id);
  return std::move(*result);
}

void Router::Finish(const Request& request, Response& response, const std::string& action,
                    ActionStats* stats, int64_t start_us) {
  response.SetHeader("X-Request-Id", request.request_id);
  if (!request.rate_limit.policy.empty()) SetRateLimitFields(request.rate_limit, response);
  // Media responses carry it among their shared fields already.
  if (response.GetHeader("X-Content-Type-Options").empty()) {
    response.SetHeader("X-Content-Type-Options", "nosniff");
  }
  if (response.GetHeader("Cache-Control").empty()) response.SetHeader("Cache-Control", "no-store");
  if (auto origin = request.Header("origin")) {
    for (const auto& allowed : options_.cors_origins) {
      if (allowed == "*" || allowed == *origin) {
        response.SetHeader("Access-Control-Allow-Origin", allowed == "*" ? "*" : allowed);
        response.SetHeader(
            "Access-Control-Expose-Headers",
            "ETag, Retry-After, X-Request-Id, Location, RateLimit, RateLimit-Policy");
        if (allowed != "*") response.SetHeader("Vary", "Origin");
        break;
      }
    }
  }
  const double seconds = static_cast<double>(MonotonicMicros() - start_us) / 1e6;
  stats->Record(response.status, seconds);
  if (options_.access_log && log::Enabled(log::Level::kInfo)) {
    // Query strings are left out on purpose: they may carry signatures (SECURITY.md §3).
    log::Info("access request_id=" + request.request_id +
              " method=" + std::string(MethodName(request.method)) + " path=" + request.path +
              " action=" + action + " status=" + std::to_string(response.status) + " duration_us=" +
              std::to_string(static_cast<int64_t>(seconds * 1e6)) + " remote=" + request.remote_ip +
              (request.principal ? " user_id=" + request.principal->user_id : ""));
  }
}

}  // namespace sonora::http
