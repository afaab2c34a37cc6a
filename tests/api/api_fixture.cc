#include "api/api_fixture.h"

namespace sonora::testing {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

void ApiTest::SetUp() {
  if (GetParam() == Backend::kPostgres) SONORA_OPEN_TEST_DB(tdb_, Backend::kPostgres);
  root_ = std::make_unique<TempDir>();
  data_dir_ = root_->path() + "/data";  // the server creates it
}

void ApiTest::TearDown() {
  client_.reset();
  if (server_ != nullptr && server_->running()) StopServer();
  server_.reset();
}

void ApiTest::StartServer(const EnvList& env) {
  EnvList all = {{"SONORA_RATE_LIMIT_AUTH_PER_SECOND", "1000"},
                 {"SONORA_RATE_LIMIT_AUTH_BURST", "100000"}};
  all.insert(all.end(), env.begin(), env.end());
  client_.reset();
  ServerProcessOptions options;
  options.data_dir = data_dir_;
  options.database_url = tdb_ ? tdb_->url() : "";
  options.env = std::move(all);
  server_ = ServerProcess::Start(std::move(options));
  ASSERT_NE(server_, nullptr);
  client_ = std::make_unique<HttpClient>(server_->port());
}

void ApiTest::StopServer() {
  ASSERT_NE(server_, nullptr);
  client_.reset();
  EXPECT_EQ(server_->Stop(), 0) << "SIGTERM must shut down gracefully with exit code 0";
  EXPECT_EQ(server_->extra_stdout(), "") << "stdout carries only the listening line";
}

std::vector<std::string> ApiTest::StorageArgs() const {
  std::vector<std::string> args = {"--data-dir", data_dir_};
  if (tdb_) {
    args.push_back("--database");
    args.push_back(tdb_->url());
  }
  return args;
}

Json ApiTest::Register(const std::string& username, const std::string& country) {
  HttpResponse r = client().Post("/api/v1/auth/register", {{"email", username + "@example.com"},
                                                           {"username", username},
                                                           {"password", kPassword},
                                                           {"country", country}});
  EXPECT_EQ(r.status, 201) << r.body << client().last_error();
  return r.status == 201 ? r.json() : Json();
}

Json ApiTest::Login(const std::string& username, const std::string& password) {
  HttpResponse r =
      client().Post("/api/v1/auth/login", {{"username", username}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.body << client().last_error();
  return r.status == 200 ? r.json() : Json();
}

std::string ApiTest::CreateUserWithCli(const std::string& username, bool admin,
                                       const std::string& tier) {
  std::vector<std::string> args = {"user", "create"};
  for (const auto& a : StorageArgs()) args.push_back(a);
  for (const std::string& a :
       {std::string("--username"), username, std::string("--email"), username + "@example.com",
        std::string("--password"), std::string(kPassword), std::string("--country"),
        std::string("SE")}) {
    args.push_back(a);
  }
  if (admin) args.push_back("--admin");
  if (!tier.empty()) {
    args.push_back("--tier");
    args.push_back(tier);
  }
  CommandResult r = RunSonora(args);
  EXPECT_EQ(r.exit_code, 0) << "stdout: " << r.out << "\nstderr: " << r.err;
  EXPECT_THAT(r.out, MatchesRegex("user_[A-Za-z0-9]{22}\n")) << r.err;
  if (r.exit_code != 0 || r.out.empty()) return "";
  return r.out.substr(0, r.out.size() - 1);
}

std::string ParamName(const ::testing::TestParamInfo<Backend>& info) {
  return BackendName(info.param);
}

std::set<std::string> Keys(const Json& j) {
  std::set<std::string> out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) out.insert(it.key());
  return out;
}

void ExpectError(const HttpResponse& r, int status, const std::string& code) {
  ExpectErrorBody(r, status, code);
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << status << " " << code;
  EXPECT_FALSE(r.Header("X-Request-Id").empty()) << status << " " << code;
}

void ExpectErrorBody(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  auto parsed = ParseJson(r.body);
  ASSERT_TRUE(parsed.ok()) << "error body is not JSON: " << r.body;
  const Json& body = *parsed;
  EXPECT_EQ(Keys(body), std::set<std::string>{"error"}) << r.body;
  const Json& err = body["error"];
  EXPECT_EQ(err["status"], status) << r.body;
  EXPECT_EQ(err["code"], code) << r.body;
  EXPECT_TRUE(err["message"].is_string()) << r.body;
  EXPECT_FALSE(err["message"].is_string() && err["message"].get<std::string>().empty()) << r.body;
  std::set<std::string> allowed = {"status", "code", "message", "field"};
  for (const auto& k : Keys(err)) EXPECT_TRUE(allowed.count(k)) << "unexpected key " << k;
}

void ExpectFieldError(const HttpResponse& r, const std::string& field) {
  ExpectError(r, 400, "invalid_argument");
  auto parsed = ParseJson(r.body);
  if (parsed.ok()) {
    EXPECT_EQ((*parsed)["error"]["field"], field) << r.body;
  }
}

void ExpectUnauthenticated(const HttpResponse& r) {
  ExpectError(r, 401, "unauthenticated");
  EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
}

void ExpectTokenResponse(const Json& body, const std::string& username) {
  EXPECT_EQ(Keys(body), (std::set<std::string>{"user", "access_token", "refresh_token",
                                               "token_type", "expires_in"}))
      << body.dump();
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["expires_in"], 3600);
  ASSERT_TRUE(body["access_token"].is_string());
  ASSERT_TRUE(body["refresh_token"].is_string());
  EXPECT_GE(body["access_token"].get<std::string>().size(), 32u);
  EXPECT_GE(body["refresh_token"].get<std::string>().size(), 32u);
  EXPECT_NE(body["access_token"], body["refresh_token"]);
  const Json& user = body["user"];
  EXPECT_EQ(Keys(user), (std::set<std::string>{"user_id", "username", "display_name", "country",
                                               "subscription_tier"}))
      << body.dump();
  EXPECT_EQ(user["username"], username);
  EXPECT_TRUE(user["user_id"].is_string());
  EXPECT_TRUE(user["display_name"].is_string());
  EXPECT_TRUE(user["subscription_tier"].is_string());
}

// One instantiation for every TEST_P(ApiTest, ...) in this binary.
INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::ValuesIn(AllBackends()), ParamName);

}  // namespace sonora::testing
