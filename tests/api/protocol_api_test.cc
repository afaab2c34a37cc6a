// HTTP behaviour of the real server over sockets: ops endpoints, 404/405, CORS, request ids,
// keep-alive, pipelining and the resource bounds (413, 431), malformed requests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "api/api_fixture.h"

namespace sonora::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST_P(ApiTest, HealthReadinessAndMetrics) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  HttpResponse r = client().Get("/healthz");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  r = client().Get("/readyz");
  EXPECT_EQ(r.status, 200) << r.body;

  Register("alice");
  r = client().Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("text/plain"));
  EXPECT_THAT(r.body, HasSubstr("# TYPE sonora_http_requests_total counter"));
  EXPECT_THAT(r.body,
              HasSubstr("sonora_http_requests_total{action=\"auth:register\",code=\"201\"} 1\n"));
  EXPECT_THAT(r.body, HasSubstr("sonora_http_connections_total "));
  // Logs go to stderr, stdout stays clean (checked at shutdown by the fixture).
  EXPECT_THAT(server().Stderr(), HasSubstr("serving"));
}

TEST_P(ApiTest, UnknownPathsMethodsAndPreflight) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (const char* target :
       {"/api/v1/nope", "/", "/api/v1/me/extra", "/api/v2/me", "/api/v1/%2e%2e/healthz"}) {
    SCOPED_TRACE(target);
    ExpectError(client().Get(target), 404, "not_found");
  }
  HttpResponse r = client().Send("DELETE", "/api/v1/me");
  ExpectError(r, 405, "method_not_allowed");
  EXPECT_EQ(r.Header("Allow"), "GET");
  r = client().Get("/api/v1/auth/login");
  ExpectError(r, 405, "method_not_allowed");
  EXPECT_EQ(r.Header("Allow"), "POST");

  r = client().Send("OPTIONS", "/api/v1/auth/register", "",
                    {{"Origin", "https://player.example"},
                     {"Access-Control-Request-Method", "POST"},
                     {"Access-Control-Request-Headers", "content-type"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_THAT(r.Header("Access-Control-Allow-Headers"), HasSubstr("Content-Type"));
  EXPECT_THAT(r.Header("Access-Control-Allow-Headers"), HasSubstr("Authorization"));
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");

  // Actual cross-origin responses carry the origin header too.
  r = client().Get("/healthz", {{"Origin", "https://player.example"}});
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
}

TEST_P(ApiTest, RequestIdsAndSecurityHeaders) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  HttpResponse r = client().Get("/healthz", {{"X-Request-Id", "test-id_1.2"}});
  EXPECT_EQ(r.Header("X-Request-Id"), "test-id_1.2");
  EXPECT_EQ(r.HeaderCount("X-Request-Id"), 1);

  for (const std::string& bad : {std::string("has space"), std::string(129, 'x'),
                                 std::string("quote\"d"), std::string("semi;colon")}) {
    SCOPED_TRACE(bad);
    r = client().Get("/healthz", {{"X-Request-Id", bad}});
    EXPECT_NE(r.Header("X-Request-Id"), bad);
    EXPECT_THAT(r.Header("X-Request-Id"), MatchesRegex("[A-Za-z0-9]{20}"));
  }
  const std::string a = client().Get("/healthz").Header("X-Request-Id");
  const std::string b = client().Get("/healthz").Header("X-Request-Id");
  EXPECT_THAT(a, MatchesRegex("[A-Za-z0-9]{20}"));
  EXPECT_NE(a, b);

  // Every kind of response carries nosniff and an id: success, 4xx, 405, preflight.
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/healthz"},
                                                        {"GET", "/nope"},
                                                        {"GET", "/api/v1/me"},
                                                        {"DELETE", "/api/v1/me"},
                                                        {"OPTIONS", "/api/v1/me"},
                                                        {"POST", "/api/v1/auth/login"}}) {
    SCOPED_TRACE(method + " " + target);
    r = client().Send(method, target);
    EXPECT_NE(r.status, 0) << client().last_error();
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(r.Header("X-Request-Id").empty());
  }
}

TEST_P(ApiTest, AccessLogCarriesRequestIdsButNoQueryStrings) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  HttpResponse r =
      client().Get("/api/v1/me?access_token=SECRET-IN-QUERY", {{"X-Request-Id", "log-me-1"}});
  ExpectUnauthenticated(r);
  ASSERT_NO_FATAL_FAILURE(StopServer());
  const std::string log = server().Stderr();
  EXPECT_THAT(log, HasSubstr("request_id=log-me-1"));
  EXPECT_THAT(log, HasSubstr("status=401"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("SECRET-IN-QUERY")));  // SECURITY.md §3
}

TEST_P(ApiTest, KeepAliveServesManyRequestsOnOneConnection) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Json reg = Register("alice");
  for (int i = 0; i < 20; ++i) {
    HttpResponse r = client().Get("/api/v1/me", Bearer(reg["access_token"]));
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_TRUE(r.keep_alive);
  }
  EXPECT_EQ(client().connects(), 1);

  // "Connection: close" is honoured: the answer comes, then the server hangs up.
  HttpResponse r = client().Send("GET", "/healthz", "", {{"Connection", "close"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.keep_alive);
  EXPECT_FALSE(client().connected());
}

TEST_P(ApiTest, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Register("alice");
  // A slow request (argon2 login) first, then fast ones, all in one write: the answers must
  // come back in request order.
  const std::string login_body =
      std::string(R"({"username":"alice","password":")") + kPassword + "\"}";
  const std::string pipeline =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nX-Request-Id: first\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(login_body.size()) + "\r\n\r\n" + login_body +
      "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: second\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: t\r\nX-Request-Id: third\r\n\r\n";
  ASSERT_TRUE(client().SendRaw(pipeline)) << client().last_error();
  const std::pair<const char*, int> want[] = {{"first", 200}, {"second", 200}, {"third", 404}};
  for (const auto& [id, status] : want) {
    auto r = client().ReadResponse();
    ASSERT_TRUE(r.has_value()) << id << ": " << client().last_error();
    EXPECT_EQ(r->Header("X-Request-Id"), id);
    EXPECT_EQ(r->status, status) << id;
  }
  EXPECT_EQ(client().connects(), 1);
  // The connection is still good for more.
  EXPECT_EQ(client().Get("/healthz").status, 200);
  EXPECT_EQ(client().connects(), 1);
}

TEST_P(ApiTest, RequestsArrivingInPiecesAndChunkedBodiesAreReadWhole) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Register("alice");
  const std::string body = std::string(R"({"username":"alice","password":")") + kPassword + "\"}";
  // One login written in six pieces with pauses: inside the request line, inside a field, at
  // the blank line, and twice inside the body. The server must wait for all of it.
  const std::string whole =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nX-Request-Id: pieces\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  const size_t head = whole.size() - body.size();
  const size_t cuts[] = {9, 40, head - 2, head + 5, head + 20, whole.size()};
  size_t from = 0;
  for (size_t cut : cuts) {
    ASSERT_TRUE(client().SendRaw(std::string_view(whole).substr(from, cut - from)))
        << client().last_error();
    from = cut;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  auto r = client().ReadResponse();
  ASSERT_TRUE(r.has_value()) << client().last_error();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Header("X-Request-Id"), "pieces");
  EXPECT_THAT(r->body, HasSubstr("access_token"));

  // The same body in chunked transfer coding, its chunks in separate writes.
  const std::string chunked_head =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nX-Request-Id: chunked\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(client().SendRaw(chunked_head));
  for (std::string_view part :
       {std::string_view(body).substr(0, 10), std::string_view(body).substr(10)}) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    char size[16];
    std::snprintf(size, sizeof(size), "%zx\r\n", part.size());
    ASSERT_TRUE(client().SendRaw(std::string(size) + std::string(part) + "\r\n"));
  }
  ASSERT_TRUE(client().SendRaw("0\r\n\r\n"));
  r = client().ReadResponse();
  ASSERT_TRUE(r.has_value()) << client().last_error();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Header("X-Request-Id"), "chunked");
  EXPECT_EQ(client().connects(), 1);

  // A peer that hangs up inside a request gets nothing and costs nothing: the next connection
  // is served.
  client().Close();
  ASSERT_TRUE(client().SendRaw("POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Le"));
  client().Close();
  EXPECT_EQ(client().Get("/healthz").status, 200);
}

// A request whose body is `size` bytes, written raw: the server may answer and hang up before
// the whole body is written, which is its right.
std::string OversizedRegister(size_t size) {
  return "POST /api/v1/auth/register HTTP/1.1\r\nHost: t\r\n"
         "Content-Type: application/json\r\nContent-Length: " +
         std::to_string(size) + "\r\n\r\n" + std::string(size, 'a');
}

TEST_P(ApiTest, BodyOverOneMebibyteIs413) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  client().SendRaw(OversizedRegister(2 << 20));
  auto r = client().ReadResponse();
  ASSERT_TRUE(r.has_value()) << client().last_error();
  ExpectErrorBody(*r, 413, "payload_too_large");

  // Exactly at the limit is not "too large" (it is just not valid JSON here).
  client().Close();
  HttpResponse at_limit = client().Send("POST", "/api/v1/auth/register", std::string(1 << 20, ' '));
  ExpectFieldError(at_limit, "body");

  // And the server is fine afterwards.
  client().Close();
  EXPECT_EQ(client().Get("/healthz").status, 200);
}

TEST_P(ApiTest, HugeHeadersAre431) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  HttpResponse r = client().Get("/healthz", {{"X-Filler", std::string(20 << 10, 'h')}});
  ExpectErrorBody(r, 431, "headers_too_large");
  client().Close();
  EXPECT_EQ(client().Get("/healthz").status, 200);
}

TEST_P(ApiTest, MalformedRequestsGet400AndTheServerSurvives) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string cases[] = {
      "GARBAGE\r\n\r\n",
      "GET /healthz HTTP/9.9\r\nHost: t\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n",
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
      "Content-Length: 6\r\n\r\nhello!",
      std::string("GET /heal\0thz HTTP/1.1\r\nHost: t\r\n\r\n", 35),
  };
  for (const auto& raw : cases) {
    SCOPED_TRACE(raw.substr(0, raw.find('\r')));
    HttpClient c(server().port());
    ASSERT_TRUE(c.SendRaw(raw)) << c.last_error();
    auto r = c.ReadResponse();
    ASSERT_TRUE(r.has_value()) << "no response: " << c.last_error();
    ExpectErrorBody(*r, 400, "bad_request");
    EXPECT_TRUE(c.WaitForClose(std::chrono::seconds(5))) << c.last_error();
  }
  // A bad escape in the target is a 400 naming the path.
  HttpResponse r = client().Get("/api/v1/tracks/%zz");
  ExpectErrorBody(r, 400, "invalid_argument");
  EXPECT_EQ(r.json()["error"]["field"], "path");
  EXPECT_EQ(client().Get("/healthz").status, 200);
}

TEST_P(ApiTest, ServerLayerRefusalsCarryTheStandardHeaders) {
  // PRODUCT/SECURITY: every response carries X-Request-Id and nosniff, including the ones the
  // socket layer writes itself before the router sees the request.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  struct Case {
    const char* name;
    std::string raw;
    int status;
  };
  const Case cases[] = {
      {"413 body too large", OversizedRegister(2 << 20), 413},
      {"431 headers too large",
       "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Filler: " + std::string(20 << 10, 'h') + "\r\n\r\n",
       431},
      {"400 malformed", "GARBAGE\r\n\r\n", 400},
      {"400 bad escape in the target", "GET /api/v1/tracks/%zz HTTP/1.1\r\nHost: t\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    HttpClient client(server().port());
    client.SendRaw(c.raw);
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.has_value()) << client.last_error();
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(r->Header("X-Content-Type-Options"), "nosniff");
    EXPECT_THAT(r->Header("X-Request-Id"), MatchesRegex("[A-Za-z0-9]{20}"));
  }
}

}  // namespace
}  // namespace sonora::testing

namespace sonora::testing {
namespace {

// A client that starts a request and never finishes it (slowloris) is cut off at the read
// deadline, and the server keeps serving everyone else meanwhile.
TEST_P(ApiTest, SlowClientsAreDisconnectedAtTheReadDeadline) {
  ASSERT_NO_FATAL_FAILURE(StartServer({{"SONORA_READ_TIMEOUT_SECONDS", "1"}}));
  HttpClient slow(server().port());
  ASSERT_TRUE(slow.SendRaw("GET /healthz HTTP/1.1\r\nHost: sonora\r\nX-Dribble: a"));
  HttpClient other(server().port());
  EXPECT_EQ(other.Get("/healthz").status, 200) << "others are served while one client stalls";
  EXPECT_TRUE(slow.WaitForClose(std::chrono::seconds(4)))
      << "an unfinished request must not hold its connection past the deadline";
}

}  // namespace
}  // namespace sonora::testing
