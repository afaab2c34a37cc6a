// AuthService over a real UserRepository on every backend (STYLE.md 3.8), with a FakeClock for
// token lifetimes: register, login, rotating refresh with reuse detection, logout, expiry,
// validation, tiers and the token table's contents.
#include "auth/auth_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "auth/crypto.h"
#include "auth/token_cache.h"
#include "auth/user_repository.h"
#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::auth {
namespace {

using namespace std::chrono_literals;
using ::sonora::testing::AllBackends;
using ::sonora::testing::Backend;
using ::sonora::testing::BackendName;
using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;
using ::sonora::testing::TestDatabase;

constexpr int64_t kStart = 1762948800000;  // 2025-11-12T12:00:00Z
const std::string kKey(32, 'K');

RegisterRequest Valid(const std::string& name) {
  return RegisterRequest{.email = name + "@example.com",
                         .username = name,
                         .password = "correct horse battery",
                         .display_name = "",
                         .country = "SE"};
}

class AuthServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    repo_ = std::make_unique<UserRepository>(tdb_->db());
    service_ = std::make_unique<AuthService>(*repo_, tdb_->db(), clock_, kKey);
  }

  AuthService& service() { return *service_; }
  store::Database& db() { return tdb_->db(); }

  // Registers `name` and returns its tokens (fails the test on error).
  TokenPair MustRegister(const std::string& name) {
    auto r = service().Register(Valid(name));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : TokenPair{};
  }
  TokenPair MustLogin(const std::string& name,
                      const std::string& password = "correct horse battery") {
    auto r = service().Login(name, password);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : TokenPair{};
  }

  FakeClock clock_{FromMillis(kStart)};
  std::unique_ptr<TestDatabase> tdb_;
  std::unique_ptr<UserRepository> repo_;
  std::unique_ptr<AuthService> service_;
};

TEST_P(AuthServiceTest, RegisterCreatesAFreeAccountAndLogsIn) {
  SONORA_ASSERT_OK_AND_ASSIGN(TokenPair pair, service().Register(Valid("alice")));
  EXPECT_THAT(pair.user.user_id, ::testing::StartsWith("user_"));
  EXPECT_EQ(pair.user.username, "alice");
  EXPECT_EQ(pair.user.email, "alice@example.com");
  EXPECT_EQ(pair.user.display_name, "alice");  // defaults to the username
  EXPECT_EQ(pair.user.country, "SE");
  EXPECT_EQ(pair.user.tier, Tier::kFree);
  EXPECT_FALSE(pair.user.is_admin);
  EXPECT_EQ(pair.user.created_at_ms, kStart);
  EXPECT_EQ(pair.expires_in_seconds, 3600);
  EXPECT_EQ(pair.access_token.size(), 43u);
  EXPECT_EQ(pair.refresh_token.size(), 43u);
  EXPECT_NE(pair.access_token, pair.refresh_token);

  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal p, service().Authenticate(pair.access_token));
  EXPECT_EQ(p.user_id, pair.user.user_id);
  EXPECT_EQ(p.username, "alice");
  EXPECT_EQ(p.country, "SE");
  EXPECT_EQ(p.subscription_tier, "free");
  EXPECT_FALSE(p.is_admin);
  EXPECT_THAT(p.session_id, ::testing::StartsWith("sess_"));

  SONORA_ASSERT_OK_AND_ASSIGN(User stored, service().GetUser(pair.user.user_id));
  EXPECT_EQ(stored.username, "alice");
  EXPECT_EQ(stored.created_at_ms, kStart);
}

TEST_P(AuthServiceTest, DisplayNameIsKept) {
  RegisterRequest r = Valid("bob");
  r.display_name = "Bob \xC3\x98stergaard";
  SONORA_ASSERT_OK_AND_ASSIGN(TokenPair pair, service().Register(r));
  EXPECT_EQ(pair.user.display_name, "Bob \xC3\x98stergaard");
}

TEST_P(AuthServiceTest, DuplicatesAreRejectedCaseInsensitively) {
  MustRegister("alice");
  struct Case {
    const char* name;
    std::string username, email;
  };
  const Case cases[] = {
      {"same username", "alice", "other1@example.com"},
      {"username in upper case", "ALICE", "other2@example.com"},
      {"username mixed case", "aLiCe", "other3@example.com"},
      {"same email", "alice2", "alice@example.com"},
      {"email in upper case", "alice3", "ALICE@EXAMPLE.COM"},
      {"email mixed case", "alice4", "Alice@Example.Com"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RegisterRequest r = Valid("x");
    r.username = c.username;
    r.email = c.email;
    EXPECT_THAT(service().Register(r), StatusIs(Code::kAlreadyExists));
    EXPECT_THAT(service().CreateUser(r, Tier::kFree, false), StatusIs(Code::kAlreadyExists));
  }
  // The names were not burnt by the failed attempts.
  EXPECT_THAT(service().Register(Valid("alice2")), IsOk());
}

TEST_P(AuthServiceTest, RepositoryInsertMapsTheUniqueIndexToAlreadyExists) {
  // The race the pre-check cannot close: two inserts of the same name.
  NewUser a{.user = {.user_id = "user_a",
                     .email = "a@example.com",
                     .username = "Race",
                     .display_name = "Race",
                     .country = "SE",
                     .created_at_ms = kStart},
            .password_hash = "x"};
  NewUser b = a;
  b.user.user_id = "user_b";
  b.user.email = "b@example.com";
  b.user.username = "race";
  EXPECT_THAT(repo_->Insert(a), IsOk());
  EXPECT_THAT(repo_->Insert(b), StatusIs(Code::kAlreadyExists));
  NewUser c = a;
  c.user.user_id = "user_c";
  c.user.username = "other";
  c.user.email = "A@EXAMPLE.COM";
  EXPECT_THAT(repo_->Insert(c), StatusIs(Code::kAlreadyExists));
}

struct ValidationCase {
  const char* name;
  std::function<void(RegisterRequest&)> mutate;
  const char* field;  // "" when valid
};

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const ValidationCase kValidationCases[] = {
    {"valid", [](RegisterRequest&) {}, ""},
    // email
    {"email empty", [](RegisterRequest& r) { r.email = ""; }, "email"},
    {"email without @", [](RegisterRequest& r) { r.email = "alice.example.com"; }, "email"},
    {"email without local part", [](RegisterRequest& r) { r.email = "@example.com"; }, "email"},
    {"email without dot in domain", [](RegisterRequest& r) { r.email = "alice@localhost"; },
     "email"},
    {"email with two @", [](RegisterRequest& r) { r.email = "a@b@example.com"; }, "email"},
    {"email with space", [](RegisterRequest& r) { r.email = "al ice@example.com"; }, "email"},
    {"email ending in dot", [](RegisterRequest& r) { r.email = "alice@example."; }, "email"},
    {"email with newline", [](RegisterRequest& r) { r.email = "alice@example.com\n"; }, "email"},
    {"email 255 chars",
     [](RegisterRequest& r) { r.email = std::string(243, 'a') + "@example.com"; }, "email"},
    {"email 254 chars",
     [](RegisterRequest& r) { r.email = std::string(242, 'a') + "@example.com"; }, ""},
    {"email with plus", [](RegisterRequest& r) { r.email = "alice+tag@mail.example.org"; }, ""},
    // username
    {"username empty", [](RegisterRequest& r) { r.username = ""; }, "username"},
    {"username 2 chars", [](RegisterRequest& r) { r.username = "ab"; }, "username"},
    {"username 3 chars", [](RegisterRequest& r) { r.username = "abc"; }, ""},
    {"username 30 chars", [](RegisterRequest& r) { r.username = std::string(30, 'a'); }, ""},
    {"username 31 chars", [](RegisterRequest& r) { r.username = std::string(31, 'a'); },
     "username"},
    {"username all allowed punctuation", [](RegisterRequest& r) { r.username = "a.b-c_D9"; }, ""},
    {"username with space", [](RegisterRequest& r) { r.username = "al ice"; }, "username"},
    {"username with slash", [](RegisterRequest& r) { r.username = "al/ice"; }, "username"},
    {"username with @", [](RegisterRequest& r) { r.username = "al@ice"; }, "username"},
    {"username non-ASCII",
     [](RegisterRequest& r) {
       r.username =
           "al\xC3\xAF"
           "ce";
     },
     "username"},
    {"username with NUL", [](RegisterRequest& r) { r.username = std::string("ali\0ce", 6); },
     "username"},
    // password
    {"password empty", [](RegisterRequest& r) { r.password = ""; }, "password"},
    {"password 7 chars", [](RegisterRequest& r) { r.password = "1234567"; }, "password"},
    {"password 8 chars", [](RegisterRequest& r) { r.password = "12345678"; }, ""},
    {"password 256 chars", [](RegisterRequest& r) { r.password = std::string(256, 'p'); }, ""},
    {"password 257 chars", [](RegisterRequest& r) { r.password = std::string(257, 'p'); },
     "password"},
    {"password 7 two-byte chars (14 bytes)",
     [](RegisterRequest& r) { r.password = Repeat("\xC3\xA9", 7); }, "password"},
    {"password 8 two-byte chars", [](RegisterRequest& r) { r.password = Repeat("\xC3\xA9", 8); },
     ""},
    // display_name
    {"display_name 100 chars", [](RegisterRequest& r) { r.display_name = std::string(100, 'd'); },
     ""},
    {"display_name 100 two-byte chars",
     [](RegisterRequest& r) { r.display_name = Repeat("\xC3\xA9", 100); }, ""},
    {"display_name 101 chars", [](RegisterRequest& r) { r.display_name = std::string(101, 'd'); },
     "display_name"},
    {"display_name with newline", [](RegisterRequest& r) { r.display_name = "Al\nice"; },
     "display_name"},
    {"display_name with DEL", [](RegisterRequest& r) { r.display_name = "Al\x7Fice"; },
     "display_name"},
    // country (the route upper-cases; the service takes the canonical form only)
    {"country empty", [](RegisterRequest& r) { r.country = ""; }, "country"},
    {"country unassigned", [](RegisterRequest& r) { r.country = "ZZ"; }, "country"},
    {"country alpha-3", [](RegisterRequest& r) { r.country = "SWE"; }, "country"},
    {"country lower case", [](RegisterRequest& r) { r.country = "se"; }, "country"},
    {"country UK", [](RegisterRequest& r) { r.country = "UK"; }, "country"},
    {"country GB", [](RegisterRequest& r) { r.country = "GB"; }, ""},
};

TEST(ValidateRegistrationTest, Table) {
  for (const auto& c : kValidationCases) {
    SCOPED_TRACE(c.name);
    RegisterRequest r = Valid("alice");
    c.mutate(r);
    Status s = AuthService::ValidateRegistration(r);
    if (std::string(c.field).empty()) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, StatusIs(Code::kInvalidArgument));
      EXPECT_EQ(s.field(), c.field);
    }
  }
}

TEST_P(AuthServiceTest, RegisterValidatesBeforeWriting) {
  for (const auto& c : kValidationCases) {
    if (std::string(c.field).empty()) continue;
    SCOPED_TRACE(c.name);
    RegisterRequest r = Valid("alice");
    c.mutate(r);
    auto result = service().Register(r);
    EXPECT_THAT(result, StatusIs(Code::kInvalidArgument));
    EXPECT_EQ(result.status().field(), c.field);
  }
  EXPECT_THAT(repo_->Count(), ::sonora::testing::IsOkAndHolds(0));
}

TEST_P(AuthServiceTest, LoginByUsernameOrEmailInAnyCase) {
  const TokenPair reg = MustRegister("alice");
  for (const char* name : {"alice", "ALICE", "Alice", "alice@example.com", "ALICE@example.COM"}) {
    SCOPED_TRACE(name);
    auto r = service().Login(name, "correct horse battery");
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->user.user_id, reg.user.user_id);
    EXPECT_EQ(r->expires_in_seconds, 3600);
    EXPECT_THAT(service().Authenticate(r->access_token), IsOk());
  }
}

TEST_P(AuthServiceTest, WrongPasswordAndUnknownUserAreIndistinguishable) {
  MustRegister("alice");
  auto wrong = service().Login("alice", "correct horse batterY");
  auto unknown = service().Login("mallory", "correct horse battery");
  auto unknown_email = service().Login("mallory@example.com", "correct horse battery");
  ASSERT_THAT(wrong, StatusIs(Code::kUnauthenticated));
  ASSERT_THAT(unknown, StatusIs(Code::kUnauthenticated));
  ASSERT_THAT(unknown_email, StatusIs(Code::kUnauthenticated));
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_EQ(wrong.status().message(), unknown_email.status().message());
  EXPECT_EQ(wrong.status().reason(), unknown.status().reason());
}

TEST_P(AuthServiceTest, LoginRejectsDegenerateCredentials) {
  MustRegister("alice");
  struct Case {
    const char* name;
    std::string user, password;
  };
  const Case cases[] = {
      {"empty name", "", "correct horse battery"},
      {"empty password", "alice", ""},
      {"oversized name", std::string(300, 'a'), "correct horse battery"},
      {"oversized password", "alice", std::string(10'000, 'p')},
      {"password prefix", "alice", "correct horse"},
      {"name with wildcard", "ali%", "correct horse battery"},
      {"name with SQL", "alice' OR '1'='1", "correct horse battery"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(service().Login(c.user, c.password), StatusIs(Code::kUnauthenticated));
  }
}

TEST_P(AuthServiceTest, EachLoginIsItsOwnSession) {
  MustRegister("alice");
  TokenPair a = MustLogin("alice");
  TokenPair b = MustLogin("alice");
  EXPECT_NE(a.access_token, b.access_token);
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal pa, service().Authenticate(a.access_token));
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal pb, service().Authenticate(b.access_token));
  EXPECT_NE(pa.session_id, pb.session_id);

  ASSERT_THAT(service().Logout(pa), IsOk());
  EXPECT_THAT(service().Authenticate(a.access_token), StatusIs(Code::kUnauthenticated));
  EXPECT_THAT(service().Authenticate(b.access_token), IsOk());
}

TEST_P(AuthServiceTest, RefreshRotatesWithinTheSession) {
  const TokenPair first = MustRegister("alice");
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal p1, service().Authenticate(first.access_token));
  clock_.Advance(10min);
  SONORA_ASSERT_OK_AND_ASSIGN(TokenPair second, service().Refresh(first.refresh_token));
  EXPECT_NE(second.access_token, first.access_token);
  EXPECT_NE(second.refresh_token, first.refresh_token);
  EXPECT_EQ(second.user.user_id, first.user.user_id);
  EXPECT_EQ(second.user.username, "alice");
  EXPECT_EQ(second.expires_in_seconds, 3600);
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal p2, service().Authenticate(second.access_token));
  EXPECT_EQ(p2.session_id, p1.session_id);
  EXPECT_EQ(p2.user_id, p1.user_id);

  // The new refresh token rotates again.
  SONORA_ASSERT_OK_AND_ASSIGN(TokenPair third, service().Refresh(second.refresh_token));
  EXPECT_THAT(service().Authenticate(third.access_token), IsOk());
}

TEST_P(AuthServiceTest, ReusingARefreshTokenRevokesTheWholeFamily) {
  const TokenPair first = MustRegister("alice");
  const TokenPair other_session = MustLogin("alice");
  SONORA_ASSERT_OK_AND_ASSIGN(TokenPair second, service().Refresh(first.refresh_token));
  ASSERT_THAT(service().Authenticate(second.access_token), IsOk());

  // The old refresh token comes back (a thief's copy, or the victim's): 401 ...
  EXPECT_THAT(service().Refresh(first.refresh_token), StatusIs(Code::kUnauthenticated));
  // ... and everything issued in that session is dead.
  EXPECT_THAT(service().Authenticate(second.access_token), StatusIs(Code::kUnauthenticated));
  EXPECT_THAT(service().Authenticate(first.access_token), StatusIs(Code::kUnauthenticated));
  EXPECT_THAT(service().Refresh(second.refresh_token), StatusIs(Code::kUnauthenticated));
  // A third reuse stays refused.
  EXPECT_THAT(service().Refresh(first.refresh_token), StatusIs(Code::kUnauthenticated));
  // Other sessions of the same user live on.
  EXPECT_THAT(service().Authenticate(other_session.access_token), IsOk());
  EXPECT_THAT(service().Refresh(other_session.refresh_token), IsOk());
}

TEST_P(AuthServiceTest, LogoutRevokesAccessAndRefresh) {
  const TokenPair pair = MustRegister("alice");
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal p, service().Authenticate(pair.access_token));
  ASSERT_THAT(service().Logout(p), IsOk());
  EXPECT_THAT(service().Authenticate(pair.access_token), StatusIs(Code::kUnauthenticated));
  EXPECT_THAT(service().Refresh(pair.refresh_token), StatusIs(Code::kUnauthenticated));
  EXPECT_THAT(service().Logout(p), IsOk());  // idempotent
  // The account itself is fine.
  EXPECT_THAT(service().Login("alice", "correct horse battery"), IsOk());
}

TEST_P(AuthServiceTest, AccessTokenExpiresAfterOneHour) {
  const TokenPair pair = MustRegister("alice");
  clock_.Advance(1h - 1ms);
  EXPECT_THAT(service().Authenticate(pair.access_token), IsOk());
  clock_.Advance(1ms);
  EXPECT_THAT(service().Authenticate(pair.access_token), StatusIs(Code::kUnauthenticated));
  // The refresh token still works and yields a fresh hour.
  SONORA_ASSERT_OK_AND_ASSIGN(TokenPair next, service().Refresh(pair.refresh_token));
  EXPECT_THAT(service().Authenticate(next.access_token), IsOk());
  clock_.Advance(1h);
  EXPECT_THAT(service().Authenticate(next.access_token), StatusIs(Code::kUnauthenticated));
}

TEST_P(AuthServiceTest, RefreshTokenExpiresAfterSixtyDays) {
  MustRegister("alice");
  const TokenPair a = MustLogin("alice");
  const TokenPair b = MustLogin("alice");
  const auto sixty_days =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(24 * 60));
  clock_.Advance(sixty_days - 1ms);
  EXPECT_THAT(service().Refresh(a.refresh_token), IsOk());
  clock_.Advance(1ms);
  EXPECT_THAT(service().Refresh(b.refresh_token), StatusIs(Code::kUnauthenticated));
}

TEST_P(AuthServiceTest, AuthenticateRejectsGarbage) {
  const TokenPair pair = MustRegister("alice");
  const std::string cases[] = {
      "",
      "x",
      " ",
      pair.access_token + "x",
      pair.access_token.substr(0, 42),
      std::string(128, 'a'),
      std::string(129, 'a'),
      std::string(1 << 20, 'a'),
      std::string("\0", 1),
      pair.access_token + std::string("\0", 1),
      "' OR 1=1 --",
      "\xFF\xFE",
      pair.refresh_token,  // a refresh token is not an access token
  };
  for (const auto& token : cases) {
    SCOPED_TRACE(token.size() > 64 ? std::to_string(token.size()) + " bytes" : token);
    EXPECT_THAT(service().Authenticate(token), StatusIs(Code::kUnauthenticated));
  }
  // Nor the other way round.
  EXPECT_THAT(service().Refresh(pair.access_token), StatusIs(Code::kUnauthenticated));
  for (const std::string& token : {std::string(), std::string(129, 'r'), std::string("nope")}) {
    EXPECT_THAT(service().Refresh(token), StatusIs(Code::kUnauthenticated));
  }
  // The real one still works after all that.
  EXPECT_THAT(service().Authenticate(pair.access_token), IsOk());
}

TEST_P(AuthServiceTest, TokensAreStoredOnlyAsKeyedHashes) {
  const TokenPair pair = MustRegister("alice");
  SONORA_ASSERT_OK_AND_ASSIGN(auto access, db().Query("SELECT token_hash FROM access_tokens"));
  SONORA_ASSERT_OK_AND_ASSIGN(auto refresh, db().Query("SELECT token_hash FROM refresh_tokens"));
  ASSERT_EQ(access.rows.size(), 1u);
  ASSERT_EQ(refresh.rows.size(), 1u);
  EXPECT_EQ(access.rows[0].GetString(0), HashToken(kKey, pair.access_token));
  EXPECT_EQ(refresh.rows[0].GetString(0), HashToken(kKey, pair.refresh_token));

  // A server with another pepper accepts none of them.
  AuthService other(*repo_, db(), clock_, std::string(32, 'Z'));
  EXPECT_THAT(other.Authenticate(pair.access_token), StatusIs(Code::kUnauthenticated));
  EXPECT_THAT(other.Refresh(pair.refresh_token), StatusIs(Code::kUnauthenticated));
}

TEST_P(AuthServiceTest, PasswordsAreStoredAsArgon2id) {
  MustRegister("alice");
  SONORA_ASSERT_OK_AND_ASSIGN(auto res, db().Query("SELECT password_hash FROM users"));
  ASSERT_EQ(res.rows.size(), 1u);
  EXPECT_THAT(res.rows[0].GetString(0), ::testing::StartsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
}

TEST_P(AuthServiceTest, LoginRehashesAWeakerHash) {
  char weak[crypto_pwhash_STRBYTES];
  const std::string pw = "correct horse battery";
  ASSERT_EQ(crypto_pwhash_str_alg(weak, pw.data(), pw.size(), 1, 8 * 1024 * 1024,
                                  crypto_pwhash_ALG_ARGON2ID13),
            0);
  ASSERT_TRUE(PasswordNeedsRehash(weak));
  NewUser old{.user = {.user_id = "user_old",
                       .email = "old@example.com",
                       .username = "old",
                       .display_name = "Old",
                       .country = "DE",
                       .created_at_ms = kStart},
              .password_hash = weak};
  ASSERT_THAT(repo_->Insert(old), IsOk());

  EXPECT_THAT(service().Login("old", pw), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(auto found, repo_->FindForLogin("old"));
  EXPECT_NE(found.second, std::string(weak));
  EXPECT_FALSE(PasswordNeedsRehash(found.second));
  EXPECT_TRUE(VerifyPassword(found.second, pw));
  EXPECT_THAT(service().Login("old", pw), IsOk());
}

TEST_P(AuthServiceTest, SetTierChangesWhatTokensCarry) {
  const TokenPair pair = MustRegister("alice");
  for (Tier tier : {Tier::kPremium, Tier::kFamily, Tier::kHifi, Tier::kFree}) {
    SCOPED_TRACE(std::string(TierName(tier)));
    SONORA_ASSERT_OK_AND_ASSIGN(User u, service().SetTier(pair.user.user_id, tier));
    EXPECT_EQ(u.tier, tier);
    EXPECT_EQ(u.user_id, pair.user.user_id);
    SONORA_ASSERT_OK_AND_ASSIGN(http::Principal p, service().Authenticate(pair.access_token));
    EXPECT_EQ(p.subscription_tier, TierName(tier));
    SONORA_ASSERT_OK_AND_ASSIGN(User stored, service().GetUser(pair.user.user_id));
    EXPECT_EQ(stored.tier, tier);
  }
  EXPECT_THAT(service().SetTier("user_nobody", Tier::kPremium), StatusIs(Code::kNotFound));
  EXPECT_THAT(service().GetUser("user_nobody"), StatusIs(Code::kNotFound));
}

TEST_P(AuthServiceTest, CreateUserForTheCommandLine) {
  SONORA_ASSERT_OK_AND_ASSIGN(User admin,
                              service().CreateUser(Valid("root"), Tier::kHifi, /*is_admin=*/true));
  EXPECT_TRUE(admin.is_admin);
  EXPECT_EQ(admin.tier, Tier::kHifi);
  // No session was created.
  SONORA_ASSERT_OK_AND_ASSIGN(auto sessions, db().Query("SELECT COUNT(*) FROM auth_sessions"));
  EXPECT_EQ(sessions.rows[0].GetInt(0), 0);

  const TokenPair pair = MustLogin("root");
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal p, service().Authenticate(pair.access_token));
  EXPECT_TRUE(p.is_admin);
  EXPECT_EQ(p.subscription_tier, "hifi");

  ASSERT_THAT(service().SetAdmin(admin.user_id, false), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(p, service().Authenticate(pair.access_token));
  EXPECT_FALSE(p.is_admin);
  EXPECT_THAT(service().SetAdmin("user_nobody", true), StatusIs(Code::kNotFound));

  RegisterRequest bad = Valid("xavier");
  bad.country = "ZZ";
  auto r = service().CreateUser(bad, Tier::kFree, false);
  EXPECT_THAT(r, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(r.status().field(), "country");
}

TEST_P(AuthServiceTest, FindAndListUsers) {
  MustRegister("alice");
  clock_.Advance(1s);
  MustRegister("bob");
  SONORA_ASSERT_OK_AND_ASSIGN(User bob, service().FindByName("BOB@example.com"));
  EXPECT_EQ(bob.username, "bob");
  EXPECT_THAT(service().FindByName("carol"), StatusIs(Code::kNotFound));
  SONORA_ASSERT_OK_AND_ASSIGN(auto all, service().ListUsers(10, 0));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].username, "alice");
  EXPECT_EQ(all[1].username, "bob");
  SONORA_ASSERT_OK_AND_ASSIGN(auto page, service().ListUsers(1, 1));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].username, "bob");
}

TEST_P(AuthServiceTest, ExpiredAccessTokensAreSweptAway) {
  MustRegister("alice");
  MustRegister("bob");
  clock_.Advance(2h);
  SONORA_ASSERT_OK_AND_ASSIGN(int64_t swept, repo_->DeleteExpiredAccessTokens(clock_.NowMillis()));
  EXPECT_EQ(swept, 2);
  SONORA_ASSERT_OK_AND_ASSIGN(auto left, db().Query("SELECT COUNT(*) FROM access_tokens"));
  EXPECT_EQ(left.rows[0].GetInt(0), 0);
}

// The access-token cache (auth/token_cache.h): every test first authenticates once so the
// token is cached, then checks that the cached answer follows each change at once.
class TokenCacheTest : public AuthServiceTest {
 protected:
  // Authenticates twice: the database fills the cache, then the cache answers.
  http::Principal MustCache(const std::string& token) {
    auto first = service().Authenticate(token);
    EXPECT_TRUE(first.ok()) << first.status().ToString();
    auto cached = service().TryAuthenticate(token);
    EXPECT_TRUE(cached.has_value()) << "not cached after a successful Authenticate";
    EXPECT_TRUE(cached && cached->ok());
    return first.ok() ? *first : http::Principal{};
  }
  // The token is refused both ways: from memory and through the database.
  void ExpectRefused(const std::string& token) {
    auto cached = service().TryAuthenticate(token);
    EXPECT_FALSE(cached.has_value() && cached->ok()) << "the cache still answers for the token";
    EXPECT_THAT(service().Authenticate(token), StatusIs(Code::kUnauthenticated));
  }
};

TEST_P(TokenCacheTest, ACachedTokenIsAnsweredWithoutTheDatabase) {
  const TokenPair pair = MustRegister("alice");
  EXPECT_FALSE(service().TryAuthenticate(pair.access_token).has_value()) << "nothing cached yet";
  const http::Principal p = MustCache(pair.access_token);
  // The row is gone behind the service's back (as another node's revocation would do it): the
  // cache answers until its max age, proving the answer came from memory.
  ASSERT_THAT(db().Execute("DELETE FROM access_tokens").status(), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal again, service().Authenticate(pair.access_token));
  EXPECT_EQ(again.user_id, p.user_id);
  EXPECT_EQ(again.session_id, p.session_id);
  EXPECT_EQ(again.subscription_tier, "free");
  EXPECT_EQ(service().token_cache().size(), 1u);
  // Malformed tokens are refused from memory without a lookup.
  EXPECT_THAT(*service().TryAuthenticate(""), StatusIs(Code::kUnauthenticated));
  EXPECT_THAT(*service().TryAuthenticate(std::string(129, 'a')), StatusIs(Code::kUnauthenticated));
  // Unknown tokens are not cached: each one asks the database.
  EXPECT_THAT(service().Authenticate("unknown-token"), StatusIs(Code::kUnauthenticated));
  EXPECT_FALSE(service().TryAuthenticate("unknown-token").has_value());
}

TEST_P(TokenCacheTest, LogoutStopsACachedTokenAtOnce) {
  const TokenPair pair = MustRegister("alice");
  const TokenPair other = MustLogin("alice");
  const http::Principal p = MustCache(pair.access_token);
  MustCache(other.access_token);
  ASSERT_THAT(service().Logout(p), IsOk());
  ExpectRefused(pair.access_token);
  EXPECT_THAT(service().Authenticate(other.access_token), IsOk()) << "another session lives on";
}

TEST_P(TokenCacheTest, RefreshTokenReuseStopsTheFamilysCachedTokensAtOnce) {
  const TokenPair first = MustRegister("alice");
  SONORA_ASSERT_OK_AND_ASSIGN(TokenPair second, service().Refresh(first.refresh_token));
  MustCache(first.access_token);
  MustCache(second.access_token);
  EXPECT_THAT(service().Refresh(first.refresh_token), StatusIs(Code::kUnauthenticated));
  ExpectRefused(first.access_token);
  ExpectRefused(second.access_token);
}

TEST_P(TokenCacheTest, ATierChangeIsSeenOnTheNextRequest) {
  const TokenPair pair = MustRegister("alice");
  ASSERT_THAT(service().SetTier(pair.user.user_id, Tier::kPremium), IsOk());
  EXPECT_EQ(MustCache(pair.access_token).subscription_tier, "premium");
  // A downgrade must not leave premium in memory.
  ASSERT_THAT(service().SetTier(pair.user.user_id, Tier::kFree), IsOk());
  EXPECT_FALSE(service().TryAuthenticate(pair.access_token).has_value());
  SONORA_ASSERT_OK_AND_ASSIGN(http::Principal p, service().Authenticate(pair.access_token));
  EXPECT_EQ(p.subscription_tier, "free");
  // The admin flag too.
  ASSERT_THAT(service().SetAdmin(pair.user.user_id, true), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(p, service().Authenticate(pair.access_token));
  EXPECT_TRUE(p.is_admin);
  MustCache(pair.access_token);
  ASSERT_THAT(service().SetAdmin(pair.user.user_id, false), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(p, service().Authenticate(pair.access_token));
  EXPECT_FALSE(p.is_admin);
}

TEST_P(TokenCacheTest, AnExpiredTokenIsRefusedEvenWhenCached) {
  const TokenPair pair = MustRegister("alice");
  clock_.Advance(1h - 2s);
  MustCache(pair.access_token);  // cached 2 s before the token expires
  clock_.Advance(1s);
  EXPECT_THAT(service().TryAuthenticate(pair.access_token), ::testing::Optional(IsOk()));
  clock_.Advance(1s);  // the token's expiry, well within the cache's max age
  ExpectRefused(pair.access_token);
}

TEST_P(TokenCacheTest, EntriesAreTrustedOnlyForTheirMaxAge) {
  const TokenPair pair = MustRegister("alice");
  MustCache(pair.access_token);
  // Another node revokes the session: this node's memory cannot know.
  ASSERT_THAT(db().Execute("UPDATE auth_sessions SET revoked_at_ms = 1").status(), IsOk());
  clock_.Advance(TokenCacheOptions{}.max_age - 1ms);
  EXPECT_THAT(service().Authenticate(pair.access_token), IsOk()) << "still within the max age";
  clock_.Advance(1ms);
  ExpectRefused(pair.access_token);
}

TEST_P(TokenCacheTest, DeletingExpiredTokensEmptiesTheCacheOfThem) {
  const TokenPair alice = MustRegister("alice");
  clock_.Advance(30min);
  const TokenPair bob = MustRegister("bob");
  clock_.Advance(30min - 1s);
  MustCache(alice.access_token);  // one second left
  MustCache(bob.access_token);
  clock_.Advance(1s);  // alice's token expires now; bob's has 30 min left
  SONORA_ASSERT_OK_AND_ASSIGN(int64_t swept, service().DeleteExpiredAccessTokens());
  EXPECT_EQ(swept, 0) << "the row sweeps strictly older tokens";
  EXPECT_EQ(service().token_cache().size(), 1u);
  ExpectRefused(alice.access_token);
  EXPECT_THAT(service().TryAuthenticate(bob.access_token), ::testing::Optional(IsOk()));
  clock_.Advance(1ms);
  SONORA_ASSERT_OK_AND_ASSIGN(swept, service().DeleteExpiredAccessTokens());
  EXPECT_EQ(swept, 1);
}

TEST_P(TokenCacheTest, CapacityBoundsTheCacheAndEvictsTheLeastRecentlyUsed) {
  service_ = std::make_unique<AuthService>(
      *repo_, db(), clock_, kKey, AuthOptions{.token_cache = {.capacity = 3, .max_age = 5s}});
  const TokenPair first = MustRegister("user0");
  MustCache(first.access_token);
  std::vector<TokenPair> rest;
  for (int i = 1; i <= 4; ++i) {
    rest.push_back(MustRegister("user" + std::to_string(i)));
    MustCache(rest.back().access_token);
    MustCache(first.access_token);  // kept in use: the others go first
    EXPECT_LE(service().token_cache().size(), 3u);
  }
  EXPECT_EQ(service().token_cache().size(), 3u);
  EXPECT_TRUE(service().TryAuthenticate(first.access_token).has_value());
  EXPECT_TRUE(service().TryAuthenticate(rest[3].access_token).has_value());
  EXPECT_TRUE(service().TryAuthenticate(rest[2].access_token).has_value());
  EXPECT_FALSE(service().TryAuthenticate(rest[1].access_token).has_value()) << "evicted";
  EXPECT_FALSE(service().TryAuthenticate(rest[0].access_token).has_value()) << "evicted";
  // An evicted token still works: it is read from the database again.
  EXPECT_THAT(service().Authenticate(rest[0].access_token), IsOk());

  // Capacity 0 turns the cache off.
  service_ = std::make_unique<AuthService>(*repo_, db(), clock_, kKey,
                                           AuthOptions{.token_cache = {.capacity = 0}});
  EXPECT_THAT(service().Authenticate(first.access_token), IsOk());
  EXPECT_FALSE(service().TryAuthenticate(first.access_token).has_value());
  EXPECT_EQ(service().token_cache().size(), 0u);
}

// The race Insert's generation closes: a lookup that read the row before a revocation must not
// put it back after the revocation erased the cache.
TEST(AccessTokenCacheTest, ALookupOlderThanAnEraseIsNotRemembered) {
  AccessTokenCache cache({.capacity = 10, .max_age = 5s});
  http::Principal p;
  p.user_id = "user_a";
  p.session_id = "sess_a";
  const uint64_t before = cache.generation();
  cache.EraseSession("sess_a");  // the revocation lands while the lookup is in the database
  cache.Insert("hash", p, /*token_expires_at_ms=*/kStart + 1000, kStart, before);
  EXPECT_FALSE(cache.Find("hash", kStart).has_value());
  cache.Insert("hash", p, kStart + 1000, kStart, cache.generation());
  EXPECT_TRUE(cache.Find("hash", kStart).has_value());
  EXPECT_FALSE(cache.Find("hash", kStart + 1000).has_value()) << "never past the token's expiry";
  cache.Insert("hash", p, kStart + 1000, kStart + 1000, cache.generation());
  EXPECT_EQ(cache.size(), 0u) << "an expired token is not remembered";
  // Large caches are sharded; the bound still holds.
  AccessTokenCache big({.capacity = 2048, .max_age = 5s});
  for (int i = 0; i < 5000; ++i) {
    big.Insert("h" + std::to_string(i), p, kStart + 1000, kStart, big.generation());
  }
  EXPECT_LE(big.size(), 2048u);
  EXPECT_GE(big.size(), 1024u);
  big.EraseUser("user_a");
  EXPECT_EQ(big.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, TokenCacheTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<Backend>& p) {
                           return BackendName(p.param);
                         });

INSTANTIATE_TEST_SUITE_P(Backends, AuthServiceTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<Backend>& p) {
                           return BackendName(p.param);
                         });

}  // namespace
}  // namespace sonora::auth
