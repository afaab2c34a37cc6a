// A small synchronous HTTP/1.1 client for the whole-server tests (STYLE.md 3.8): one kept-alive
// connection, typed helpers for JSON requests, and raw byte writes for malformed or pipelined
// input. Built on Boost.Beast; every read and write has a deadline so a hung server fails the
// test instead of hanging it.
//
//   HttpClient client(server->port());
//   HttpResponse r = client.Post("/api/v1/auth/login", {{"username", "alice"}, {"password", pw}});
//   EXPECT_EQ(r.status, 200);
//   EXPECT_EQ(r.json()["token_type"], "Bearer");
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace sonora::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;      // 0 when no response arrived (see HttpClient::last_error())
  HeaderList headers;  // in wire order, names as sent
  std::string body;
  bool keep_alive = false;  // false when the server will close the connection

  // The first header called `name` (case-insensitive); "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // How many headers called `name` there are.
  int HeaderCount(std::string_view name) const;
  // The body parsed as JSON; records a test failure and returns null when it is not JSON.
  Json json() const;
};

class HttpClient {
 public:
  // Connects lazily to 127.0.0.1:`port` on the first request.
  explicit HttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection (opening one first when the previous
  // response closed it) and reads the response. Adds Host, Content-Length and, for a non-empty body
  // without a Content-Type in `headers`, "application/json". Returns status 0 on a transport error.
  HttpResponse Send(std::string_view method, std::string_view target, std::string body = {},
                    const HeaderList& headers = {});

  HttpResponse Get(std::string_view target, const HeaderList& headers = {});
  HttpResponse Post(std::string_view target, const Json& body, const HeaderList& headers = {});
  HttpResponse Put(std::string_view target, const Json& body, const HeaderList& headers = {});

  // Writes `bytes` exactly as given on the current connection (connecting first if needed).
  // False when the write failed, e.g. because the server closed the connection mid-way.
  bool SendRaw(std::string_view bytes);
  // Reads the next response on the connection. `head` skips the body (a response to HEAD).
  // nullopt when the connection closed or the deadline passed first (see last_error()).
  std::optional<HttpResponse> ReadResponse(bool head = false);
  // True when the server closes the connection within `wait` with nothing more to read.
  bool WaitForClose(std::chrono::milliseconds wait);

  void Close();
  bool connected() const;
  // TCP connections opened so far: 1 after any number of kept-alive requests.
  int connects() const { return connects_; }
  const std::string& last_error() const { return last_error_; }

 private:
  struct Impl;
  bool EnsureConnected();

  std::unique_ptr<Impl> impl_;
  int port_;
  std::chrono::milliseconds timeout_;
  int connects_ = 0;
  std::string last_error_;
};

// "Authorization: Bearer <token>" as a header list.
HeaderList Bearer(const std::string& token);

}  // namespace sonora::testing
