// The fixture shared by the whole-server tests: a data dir (and, for PostgreSQL, a fresh schema
// from TestDatabase), a running `sonora serve`, a client, and assertions for the error shape
// of PRODUCT.md §2.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/http_client.h"
#include "api/server_process.h"
#include "core/json.h"
#include "store/database.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace sonora::testing {

inline constexpr const char* kPassword = "correct horse battery";

class ApiTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  // Stops the server (if a test left it running) and checks the shutdown contract: SIGTERM
  // exits 0 and nothing but the listening line was written to stdout.
  void TearDown() override;

  // Starts a server on this test's data dir and database with `env` on top of the fixture's
  // defaults (auth rate limits high enough for table tests). Fails the test when it won't start.
  void StartServer(const EnvList& env = {});
  // SIGTERMs the server and expects exit code 0.
  void StopServer();

  HttpClient& client() { return *client_; }
  ServerProcess& server() { return *server_; }
  // `--data-dir D [--database U]` for subcommands run against this test's storage.
  std::vector<std::string> StorageArgs() const;

  // POST /api/v1/auth/register for `username` (email <username>@example.com, kPassword, SE);
  // returns the 201 body or null (with a test failure).
  Json Register(const std::string& username, const std::string& country = "SE");
  Json Login(const std::string& username, const std::string& password = kPassword);
  // `sonora user create ...`; returns the printed user id or "" (with a test failure).
  std::string CreateUserWithCli(const std::string& username, bool admin,
                                const std::string& tier = "");

  // Runs `fn` on this test's database (the SQLite file in the data dir or the PostgreSQL
  // schema), for what no endpoint sets or shows.
  template <typename Fn>
  void WithDatabase(Fn fn) {
    if (tdb_) {
      fn(tdb_->db());
      return;
    }
    auto opened = store::OpenDatabase("sqlite://" + data_dir_ + "/sonora.db", {.pool_size = 1});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    fn(**opened);
  }

  std::unique_ptr<TestDatabase> tdb_;  // PostgreSQL only
  std::unique_ptr<TempDir> root_;
  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

std::string ParamName(const ::testing::TestParamInfo<Backend>& info);

// The object's member names.
std::set<std::string> Keys(const Json& j);
// `r` is {"error":{"status":S,"code":C,"message":"..."}} (plus "field" on 400s) with status S,
// and carries X-Content-Type-Options: nosniff and an X-Request-Id like every response.
void ExpectError(const HttpResponse& r, int status, const std::string& code);
// The same, for the body and status only.
void ExpectErrorBody(const HttpResponse& r, int status, const std::string& code);
// `r` is a 400 invalid_argument naming `field`.
void ExpectFieldError(const HttpResponse& r, const std::string& field);
// `r` is a 401 with the RFC 6750 challenge.
void ExpectUnauthenticated(const HttpResponse& r);
// The token response of register/login/refresh, with the user's public fields.
void ExpectTokenResponse(const Json& body, const std::string& username);

}  // namespace sonora::testing
