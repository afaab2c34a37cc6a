// Accounts over HTTP against the real binary (PRODUCT.md §2), on SQLite and PostgreSQL:
// register → login → me → refresh → logout with every rejection, the admin flow with
// `sonora user create --admin`, the auth rate limit, and accounts surviving a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/api_fixture.h"

namespace sonora::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST_P(ApiTest, RegisterLoginMeRefreshLogout) {
  ASSERT_NO_FATAL_FAILURE(StartServer());

  // Register: 201, the token response, the public user only.
  HttpResponse r = client().Post("/api/v1/auth/register", {{"email", "Alice@Example.com"},
                                                           {"username", "alice"},
                                                           {"password", kPassword},
                                                           {"display_name", "Alice A."},
                                                           {"country", "se"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");  // tokens must not be cached
  const Json reg = r.json();
  ExpectTokenResponse(reg, "alice");
  const std::string user_id = reg["user"]["user_id"];
  EXPECT_THAT(user_id, MatchesRegex("user_[A-Za-z0-9]{22}"));
  EXPECT_EQ(reg["user"]["display_name"], "Alice A.");
  EXPECT_EQ(reg["user"]["country"], "SE");  // lower case accepted and upper-cased
  EXPECT_EQ(reg["user"]["subscription_tier"], "free");
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("argon2")));

  // Me: the private view.
  r = client().Get("/api/v1/me", Bearer(reg["access_token"]));
  ASSERT_EQ(r.status, 200) << r.body;
  Json me = r.json();
  EXPECT_EQ(Keys(me),
            (std::set<std::string>{"user_id", "username", "display_name", "country",
                                   "subscription_tier", "email", "is_admin", "created_at"}))
      << r.body;
  EXPECT_EQ(me["user_id"], user_id);
  EXPECT_EQ(me["username"], "alice");
  EXPECT_EQ(me["display_name"], "Alice A.");
  EXPECT_EQ(me["country"], "SE");
  EXPECT_EQ(me["subscription_tier"], "free");
  EXPECT_EQ(me["email"], "Alice@Example.com");
  EXPECT_EQ(me["is_admin"], false);
  EXPECT_THAT(me["created_at"].get<std::string>(),
              MatchesRegex("20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));

  // Login by username and by email (any case): 200, a new session each time.
  const Json by_name = Login("alice");
  ExpectTokenResponse(by_name, "alice");
  EXPECT_EQ(by_name["user"]["user_id"], user_id);
  EXPECT_NE(by_name["access_token"], reg["access_token"]);
  r = client().Post("/api/v1/auth/login",
                    {{"email", "ALICE@example.com"}, {"password", kPassword}});
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectTokenResponse(r.json(), "alice");

  // Refresh: a new pair; the old refresh token is spent.
  r = client().Post("/api/v1/auth/refresh", {{"refresh_token", by_name["refresh_token"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  const Json rotated = r.json();
  ExpectTokenResponse(rotated, "alice");
  EXPECT_NE(rotated["access_token"], by_name["access_token"]);
  EXPECT_NE(rotated["refresh_token"], by_name["refresh_token"]);
  EXPECT_EQ(client().Get("/api/v1/me", Bearer(rotated["access_token"])).status, 200);

  // Reuse of the spent refresh token: 401, and the whole family dies with it.
  ExpectUnauthenticated(
      client().Post("/api/v1/auth/refresh", {{"refresh_token", by_name["refresh_token"]}}));
  ExpectUnauthenticated(client().Get("/api/v1/me", Bearer(rotated["access_token"])));
  ExpectUnauthenticated(
      client().Post("/api/v1/auth/refresh", {{"refresh_token", rotated["refresh_token"]}}));
  // The registration session is a different family and still works.
  EXPECT_EQ(client().Get("/api/v1/me", Bearer(reg["access_token"])).status, 200);

  // Logout: 204 with no body; afterwards the access and refresh tokens are dead.
  r = client().Send("POST", "/api/v1/auth/logout", "", Bearer(reg["access_token"]));
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  ExpectUnauthenticated(client().Get("/api/v1/me", Bearer(reg["access_token"])));
  ExpectUnauthenticated(
      client().Post("/api/v1/auth/refresh", {{"refresh_token", reg["refresh_token"]}}));
  ExpectUnauthenticated(
      client().Send("POST", "/api/v1/auth/logout", "", Bearer(reg["access_token"])));
  ExpectUnauthenticated(client().Send("POST", "/api/v1/auth/logout"));

  // The account itself is fine.
  ExpectTokenResponse(Login("alice"), "alice");
}

TEST_P(ApiTest, RegisterRejectsEachBadField) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Json valid = {{"email", "alice@example.com"},
                      {"username", "alice"},
                      {"password", kPassword},
                      {"country", "SE"}};
  struct Case {
    const char* name;
    const char* key;
    Json value;  // null with erase=true: the key is removed
    bool erase;
    const char* field;
  };
  const Case cases[] = {
      {"email missing", "email", nullptr, true, "email"},
      {"email null", "email", nullptr, false, "email"},
      {"email not a string", "email", 5, false, "email"},
      {"email malformed", "email", "alice.example.com", false, "email"},
      {"email without domain dot", "email", "alice@localhost", false, "email"},
      {"username missing", "username", nullptr, true, "username"},
      {"username not a string", "username", Json::array({"alice"}), false, "username"},
      {"username too short", "username", "ab", false, "username"},
      {"username too long", "username", std::string(31, 'a'), false, "username"},
      {"username with space", "username", "al ice", false, "username"},
      {"username non-ASCII", "username",
       "al\xC3\xAF"
       "ce",
       false, "username"},
      {"password missing", "password", nullptr, true, "password"},
      {"password not a string", "password", 12345678, false, "password"},
      {"password too short", "password", "1234567", false, "password"},
      {"password too long", "password", std::string(257, 'p'), false, "password"},
      {"display_name not a string", "display_name", 5, false, "display_name"},
      {"display_name too long", "display_name", std::string(101, 'd'), false, "display_name"},
      {"country missing", "country", nullptr, true, "country"},
      {"country not a string", "country", 46, false, "country"},
      {"country unassigned", "country", "ZZ", false, "country"},
      {"country alpha-3", "country", "SWE", false, "country"},
      {"country empty", "country", "", false, "country"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Json body = valid;
    if (c.erase) {
      body.erase(c.key);
    } else {
      body[c.key] = c.value;
    }
    ExpectFieldError(client().Post("/api/v1/auth/register", body), c.field);
  }

  // Bodies that are not a JSON object name "body".
  const std::pair<const char*, std::string> raw[] = {
      {"empty", ""},
      {"not JSON", "email=alice@example.com"},
      {"truncated", R"({"email":"alice@example.com")"},
      {"array", R"([{"email":"alice@example.com"}])"},
      {"null", "null"},
      {"string", R"("alice")"},
      {"invalid UTF-8",
       "{\"email\":\"alice@example.com\",\"username\":\"alice\",\"password\":\"correct h\xC3\","
       "\"country\":\"SE\"}"},
      {"deeply nested", std::string(100'000, '[')},
  };
  for (const auto& [name, body] : raw) {
    SCOPED_TRACE(name);
    ExpectFieldError(client().Send("POST", "/api/v1/auth/register", body,
                                   {{"Content-Type", "application/json"}}),
                     "body");
  }

  // Nothing above created anything: the name is still free.
  HttpResponse ok = client().Post("/api/v1/auth/register", valid);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_P(ApiTest, DuplicateUsernameOrEmailIs409) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Register("alice");
  const std::pair<std::string, std::string> cases[] = {
      {"alice", "other1@example.com"},
      {"ALICE", "other2@example.com"},
      {"bob", "alice@example.com"},
      {"carol", "ALICE@EXAMPLE.COM"},
  };
  for (const auto& [username, email] : cases) {
    SCOPED_TRACE(username + " " + email);
    ExpectError(
        client().Post(
            "/api/v1/auth/register",
            {{"email", email}, {"username", username}, {"password", kPassword}, {"country", "SE"}}),
        409, "already_exists");
  }
}

TEST_P(ApiTest, LoginFailuresRevealNothing) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Register("alice");
  HttpResponse wrong =
      client().Post("/api/v1/auth/login", {{"username", "alice"}, {"password", "wrong password!"}});
  HttpResponse unknown =
      client().Post("/api/v1/auth/login", {{"username", "mallory"}, {"password", kPassword}});
  HttpResponse unknown_email = client().Post(
      "/api/v1/auth/login", {{"email", "mallory@example.com"}, {"password", kPassword}});
  ExpectUnauthenticated(wrong);
  ExpectUnauthenticated(unknown);
  ExpectUnauthenticated(unknown_email);
  EXPECT_EQ(wrong.json(), unknown.json());  // byte-for-byte the same error
  EXPECT_EQ(wrong.json(), unknown_email.json());

  // Neither username nor email: 400.
  ExpectError(client().Post("/api/v1/auth/login", {{"password", kPassword}}), 400,
              "invalid_argument");
  ExpectFieldError(client().Post("/api/v1/auth/login", {{"username", "alice"}}), "password");
  ExpectFieldError(client().Post("/api/v1/auth/login", {{"username", 5}, {"password", kPassword}}),
                   "username");
  ExpectFieldError(client().Send("POST", "/api/v1/auth/login", "not json"), "body");
  ExpectFieldError(client().Send("POST", "/api/v1/auth/login", "[]"), "body");
}

TEST_P(ApiTest, RefreshRejectsBadTokens) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Json reg = Register("alice");
  ExpectUnauthenticated(client().Post("/api/v1/auth/refresh", {{"refresh_token", "nope"}}));
  ExpectUnauthenticated(client().Post("/api/v1/auth/refresh", {{"refresh_token", ""}}));
  ExpectUnauthenticated(
      client().Post("/api/v1/auth/refresh", {{"refresh_token", std::string(10'000, 'r')}}));
  // An access token is not a refresh token.
  ExpectUnauthenticated(
      client().Post("/api/v1/auth/refresh", {{"refresh_token", reg["access_token"]}}));
  ExpectFieldError(client().Post("/api/v1/auth/refresh", Json::object()), "refresh_token");
  ExpectFieldError(client().Post("/api/v1/auth/refresh", {{"refresh_token", 5}}), "refresh_token");
  // After all that the real one still rotates.
  EXPECT_EQ(client().Post("/api/v1/auth/refresh", {{"refresh_token", reg["refresh_token"]}}).status,
            200);
}

TEST_P(ApiTest, MeRequiresAValidBearerToken) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Json reg = Register("alice");
  const std::string access = reg["access_token"];
  const std::string refresh = reg["refresh_token"];
  const std::pair<const char*, HeaderList> cases[] = {
      {"no header", {}},
      {"garbage token", Bearer("garbage")},
      {"refresh token", Bearer(refresh)},
      {"truncated token", Bearer(access.substr(0, access.size() - 1))},
      {"basic scheme", {{"Authorization", "Basic YWxpY2U6cGFzc3dvcmQ="}}},
      {"token without scheme", {{"Authorization", access}}},
      {"oversized token", Bearer(std::string(4000, 'a'))},
  };
  for (const auto& [name, headers] : cases) {
    SCOPED_TRACE(name);
    ExpectUnauthenticated(client().Get("/api/v1/me", headers));
  }
  // Tokens in query strings are not credentials (SECURITY.md §3).
  ExpectUnauthenticated(client().Get("/api/v1/me?access_token=" + access));
  EXPECT_EQ(client().Get("/api/v1/me", Bearer(access)).status, 200);
}

TEST_P(ApiTest, AdminChangesAnotherUsersTier) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // The admin account comes from the command line, against the running server's storage.
  const std::string admin_id = CreateUserWithCli("root", /*admin=*/true);
  ASSERT_FALSE(admin_id.empty());
  const Json bob = Register("bob");
  const std::string bob_id = bob["user"]["user_id"];
  const Json admin = Login("root");
  ASSERT_TRUE(admin.is_object());
  EXPECT_EQ(admin["user"]["user_id"], admin_id);
  HttpResponse r = client().Get("/api/v1/me", Bearer(admin["access_token"]));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["is_admin"], true);

  const std::string path = "/api/v1/admin/users/" + bob_id + "/subscription";
  r = client().Put(path, {{"tier", "premium"}}, Bearer(admin["access_token"]));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json changed = r.json();
  EXPECT_EQ(Keys(changed), (std::set<std::string>{"user_id", "username", "display_name", "country",
                                                  "subscription_tier"}));
  EXPECT_EQ(changed["user_id"], bob_id);
  EXPECT_EQ(changed["username"], "bob");
  EXPECT_EQ(changed["subscription_tier"], "premium");
  // Bob's existing token sees the new tier at once.
  r = client().Get("/api/v1/me", Bearer(bob["access_token"]));
  EXPECT_EQ(r.json()["subscription_tier"], "premium");

  for (const char* tier : {"family", "hifi", "free"}) {
    r = client().Put(path, {{"tier", tier}}, Bearer(admin["access_token"]));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["subscription_tier"], tier);
  }

  // Rejections.
  ExpectError(client().Put(path, {{"tier", "premium"}}, Bearer(bob["access_token"])), 403,
              "admin_required");
  ExpectUnauthenticated(client().Put(path, {{"tier", "premium"}}));
  ExpectFieldError(client().Put(path, {{"tier", "gold"}}, Bearer(admin["access_token"])), "tier");
  ExpectFieldError(client().Put(path, {{"tier", "Premium"}}, Bearer(admin["access_token"])),
                   "tier");
  ExpectFieldError(client().Put(path, {{"tier", 1}}, Bearer(admin["access_token"])), "tier");
  ExpectFieldError(client().Put(path, Json::object(), Bearer(admin["access_token"])), "tier");
  ExpectError(client().Put("/api/v1/admin/users/user_doesnotexist0000000000/subscription",
                           {{"tier", "premium"}}, Bearer(admin["access_token"])),
              404, "not_found");
  r = client().Get(path, Bearer(admin["access_token"]));
  ExpectError(r, 405, "method_not_allowed");
  EXPECT_THAT(r.Header("Allow"), HasSubstr("PUT"));
  // Still free after the rejected attempts.
  EXPECT_EQ(client().Get("/api/v1/me", Bearer(bob["access_token"])).json()["subscription_tier"],
            "free");

  // A non-admin created on the command line with a tier.
  const std::string carol_id = CreateUserWithCli("carol", /*admin=*/false, "hifi");
  const Json carol = Login("carol");
  r = client().Get("/api/v1/me", Bearer(carol["access_token"]));
  EXPECT_EQ(r.json()["subscription_tier"], "hifi");
  EXPECT_EQ(r.json()["is_admin"], false);

  // The command line refuses a duplicate, with a non-zero exit and nothing on stdout.
  std::vector<std::string> args = {"user", "create"};
  for (const auto& a : StorageArgs()) args.push_back(a);
  for (const char* a : {"--username", "ROOT", "--email", "x@example.com", "--password",
                        "another password", "--country", "SE"}) {
    args.push_back(a);
  }
  CommandResult dup = RunSonora(args);
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_EQ(dup.out, "");
  EXPECT_FALSE(dup.err.empty());
}

TEST_P(ApiTest, AuthRateLimitAnswers429WithRetryAfter) {
  const std::string user_id = CreateUserWithCli("alice", /*admin=*/false);
  ASSERT_FALSE(user_id.empty());
  ASSERT_NO_FATAL_FAILURE(StartServer(
      {{"SONORA_RATE_LIMIT_AUTH_PER_SECOND", "0.01"}, {"SONORA_RATE_LIMIT_AUTH_BURST", "3"}}));
  std::string access;
  for (int i = 0; i < 3; ++i) {
    HttpResponse r =
        client().Post("/api/v1/auth/login", {{"username", "alice"}, {"password", kPassword}});
    ASSERT_EQ(r.status, 200) << "attempt " << i + 1 << ": " << r.body;
    access = r.json()["access_token"];
  }
  HttpResponse r =
      client().Post("/api/v1/auth/login", {{"username", "alice"}, {"password", kPassword}});
  ExpectError(r, 429, "rate_limited");
  ASSERT_TRUE(r.HasHeader("Retry-After"));
  const std::string retry = r.Header("Retry-After");
  ASSERT_THAT(retry, MatchesRegex("[0-9]+"));
  EXPECT_GE(std::stoi(retry), 90);  // one token per 100 s
  EXPECT_LE(std::stoi(retry), 100);
  // The limit is per client address over all credential endpoints ...
  ExpectError(client().Post("/api/v1/auth/register", {{"email", "b@example.com"},
                                                      {"username", "bob"},
                                                      {"password", kPassword},
                                                      {"country", "SE"}}),
              429, "rate_limited");
  // ... and separate from the API's.
  EXPECT_EQ(client().Get("/api/v1/me", Bearer(access)).status, 200);
  EXPECT_EQ(client().Get("/healthz").status, 200);
}

TEST_P(ApiTest, AccountsAndTokensSurviveARestart) {
  // Phase 1: fresh.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Json reg = Register("alice");
  const std::string user_id = reg["user"]["user_id"];
  ASSERT_FALSE(user_id.empty());
  ASSERT_NO_FATAL_FAILURE(StopServer());

  // Phase 2: restarted on the same data dir and database.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Json login = Login("alice");
  ASSERT_TRUE(login.is_object());
  EXPECT_EQ(login["user"]["user_id"], user_id);
  // Tokens issued before the restart still verify: the token key persisted in the data dir.
  HttpResponse r = client().Get("/api/v1/me", Bearer(reg["access_token"]));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["user_id"], user_id);
  r = client().Post("/api/v1/auth/refresh", {{"refresh_token", reg["refresh_token"]}});
  EXPECT_EQ(r.status, 200) << r.body;
  ExpectError(client().Post("/api/v1/auth/register", {{"email", "alice@example.com"},
                                                      {"username", "alice"},
                                                      {"password", kPassword},
                                                      {"country", "SE"}}),
              409, "already_exists");
  ASSERT_NO_FATAL_FAILURE(StopServer());

  // Phase 3: a third start still finds everything (migrations are idempotent).
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_EQ(Login("alice")["user"]["user_id"], user_id);
}

}  // namespace
}  // namespace sonora::testing
