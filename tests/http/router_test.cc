// Router::Dispatch in-process (STYLE.md 3.8): matching, 404/405, CORS, authentication policies,
// rate limiting, error mapping, request ids and metrics. No sockets.
#include "http/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/json.h"
#include "http/errors.h"
#include "support/status_matchers.h"

namespace sonora::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kStart = 1762948800000;  // 2025-11-12T12:00:00Z

// A fake of the Authenticator seam (not a database mock): a fixed token table.
class FakeAuthenticator final : public Authenticator {
 public:
  void Add(std::string token, Principal p) { tokens_[std::move(token)] = std::move(p); }
  Result<Principal> Authenticate(std::string_view token) override {
    ++calls;
    last_token = std::string(token);
    auto it = tokens_.find(std::string(token));
    if (it == tokens_.end()) return Status::Unauthenticated("invalid token");
    in_memory.insert(std::string(token));  // as a cache would remember it
    return it->second;
  }
  // Answers only for tokens in `in_memory` (a token cache's contents).
  std::optional<Result<Principal>> TryAuthenticate(std::string_view token) override {
    ++try_calls;
    if (!in_memory.count(std::string(token))) return std::nullopt;
    auto it = tokens_.find(std::string(token));
    if (it == tokens_.end()) return Result<Principal>(Status::Unauthenticated("invalid token"));
    return Result<Principal>(it->second);
  }
  int calls = 0;
  int try_calls = 0;
  std::string last_token;
  std::set<std::string> in_memory;

 private:
  std::map<std::string, Principal> tokens_;
};

Principal MakePrincipal(std::string user_id, bool admin) {
  Principal p;
  p.user_id = std::move(user_id);
  p.session_id = "sess_" + p.user_id;
  p.username = "name_" + p.user_id;
  p.country = "SE";
  p.subscription_tier = "free";
  p.is_admin = admin;
  return p;
}

Json BodyOf(const Response& r) {
  auto j = ParseJson(r.body);
  EXPECT_TRUE(j.ok()) << "not JSON: " << r.body;
  return j.ok() ? *j : Json();
}

// The error body exactly as PRODUCT.md §2 shows it (plus "field" for 400s).
void ExpectError(const Response& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  Json body = BodyOf(r);
  EXPECT_EQ(body["error"]["status"], status) << r.body;
  EXPECT_EQ(body["error"]["code"], code) << r.body;
  EXPECT_TRUE(body["error"]["message"].is_string()) << r.body;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    auth_.Add("user-token", MakePrincipal("u1", false));
    auth_.Add("user2-token", MakePrincipal("u2", false));
    auth_.Add("admin-token", MakePrincipal("adm", true));
  }

  // Builds the router lazily so a test can change options_ first.
  Router& router() {
    if (!router_) {
      router_ = std::make_unique<Router>(options_, auth_, limiter_, metrics_, clock_);
      AddRoutes(*router_);
    }
    return *router_;
  }

  void AddRoutes(Router& r) {
    r.Add(Method::kGet, "/api/v1/tracks/{id}", "tracks:get", {.auth = AuthPolicy::kPublic},
          [this](Request& req) -> Result<Response> {
            seen_principal_ = req.principal;
            if (req.PathParam("id") == "missing") return Status::NotFound("no such track");
            return Response::Json(200, Json{{"id", req.PathParam("id")}});
          });
    r.Add(Method::kPut, "/api/v1/tracks/{id}", "tracks:put", {},
          [](Request&) -> Result<Response> { return Response::NoContent(); });
    r.Add(Method::kGet, "/api/v1/artists/{artist_id}/albums/{album_id}", "albums:get",
          {.auth = AuthPolicy::kPublic}, [](Request& req) -> Result<Response> {
            return Response::Json(200, Json{{"artist", req.PathParam("artist_id")},
                                            {"album", req.PathParam("album_id")}});
          });
    r.Add(Method::kGet, "/api/v1/me", "me:get", {}, [](Request& req) -> Result<Response> {
      return Response::Json(
          200, Json{{"user_id", req.user().user_id}, {"session_id", req.user().session_id}});
    });
    r.Add(Method::kPut, "/api/v1/admin/users/{user_id}/subscription", "admin:set_tier",
          {.auth = AuthPolicy::kAdmin}, [](Request& req) -> Result<Response> {
            return Response::Json(200, Json{{"user_id", req.PathParam("user_id")}});
          });
    r.Add(Method::kPost, "/api/v1/auth/login", "auth:login",
          {.auth = AuthPolicy::kPublic, .limit = LimitClass::kAuth},
          [](Request&) -> Result<Response> { return Response::Json(200, Json::object()); });
    r.Add(Method::kGet, "/healthz", "health",
          {.auth = AuthPolicy::kPublic, .limit = LimitClass::kNone},
          [](Request&) -> Result<Response> { return Response::Text(200, "text/plain", "ok\n"); });
    r.Add(Method::kGet, "/throw", "throw", {.auth = AuthPolicy::kPublic},
          [](Request&) -> Result<Response> { throw std::runtime_error("db password is hunter2"); });
    r.Add(Method::kGet, "/throw-int", "throw_int", {.auth = AuthPolicy::kPublic},
          [](Request&) -> Result<Response> { throw 42; });
    r.Add(Method::kGet, "/internal", "internal", {.auth = AuthPolicy::kPublic},
          [](Request&) -> Result<Response> {
            return Status::Internal("constraint users_pkey violated");
          });
    r.Add(Method::kGet, "/list", "list",
          {.auth = AuthPolicy::kPublic, .query = {"limit", "offset"}},
          [](Request& req) -> Result<Response> {
            SONORA_ASSIGN_OR_RETURN(Page page, ParsePage(req));
            return Response::Json(200, Json{{"limit", page.limit}, {"offset", page.offset}});
          });
    r.Add(Method::kGet, "/media/{token}/{file}", "media", {.auth = AuthPolicy::kPublic,
                                                           .blocking = false},
          [](Request& req) -> Result<Response> {
            return Response::Text(200, "audio/ogg", std::string(req.PathParam("file")));
          });
    // A route with an attempt: "answer" answers from memory, "decline" declines, "fail" is an
    // error from the attempt, "throw" throws; the handler answers everything on its own.
    r.Add(
        Method::kPost, "/api/v1/try/{mode}", "try:post", {},
        [this](Request& req) -> Result<Response> {
          ++handler_calls_;
          if (req.PathParam("mode") == "fail") return Status::NotFound("no such thing");
          return Response::Json(200, Json{{"by", "handler"}, {"user", req.user().user_id}});
        },
        [this](const Request& req) -> std::optional<Result<Response>> {
          ++attempt_calls_;
          const std::string_view mode = req.PathParam("mode");
          if (mode == "decline") return std::nullopt;
          if (mode == "fail") return Result<Response>(Status::NotFound("no such thing"));
          if (mode == "throw") throw std::runtime_error("boom");
          return Result<Response>(
              Response::Json(200, Json{{"by", "handler"}, {"user", req.user().user_id}}));
        });
    r.Add(Method::kGet, "/cached", "cached", {.auth = AuthPolicy::kPublic},
          [](Request&) -> Result<Response> {
            Response resp = Response::Text(200, "audio/ogg", "x");
            resp.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
            return resp;
          });
  }

  Response Send(Method method, std::string target,
                std::vector<std::pair<std::string, std::string>> headers = {},
                std::string body = {}) {
    Request req;
    req.method = method;
    Status parsed = req.ParseTarget(target);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString();
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.remote_ip = remote_ip_;
    last_request_ = req;
    Response r = router().Dispatch(req);
    last_request_ = req;
    return r;
  }

  // The server's order: TryDispatch first, Dispatch when it declines. `answered` says which.
  Response SendTrying(Method method, std::string target,
                      std::vector<std::pair<std::string, std::string>> headers, bool* answered) {
    Request req;
    req.method = method;
    EXPECT_TRUE(req.ParseTarget(target).ok());
    req.headers = std::move(headers);
    req.remote_ip = remote_ip_;
    Router::Match match = router().Find(req.method, req.path);
    std::optional<Response> r = router().TryDispatch(req, match);
    *answered = r.has_value();
    if (!r) r = router().Dispatch(req, match);
    last_request_ = req;
    return std::move(*r);
  }

  int handler_calls_ = 0;
  int attempt_calls_ = 0;
  FakeClock clock_{FromMillis(kStart)};
  FakeAuthenticator auth_;
  LocalRateLimiter limiter_{clock_};
  Metrics metrics_;
  RouterOptions options_{.access_log = false};
  std::unique_ptr<Router> router_;
  std::optional<Principal> seen_principal_;
  Request last_request_;
  std::string remote_ip_ = "192.0.2.1";
};

TEST_F(RouterTest, MatchesAndCapturesPathParameters) {
  Response r = Send(Method::kGet, "/api/v1/tracks/track_abc");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r), Json({{"id", "track_abc"}}));

  r = Send(Method::kGet, "/api/v1/artists/ar1/albums/al2");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r), Json({{"artist", "ar1"}, {"album", "al2"}}));
  EXPECT_EQ(last_request_.path_params, (std::vector<std::pair<std::string, std::string>>{
                                           {"artist_id", "ar1"}, {"album_id", "al2"}}));
}

TEST_F(RouterTest, OnlyRoutesDeclaredNonBlockingRunInline) {
  EXPECT_TRUE(router().RunsInline(Method::kGet, "/media/tok/chunk_0.ogg"));
  EXPECT_TRUE(router().RunsInline(Method::kHead, "/media/tok/chunk_0.ogg"));
  EXPECT_FALSE(router().RunsInline(Method::kPost, "/media/tok/chunk_0.ogg"));  // no such route
  EXPECT_FALSE(router().RunsInline(Method::kGet, "/media/tok"));
  EXPECT_FALSE(router().RunsInline(Method::kGet, "/api/v1/tracks/t1"));
  EXPECT_FALSE(router().RunsInline(Method::kGet, "/nope"));
  EXPECT_EQ(Send(Method::kGet, "/media/tok/chunk_0.ogg").body, "chunk_0.ogg");
}

TEST_F(RouterTest, AnAttemptAnswersFromMemoryThroughTheSameMiddleware) {
  const std::vector<std::pair<std::string, std::string>> u1 = {
      {"authorization", "Bearer user-token"}, {"x-request-id", "req-1"}};
  EXPECT_TRUE(router().Find(Method::kPost, "/api/v1/try/answer").has_attempt);
  EXPECT_FALSE(router().Find(Method::kGet, "/api/v1/me").has_attempt);

  // Through the handler first (the token is not in memory yet), then through the attempt.
  bool answered = true;
  Response cold = SendTrying(Method::kPost, "/api/v1/try/answer", u1, &answered);
  EXPECT_FALSE(answered) << "an unknown token is not decided on the I/O thread";
  EXPECT_EQ(attempt_calls_, 0) << "the attempt never ran without a principal";
  EXPECT_EQ(handler_calls_, 1);
  EXPECT_EQ(auth_.calls, 1);
  Response warm = SendTrying(Method::kPost, "/api/v1/try/answer", u1, &answered);
  EXPECT_TRUE(answered);
  EXPECT_EQ(handler_calls_, 1) << "the attempt answered alone";
  EXPECT_EQ(auth_.calls, 1) << "the principal came from memory";
  EXPECT_EQ(last_request_.principal->user_id, "u1");

  // Identical answers: status, type, body and the router's headers, but for the one token
  // each request took from the bucket.
  EXPECT_EQ(warm.status, cold.status);
  EXPECT_EQ(warm.content_type, cold.content_type);
  EXPECT_EQ(warm.body, cold.body);
  EXPECT_EQ(cold.GetHeader("RateLimit"), "\"api\";r=99;t=1");
  EXPECT_EQ(warm.GetHeader("RateLimit"), "\"api\";r=98;t=1");
  warm.SetHeader("RateLimit", "");
  cold.SetHeader("RateLimit", "");
  EXPECT_EQ(warm.headers, cold.headers);
  EXPECT_EQ(warm.GetHeader("X-Request-Id"), "req-1");
  EXPECT_EQ(warm.GetHeader("Cache-Control"), "no-store");

  // Counted once each, under the route's action.
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_total{action=\"try:post\",code=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_attempts_answered 1\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_attempts_declined 1\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_in_flight 0\n"));
}

TEST_F(RouterTest, ADeclinedAttemptGoesToTheHandlerWithoutChargingTwice) {
  options_.api_limit = {.per_second = 0.01, .burst = 2};
  auth_.in_memory.insert("user-token");
  const std::vector<std::pair<std::string, std::string>> u1 = {
      {"authorization", "Bearer user-token"}};
  bool answered = true;
  Response r = SendTrying(Method::kPost, "/api/v1/try/decline", u1, &answered);
  EXPECT_FALSE(answered);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(attempt_calls_, 1);
  EXPECT_EQ(handler_calls_, 1);
  EXPECT_EQ(auth_.calls, 0) << "the worker kept the principal the attempt found";
  EXPECT_FALSE(r.GetHeader("X-Request-Id").empty());
  EXPECT_EQ(r.GetHeader("X-Request-Id"), last_request_.request_id);
  // One request, one token from the bucket of 2: a second request still passes, a third not.
  EXPECT_EQ(SendTrying(Method::kPost, "/api/v1/try/decline", u1, &answered).status, 200);
  Response limited = SendTrying(Method::kPost, "/api/v1/try/answer", u1, &answered);
  EXPECT_TRUE(answered) << "the rate limit answers on the I/O thread too";
  ExpectError(limited, 429, "rate_limited");
  EXPECT_FALSE(limited.GetHeader("Retry-After").empty());
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_total{action=\"try:post\",code=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_total{action=\"try:post\",code=\"429\"} 1\n"));
}

TEST_F(RouterTest, AttemptErrorsAndRefusalsMatchTheHandlers) {
  auth_.in_memory.insert("user-token");
  auth_.in_memory.insert("bad-token");  // known in memory to be invalid
  struct Case {
    const char* name;
    const char* target;
    std::vector<std::pair<std::string, std::string>> headers;
    int status;
    const char* code;
  } cases[] = {
      {"attempt error", "/api/v1/try/fail", {{"authorization", "Bearer user-token"}}, 404,
       "not_found"},
      {"missing token", "/api/v1/try/answer", {}, 401, "unauthenticated"},
      {"not bearer", "/api/v1/try/answer", {{"authorization", "Basic abc"}}, 401,
       "unauthenticated"},
      {"invalid token", "/api/v1/try/answer", {{"authorization", "Bearer bad-token"}}, 401,
       "unauthenticated"},
      {"attempt throws", "/api/v1/try/throw", {{"authorization", "Bearer user-token"}}, 500,
       "internal"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    bool answered = false;
    Response inline_answer = SendTrying(Method::kPost, c.target, c.headers, &answered);
    EXPECT_TRUE(answered);
    ExpectError(inline_answer, c.status, c.code);
    EXPECT_THAT(inline_answer.body, Not(HasSubstr("boom")));
    if (c.status != 500) {
      // The handler's path gives the same status, code and message.
      Response worker = Send(Method::kPost, c.target, c.headers);
      EXPECT_EQ(worker.status, inline_answer.status);
      EXPECT_EQ(BodyOf(worker)["error"], BodyOf(inline_answer)["error"]);
      EXPECT_EQ(worker.GetHeader("WWW-Authenticate"), inline_answer.GetHeader("WWW-Authenticate"));
    }
  }
  EXPECT_EQ(handler_calls_, 1) << "only the comparison run of 'attempt error' reached a handler";
}

TEST_F(RouterTest, DecodedPathParameter) {
  Response r = Send(Method::kGet, "/api/v1/tracks/a%20b");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r)["id"], "a b");
}

TEST_F(RouterTest, UnknownPathIs404) {
  for (const char* target : {"/nope", "/api/v1/tracks", "/api/v1/tracks/a/b", "/api/v2/me",
                             "/api/v1/tracks/%2e%2e/me"}) {
    SCOPED_TRACE(target);
    Response r = Send(Method::kGet, target);
    ExpectError(r, 404, "not_found");
    EXPECT_EQ(r.GetHeader("Allow"), "");
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Response r = Send(Method::kDelete, "/api/v1/tracks/t1");
  ExpectError(r, 405, "method_not_allowed");
  EXPECT_EQ(r.GetHeader("Allow"), "GET, PUT");

  r = Send(Method::kGet, "/api/v1/auth/login");
  ExpectError(r, 405, "method_not_allowed");
  EXPECT_EQ(r.GetHeader("Allow"), "POST");
  EXPECT_EQ(auth_.calls, 0);  // no handler, no authentication
}

TEST_F(RouterTest, HeadIsServedByTheGetRoute) {
  Response r = Send(Method::kHead, "/api/v1/tracks/t1");
  EXPECT_EQ(r.status, 200);
}

TEST_F(RouterTest, CorsPreflightListsTheMethods) {
  Response r =
      Send(Method::kOptions, "/api/v1/tracks/t1",
           {{"origin", "https://player.example"}, {"access-control-request-method", "PUT"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.GetHeader("Access-Control-Allow-Methods"), "GET, PUT, OPTIONS");
  EXPECT_THAT(std::string(r.GetHeader("Access-Control-Allow-Headers")), HasSubstr("Authorization"));
  EXPECT_EQ(r.GetHeader("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(auth_.calls, 0);

  // Preflight needs no token even where the route does.
  r = Send(Method::kOptions, "/api/v1/admin/users/u1/subscription");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.GetHeader("Access-Control-Allow-Methods"), "PUT, OPTIONS");

  ExpectError(Send(Method::kOptions, "/nope"), 404, "not_found");
}

TEST_F(RouterTest, CorsRestrictedOrigins) {
  options_.cors_origins = {"https://player.example"};
  Response r = Send(Method::kGet, "/api/v1/tracks/t1", {{"origin", "https://player.example"}});
  EXPECT_EQ(r.GetHeader("Access-Control-Allow-Origin"), "https://player.example");
  EXPECT_EQ(r.GetHeader("Vary"), "Origin");
  EXPECT_THAT(std::string(r.GetHeader("Access-Control-Expose-Headers")), HasSubstr("Retry-After"));

  r = Send(Method::kGet, "/api/v1/tracks/t1", {{"origin", "https://evil.example"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.GetHeader("Access-Control-Allow-Origin"), "");

  r = Send(Method::kGet, "/api/v1/tracks/t1");  // not a CORS request
  EXPECT_EQ(r.GetHeader("Access-Control-Allow-Origin"), "");
}

TEST_F(RouterTest, RequiredAuthRejectsEveryBadCredentialShape) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  const Case cases[] = {
      {"no header", {}},
      {"empty", {{"authorization", ""}}},
      {"basic", {{"authorization", "Basic dXNlcjpwYXNz"}}},
      {"bearer without token", {{"authorization", "Bearer "}}},
      {"bearer, no space", {{"authorization", "Beareruser-token"}}},
      {"unknown token", {{"authorization", "Bearer nope"}}},
      {"token alone", {{"authorization", "user-token"}}},
      {"token in a query string is not a credential", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Response r = Send(Method::kGet, "/api/v1/me?access_token=user-token", c.headers);
    ExpectError(r, 401, "unauthenticated");
    EXPECT_EQ(r.GetHeader("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
  }
}

TEST_F(RouterTest, RequiredAuthAcceptsAGoodToken) {
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER ", "Bearer   "}) {
    SCOPED_TRACE(scheme);
    Response r =
        Send(Method::kGet, "/api/v1/me", {{"authorization", std::string(scheme) + "user-token"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(BodyOf(r), Json({{"user_id", "u1"}, {"session_id", "sess_u1"}}));
    EXPECT_EQ(auth_.last_token, "user-token");
  }
}

TEST_F(RouterTest, PublicRoutesFillThePrincipalWhenPresent) {
  Response r = Send(Method::kGet, "/api/v1/tracks/t1");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(seen_principal_.has_value());

  r = Send(Method::kGet, "/api/v1/tracks/t1", {{"authorization", "Bearer user-token"}});
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(seen_principal_.has_value());
  EXPECT_EQ(seen_principal_->user_id, "u1");

  // A token that is present but wrong is an error, not silently anonymous (RFC 6750 §3.1).
  r = Send(Method::kGet, "/api/v1/tracks/t1", {{"authorization", "Bearer stale"}});
  ExpectError(r, 401, "unauthenticated");
}

TEST_F(RouterTest, AdminRoutes) {
  const std::string path = "/api/v1/admin/users/u2/subscription";
  ExpectError(Send(Method::kPut, path), 401, "unauthenticated");
  ExpectError(Send(Method::kPut, path, {{"authorization", "Bearer bogus"}}), 401,
              "unauthenticated");
  Response r = Send(Method::kPut, path, {{"authorization", "Bearer user-token"}});
  ExpectError(r, 403, "admin_required");
  EXPECT_EQ(r.GetHeader("WWW-Authenticate"), "");
  r = Send(Method::kPut, path, {{"authorization", "Bearer admin-token"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r), Json({{"user_id", "u2"}}));
}

TEST_F(RouterTest, EveryAdminRouteIsBehindTheAdminPolicy) {
  // SECURITY.md §1 function-level authz: a route table test.
  for (const RouteInfo& info : router().Routes()) {
    if (info.pattern.rfind("/api/v1/admin/", 0) == 0) {
      EXPECT_EQ(info.auth, AuthPolicy::kAdmin) << info.pattern;
    }
  }
  EXPECT_EQ(router().Routes().size(), 14u);
  EXPECT_EQ(router().Routes()[0].action, "tracks:get");
  EXPECT_EQ(router().Routes()[0].pattern, "/api/v1/tracks/{id}");
  EXPECT_EQ(router().Routes()[0].method, Method::kGet);
}

TEST_F(RouterTest, HandlerStatusesGoThroughErrorResponse) {
  ExpectError(Send(Method::kGet, "/api/v1/tracks/missing"), 404, "not_found");

  Response r = Send(Method::kGet, "/internal");
  ExpectError(r, 500, "internal");
  EXPECT_THAT(r.body, Not(HasSubstr("users_pkey")));

  r = Send(Method::kGet, "/list?limit=51");
  ExpectError(r, 400, "invalid_argument");
  EXPECT_EQ(BodyOf(r)["error"]["field"], "limit");
  r = Send(Method::kGet, "/list?sort=title");
  ExpectError(r, 400, "invalid_argument");
  EXPECT_EQ(BodyOf(r)["error"]["field"], "sort");
  r = Send(Method::kGet, "/list?limit=5&offset=10");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r), Json({{"limit", 5}, {"offset", 10}}));
}

TEST_F(RouterTest, QueryParametersARouteDoesNotDeclareAre400BeforeItsHandlerRuns) {
  // A route that declares none refuses any; its handler (which throws) never runs.
  Response r = Send(Method::kGet, "/throw?debug=1");
  ExpectError(r, 400, "invalid_argument");
  EXPECT_EQ(BodyOf(r)["error"]["field"], "debug");
  EXPECT_EQ(Send(Method::kGet, "/throw").status, 500) << "the handler runs without one";

  // After authentication: no token is still a 401, whatever the query.
  ExpectError(Send(Method::kGet, "/api/v1/me?x=1"), 401, "unauthenticated");

  // On the I/O thread too: the attempt and the handler are both left alone.
  const std::vector<std::pair<std::string, std::string>> u1 = {
      {"authorization", "Bearer user-token"}};
  bool answered = false;
  SendTrying(Method::kPost, "/api/v1/try/answer", u1, &answered);  // the token is now known
  const int attempts = attempt_calls_;
  const int handled = handler_calls_;
  r = SendTrying(Method::kPost, "/api/v1/try/answer?x=1", u1, &answered);
  EXPECT_TRUE(answered);
  ExpectError(r, 400, "invalid_argument");
  EXPECT_EQ(attempt_calls_, attempts);
  EXPECT_EQ(handler_calls_, handled);

  // The declaration is part of the route table.
  for (const RouteInfo& info : router().Routes()) {
    if (info.action == "list") {
      EXPECT_EQ(info.query, (std::vector<std::string>{"limit", "offset"}));
    } else if (info.action == "throw") {
      EXPECT_TRUE(info.query.empty());
    }
  }
}

TEST_F(RouterTest, HandlerExceptionsBecome500WithoutDetails) {
  for (const char* target : {"/throw", "/throw-int"}) {
    SCOPED_TRACE(target);
    Response r = Send(Method::kGet, target, {{"x-request-id", "trace-me"}});
    ExpectError(r, 500, "internal");
    EXPECT_THAT(r.body, Not(HasSubstr("hunter2")));
    EXPECT_THAT(BodyOf(r)["error"]["message"].get<std::string>(), HasSubstr("trace-me"));
    EXPECT_EQ(r.GetHeader("X-Request-Id"), "trace-me");
    EXPECT_EQ(r.GetHeader("X-Content-Type-Options"), "nosniff");
  }
  // The router keeps serving.
  EXPECT_EQ(Send(Method::kGet, "/api/v1/tracks/t1").status, 200);
}

TEST_F(RouterTest, RequestIdEchoedWhenSaneOtherwiseGenerated) {
  struct Case {
    std::string sent;
    bool echoed;
  };
  const Case cases[] = {
      {"abc-123", true},
      {"A.b_c-9", true},
      {std::string(128, 'r'), true},
      {std::string(129, 'r'), false},
      {"has space", false},
      {"", false},
      {"id\r\nSet-Cookie: x=1", false},
      {"id\"quoted\"", false},
      {"caf\xC3\xA9", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("'" + c.sent + "'");
    Response r = Send(Method::kGet, "/api/v1/tracks/t1", {{"x-request-id", c.sent}});
    std::string got(r.GetHeader("X-Request-Id"));
    if (c.echoed) {
      EXPECT_EQ(got, c.sent);
    } else {
      EXPECT_NE(got, c.sent);
      EXPECT_EQ(got.size(), 20u);
      EXPECT_EQ(
          got.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
          std::string::npos);
    }
    EXPECT_EQ(last_request_.request_id, got);
  }
  std::string a(Send(Method::kGet, "/api/v1/tracks/t1").GetHeader("X-Request-Id"));
  std::string b(Send(Method::kGet, "/api/v1/tracks/t1").GetHeader("X-Request-Id"));
  EXPECT_NE(a, b);
}

TEST_F(RouterTest, SecurityHeadersOnEveryResponse) {
  const std::pair<Method, const char*> cases[] = {
      {Method::kGet, "/api/v1/tracks/t1"},
      {Method::kGet, "/nope"},
      {Method::kPost, "/api/v1/me"},
      {Method::kGet, "/api/v1/me"},
      {Method::kGet, "/throw"},
      {Method::kOptions, "/api/v1/me"},
  };
  for (const auto& [method, target] : cases) {
    SCOPED_TRACE(target);
    Response r = Send(method, target);
    EXPECT_EQ(r.GetHeader("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.GetHeader("Cache-Control"), "no-store");
    EXPECT_FALSE(r.GetHeader("X-Request-Id").empty());
  }
  // A handler's own caching policy is kept.
  EXPECT_EQ(Send(Method::kGet, "/cached").GetHeader("Cache-Control"),
            "public, max-age=31536000, immutable");
}

TEST_F(RouterTest, ApiRateLimitPerUserWithRetryAfter) {
  options_.api_limit = {.per_second = 0.5, .burst = 2};
  const std::vector<std::pair<std::string, std::string>> u1 = {
      {"authorization", "Bearer user-token"}};
  // The bucket and what is left of it, in the IETF RateLimit fields: 2 requests, refilled in
  // 4 s at 0.5/s.
  Response r = Send(Method::kGet, "/api/v1/me", u1);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.GetHeader("RateLimit-Policy"), "\"api\";q=2;w=4");
  EXPECT_EQ(r.GetHeader("RateLimit"), "\"api\";r=1;t=2");
  r = Send(Method::kGet, "/api/v1/me", u1);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.GetHeader("RateLimit"), "\"api\";r=0;t=4");
  r = Send(Method::kGet, "/api/v1/me", u1);
  ExpectError(r, 429, "rate_limited");
  EXPECT_EQ(r.GetHeader("Retry-After"), "2");
  EXPECT_EQ(r.GetHeader("RateLimit"), "\"api\";r=0;t=4");
  EXPECT_EQ(r.GetHeader("RateLimit-Policy"), "\"api\";q=2;w=4");

  // Another user from the same address has their own bucket.
  EXPECT_EQ(Send(Method::kGet, "/api/v1/me", {{"authorization", "Bearer user2-token"}}).status,
            200);
  // Health checks are never limited, and say nothing of a limit.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Send(Method::kGet, "/healthz").status, 200);
  EXPECT_EQ(Send(Method::kGet, "/healthz").GetHeader("RateLimit"), "");

  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(Send(Method::kGet, "/api/v1/me", u1).status, 200);
}

TEST_F(RouterTest, AnonymousApiLimitIsPerAddress) {
  options_.api_limit = {.per_second = 1, .burst = 1};
  EXPECT_EQ(Send(Method::kGet, "/api/v1/tracks/t1").status, 200);
  ExpectError(Send(Method::kGet, "/api/v1/tracks/t1"), 429, "rate_limited");
  remote_ip_ = "198.51.100.7";
  EXPECT_EQ(Send(Method::kGet, "/api/v1/tracks/t1").status, 200);
}

TEST_F(RouterTest, AuthLimitIsPerAddressAndSeparateFromTheApi) {
  options_.auth_limit = {.per_second = 0.01, .burst = 3};
  options_.api_limit = {.per_second = 0.01, .burst = 1};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Send(Method::kPost, "/api/v1/auth/login").status, 200);
  Response r = Send(Method::kPost, "/api/v1/auth/login");
  ExpectError(r, 429, "rate_limited");
  EXPECT_EQ(r.GetHeader("Retry-After"), "100");
  EXPECT_EQ(r.GetHeader("RateLimit-Policy"), "\"auth\";q=3;w=300");
  EXPECT_EQ(r.GetHeader("RateLimit"), "\"auth\";r=0;t=300");
  // The API bucket of the same address is untouched by logins.
  EXPECT_EQ(Send(Method::kGet, "/api/v1/tracks/t1").status, 200);
  remote_ip_ = "198.51.100.7";
  EXPECT_EQ(Send(Method::kPost, "/api/v1/auth/login").status, 200);
}

TEST_F(RouterTest, MetricsCountEachActionByStatus) {
  Send(Method::kGet, "/api/v1/tracks/t1");
  Send(Method::kGet, "/api/v1/tracks/t2");
  Send(Method::kGet, "/api/v1/tracks/missing");
  Send(Method::kGet, "/nope");
  Send(Method::kGet, "/throw");
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE sonora_http_requests_total counter\n"));
  EXPECT_THAT(text,
              HasSubstr("sonora_http_requests_total{action=\"tracks:get\",code=\"200\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("sonora_http_requests_total{action=\"tracks:get\",code=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_total{action=\"unmatched\",code=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_total{action=\"throw\",code=\"500\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("sonora_http_request_duration_seconds_count{action=\"tracks:get\"} 3\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "sonora_http_request_duration_seconds_bucket{action=\"tracks:get\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_in_flight 0\n"));
  // Actions with no requests yet have no counter lines.
  EXPECT_THAT(text, Not(HasSubstr("sonora_http_requests_total{action=\"me:get\"")));
}

TEST(MetricsTest, GaugesAndOtherCodes) {
  Metrics metrics;
  ActionStats& stats = metrics.ForAction("x");
  EXPECT_EQ(&stats, &metrics.ForAction("x"));  // stable storage, one entry per action
  stats.Record(418, 0.001);
  stats.Record(200, 10.0);
  metrics.AddGauge("sonora_db_connections_in_use", "Connections lent out.", [] { return 3.0; });
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_total{action=\"x\",code=\"other\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("sonora_http_requests_total{action=\"x\",code=\"200\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("sonora_http_request_duration_seconds_bucket{action=\"x\",le=\"0.001\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("sonora_http_request_duration_seconds_bucket{action=\"x\",le=\"2.5\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("sonora_http_request_duration_seconds_bucket{action=\"x\",le=\"+Inf\"} 2\n"));
  EXPECT_THAT(
      text,
      HasSubstr("# TYPE sonora_db_connections_in_use gauge\nsonora_db_connections_in_use 3\n"));
}

}  // namespace
}  // namespace sonora::http
