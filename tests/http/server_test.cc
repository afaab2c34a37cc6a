// http/server: the response head the server formats itself (FormatResponseHead, byte for
// byte) and a real Server on a loopback socket: file slices sent with sendfile, HEAD, bodiless
// statuses and keep-alive, read back with plain sockets.
#include "http/server/server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "http/rate_limiter.h"

namespace sonora::http {
namespace {

Response FileResponse(int status) {
  Response r;
  r.status = status;
  r.content_type = "audio/ogg";
  r.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
  r.SetHeader("ETag", "\"t1-v1-160-chunk_0.ogg\"");
  return r;
}

TEST(FormatResponseHeadTest, WritesStatusTypeServerHeadersAndLengthInOrder) {
  std::string out;
  FormatResponseHead(out, FileResponse(200), 11, 115701, false);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: audio/ogg\r\n"
            "Server: sonora\r\n"
            "Cache-Control: public, max-age=31536000, immutable\r\n"
            "ETag: \"t1-v1-160-chunk_0.ogg\"\r\n"
            "Content-Length: 115701\r\n"
            "\r\n");
}

TEST(FormatResponseHeadTest, PartialContentAndConnectionByVersion) {
  Response r = FileResponse(206);
  r.SetHeader("Content-Range", "bytes 0-99/115701");
  std::string out;
  FormatResponseHead(out, r, 11, 100, true);
  EXPECT_EQ(out.substr(0, 30), "HTTP/1.1 206 Partial Content\r\n");
  EXPECT_NE(out.find("\r\nContent-Range: bytes 0-99/115701\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"), std::string::npos);
  // HTTP/1.0: keep-alive must be said; close is the default and is not.
  FormatResponseHead(out, r, 10, 100, false);
  EXPECT_EQ(out.substr(0, 9), "HTTP/1.0 ");
  EXPECT_NE(out.find("\r\nConnection: keep-alive\r\n\r\n"), std::string::npos);
  FormatResponseHead(out, r, 10, 100, true);
  EXPECT_EQ(out.find("Connection:"), std::string::npos);
}

TEST(FormatResponseHeadTest, BodilessStatusesHaveNoContentLength) {
  std::string out;
  for (int status : {304, 204, 101}) {
    Response r = FileResponse(status);
    FormatResponseHead(out, r, 11, 0, false);
    EXPECT_EQ(out.find("Content-Length"), std::string::npos) << status;
  }
  Response empty_type = Response::NoContent();
  FormatResponseHead(out, empty_type, 11, 0, false);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\nServer: sonora\r\n\r\n");
  // A 416 carries its JSON error and its length.
  Response unsatisfiable = Response::Json(416, Json{{"error", "x"}});
  unsatisfiable.SetHeader("Content-Range", "bytes */10");
  FormatResponseHead(out, unsatisfiable, 11, 13, false);
  EXPECT_EQ(out.substr(0, 42), "HTTP/1.1 416 Range Not Satisfiable\r\nConten");
  EXPECT_NE(out.find("\r\nContent-Length: 13\r\n"), std::string::npos);
}

TEST(FormatResponseHeadTest, DropsFieldsThatWouldSplitTheHead) {
  Response r = FileResponse(200);
  r.SetHeader("X-Evil", "a\r\nSet-Cookie: s=1");
  r.SetHeader("X-Nul", std::string("a\0b", 3));
  r.SetHeader("X-Fine", "ok");
  std::string out;
  FormatResponseHead(out, r, 11, 1, false);
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(out.find("X-Evil"), std::string::npos);
  EXPECT_EQ(out.find("X-Nul"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Fine: ok\r\n"), std::string::npos);
}

// Fields shared by many responses go out as formatted once, before the response's own; a
// field the response sets itself replaces the shared one of that name, and an unsafe shared
// field is dropped like any other.
TEST(FormatResponseHeadTest, SharedFieldsComeFirstAndOwnFieldsReplaceThem) {
  auto shared = std::make_shared<const SharedHeaders>(HeaderList{
      {"Cache-Control", "public, max-age=31536000, immutable"},
      {"ETag", "\"t1-v1-160-chunk_0.ogg\""},
      {"X-Evil", "a\r\nSet-Cookie: s=1"},
      {"Accept-Ranges", "bytes"},
  });
  EXPECT_EQ(shared->wire(),
            "Cache-Control: public, max-age=31536000, immutable\r\n"
            "ETag: \"t1-v1-160-chunk_0.ogg\"\r\n"
            "Accept-Ranges: bytes\r\n");
  Response r;
  r.content_type = "audio/ogg";
  r.shared_headers = shared;
  r.SetHeader("X-Request-Id", "abc");
  std::string out;
  FormatResponseHead(out, r, 11, 7, false);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: audio/ogg\r\n"
            "Server: sonora\r\n"
            "Cache-Control: public, max-age=31536000, immutable\r\n"
            "ETag: \"t1-v1-160-chunk_0.ogg\"\r\n"
            "Accept-Ranges: bytes\r\n"
            "X-Request-Id: abc\r\n"
            "Content-Length: 7\r\n"
            "\r\n");
  EXPECT_EQ(r.GetHeader("etag"), "\"t1-v1-160-chunk_0.ogg\"") << "found among the shared";

  r.SetHeader("cache-control", "no-store");
  EXPECT_EQ(r.GetHeader("Cache-Control"), "no-store") << "its own field wins";
  FormatResponseHead(out, r, 11, 7, false);
  EXPECT_EQ(out.find("immutable"), std::string::npos);
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_NE(out.find("\r\nETag: \"t1-v1-160-chunk_0.ogg\"\r\nAccept-Ranges: bytes\r\n"
                     "X-Request-Id: abc\r\ncache-control: no-store\r\n"),
            std::string::npos)
      << out;
}

TEST(FormatResponseHeadTest, ReusesTheBufferWithoutReallocating) {
  std::string out;
  out.reserve(1024);
  const char* data = out.data();
  for (int i = 0; i < 100; ++i) FormatResponseHead(out, FileResponse(200), 11, i, i % 2 == 0);
  EXPECT_EQ(out.data(), data);
}

// A real server on 127.0.0.1 with a non-blocking file route (run on the I/O thread) and a
// blocking JSON route (run on a worker).
class ServerTest : public ::testing::Test {
 protected:
  class NoAuth final : public Authenticator {
   public:
    Result<Principal> Authenticate(std::string_view) override {
      return Status::Unauthenticated("invalid token");
    }
  };

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sonora_server_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    for (int i = 0; i < 1000; ++i) content_ += static_cast<char>('a' + i % 26);
    std::ofstream(dir_ / "chunk.ogg", std::ios::binary) << content_;

    router_ = std::make_unique<Router>(RouterOptions{.access_log = false}, auth_, limiter_,
                                       metrics_, clock_);
    const std::string path = (dir_ / "chunk.ogg").string();
    router_->Add(Method::kGet, "/media/{file}", "media:get",
                 {.auth = AuthPolicy::kPublic, .limit = LimitClass::kNone, .blocking = false},
                 [path](Request& req) -> Result<Response> {
                   Response r;
                   r.content_type = "audio/ogg";
                   r.SetHeader("ETag", "\"e1\"");
                   if (req.Header("if-none-match") == "\"e1\"") {
                     r.status = 304;
                     r.content_type.clear();
                     return r;
                   }
                   const bool ranged = req.Header("range").has_value();
                   r.status = ranged ? 206 : 200;
                   if (ranged) r.SetHeader("Content-Range", "bytes 10-19/1000");
                   r.file = FileSlice{path, ranged ? 10 : 0, ranged ? 10 : 1000, nullptr};
                   return r;
                 });
    router_->Add(Method::kGet, "/json", "json:get", {.auth = AuthPolicy::kPublic},
                 [](Request&) -> Result<Response> {
                   return Response::Json(200, Json{{"ok", true}});
                 });
    // A blocking route with a non-blocking attempt: "/try/answer" is answered by the attempt,
    // "/try/decline" declined to the handler. Each records the thread it ran on.
    router_->Add(
        Method::kGet, "/try/{mode}", "try:get", {.auth = AuthPolicy::kPublic},
        [this](Request&) -> Result<Response> {
          std::lock_guard<std::mutex> lock(mu_);
          handler_threads_.push_back(std::this_thread::get_id());
          return Response::Json(200, Json{{"by", "handler"}});
        },
        [this](const Request& req) -> std::optional<Result<Response>> {
          std::lock_guard<std::mutex> lock(mu_);
          attempt_threads_.push_back(std::this_thread::get_id());
          if (req.PathParam("mode") == "decline") return std::nullopt;
          return Result<Response>(Response::Json(200, Json{{"by", "attempt"}}));
        });
    ServerOptions options;
    options.port = 0;
    options.io_threads = 2;
    options.worker_threads = 2;
    auto server = Server::Start(options, *router_, metrics_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->Run(false); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    std::filesystem::remove_all(dir_);
  }

  int Connect() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    return fd;
  }

  static void Send(int fd, const std::string& text) {
    ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(text.size()));
  }

  // One response: the head as sent, and `body_bytes` bytes after it.
  static std::pair<std::string, std::string> Read(int fd, size_t body_bytes) {
    std::string data;
    char buf[4096];
    size_t end = std::string::npos;
    while (end == std::string::npos || data.size() < end + 4 + body_bytes) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
      end = data.find("\r\n\r\n");
    }
    if (end == std::string::npos) return {data, ""};
    return {data.substr(0, end + 4), data.substr(end + 4)};
  }

  static std::string Field(const std::string& head, const std::string& name) {
    size_t at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    at += name.size() + 4;
    return head.substr(at, head.find("\r\n", at) - at);
  }

  std::mutex mu_;
  std::vector<std::thread::id> handler_threads_;
  std::vector<std::thread::id> attempt_threads_;
  std::filesystem::path dir_;
  std::string content_;
  FakeClock clock_{TimePoint(std::chrono::milliseconds(1762948800000))};
  NoAuth auth_;
  LocalRateLimiter limiter_{clock_};
  Metrics metrics_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, KeepAliveConnectionServesFilesRangesHeadAndBodilessAnswersInOrder) {
  int fd = Connect();
  // A whole file, then a range, then HEAD (no body may follow), then a 304, then JSON from a
  // worker, all on one connection; the last two are sent pipelined.
  Send(fd, "GET /media/chunk.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
  auto [head, body] = Read(fd, 1000);
  EXPECT_EQ(head.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(Field(head, "Content-Length"), "1000");
  EXPECT_EQ(Field(head, "Content-Type"), "audio/ogg");
  EXPECT_EQ(Field(head, "X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(Field(head, "X-Request-Id").empty());
  EXPECT_EQ(body, content_);

  Send(fd, "GET /media/chunk.ogg HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\n\r\n");
  std::tie(head, body) = Read(fd, 10);
  EXPECT_EQ(head.substr(0, 30), "HTTP/1.1 206 Partial Content\r\n");
  EXPECT_EQ(Field(head, "Content-Range"), "bytes 10-19/1000");
  EXPECT_EQ(Field(head, "Content-Length"), "10");
  EXPECT_EQ(body, content_.substr(10, 10));

  Send(fd, "HEAD /media/chunk.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
  std::tie(head, body) = Read(fd, 0);
  EXPECT_EQ(head.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(Field(head, "Content-Length"), "1000");
  EXPECT_EQ(body, "");

  Send(fd,
       "GET /media/chunk.ogg HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"e1\"\r\n\r\n"
       "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");
  std::tie(head, body) = Read(fd, 0);
  EXPECT_EQ(head.substr(0, 26), "HTTP/1.1 304 Not Modified\r");
  EXPECT_EQ(Field(head, "Content-Length"), "");
  // The 304 had no body: the very next bytes are the JSON response's head.
  std::string rest = body;
  while (rest.find("{\"ok\":true}") == std::string::npos) {
    char buf[1024];
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    rest.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(rest.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(Field(rest, "Content-Type"), "application/json");
  EXPECT_EQ(Field(rest, "Content-Length"), "11");
  EXPECT_EQ(rest.substr(rest.size() - 11), "{\"ok\":true}");
  ::close(fd);
}

TEST_F(ServerTest, ConnectionCloseIsHonouredAndAFileThatVanishedIs404) {
  int fd = Connect();
  Send(fd, "GET /media/chunk.ogg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto [head, body] = Read(fd, 1000);
  EXPECT_EQ(Field(head, "Connection"), "close");
  EXPECT_EQ(body, content_);
  char c;
  EXPECT_EQ(::recv(fd, &c, 1, 0), 0) << "the server closes after a Connection: close request";
  ::close(fd);

  std::filesystem::remove(dir_ / "chunk.ogg");
  fd = Connect();
  Send(fd, "GET /media/chunk.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
  std::tie(head, body) = Read(fd, 0);
  EXPECT_EQ(head.substr(0, 24), "HTTP/1.1 404 Not Found\r\n");
  const size_t length = std::stoul(Field(head, "Content-Length"));
  while (body.size() < length) {
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    body.append(buf, static_cast<size_t>(n));
  }
  EXPECT_NE(body.find("\"code\":\"not_found\""), std::string::npos) << body;
  ::close(fd);
}

TEST_F(ServerTest, AnAttemptAnswersOnTheIoThreadAndADeclineRunsOnAWorker) {
  int fd = Connect();
  Send(fd, "GET /try/answer HTTP/1.1\r\nHost: x\r\n\r\n");
  auto [head, body] = Read(fd, 16);
  EXPECT_THAT(head, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(body, R"({"by":"attempt"})");
  Send(fd, "GET /try/decline HTTP/1.1\r\nHost: x\r\n\r\n");
  auto [head2, body2] = Read(fd, 16);
  EXPECT_THAT(head2, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(body2, R"({"by":"handler"})");
  EXPECT_FALSE(Field(head2, "X-Request-Id").empty());
  ::close(fd);

  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(attempt_threads_.size(), 2u);
  ASSERT_EQ(handler_threads_.size(), 1u) << "only the declined request reached the handler";
  // One connection lives on one I/O thread: both attempts ran there, the handler elsewhere.
  EXPECT_EQ(attempt_threads_[0], attempt_threads_[1]);
  EXPECT_NE(handler_threads_[0], attempt_threads_[1]) << "the declined request went to a worker";
  EXPECT_NE(handler_threads_[0], std::this_thread::get_id());
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, ::testing::HasSubstr("sonora_http_attempts_answered 1\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("sonora_http_attempts_declined 1\n"));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "sonora_http_requests_total{action=\"try:get\",code=\"200\"} 2\n"));
}

}  // namespace
}  // namespace sonora::http
