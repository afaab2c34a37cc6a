// Accounts and tokens: registration, login, rotating refresh tokens, logout, tiers.
//
// Tokens are 256-bit CSPRNG strings handed out once and stored only as keyed hashes. An access
// token lives kAccessTokenTtl; a refresh token may be used once, and using it again revokes the
// whole login session (every token issued from it), per RFC 9700's reuse detection.
// Authenticate answers recently seen tokens from memory (auth/token_cache.h); every change made
// here that revokes a token or changes what it grants erases the affected entries at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "auth/token_cache.h"
#include "auth/user.h"
#include "auth/user_repository.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/router.h"

namespace sonora::auth {

inline constexpr std::chrono::hours kAccessTokenTtl{1};          // SECURITY.md §3: <= 1 h
inline constexpr std::chrono::hours kRefreshTokenTtl{24 * 60};   // 60 days, Spotify-like
inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 256;  // bounds the argon2 input a client controls

struct RegisterRequest {
  std::string email;
  std::string username;
  std::string password;
  std::string display_name;  // defaults to username when empty
  std::string country;
};

struct AuthOptions {
  // The access-token cache: capacity and the longest an entry is trusted (auth.token_cache_*).
  TokenCacheOptions token_cache;
};

struct TokenPair {
  User user;
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in_seconds = 0;
};

class AuthService final : public http::Authenticator {
 public:
  // `token_key` is the 32-byte pepper for token hashes (LoadOrCreateKey).
  AuthService(UserRepository& users, store::Database& db, const Clock& clock,
              std::string token_key, AuthOptions options = {});

  // Creates a free-tier account and logs it in.
  // Errors: kInvalidArgument naming the bad field (email, username, password, display_name,
  //         country); kAlreadyExists when the username or email is taken.
  Result<TokenPair> Register(const RegisterRequest& request);

  // Creates an account without logging in (the `sonora user create` command).
  Result<User> CreateUser(const RegisterRequest& request, Tier tier, bool is_admin);

  // Errors: kUnauthenticated for any wrong credential, never saying which part was wrong.
  Result<TokenPair> Login(const std::string& username_or_email, const std::string& password);

  // Rotates: the old refresh token stops working. Errors: kUnauthenticated when unknown,
  // expired, or reused (reuse also revokes the session).
  Result<TokenPair> Refresh(const std::string& refresh_token);

  // Revokes the session the principal logged in with; its access tokens stop working at once
  // on this node, and within the cache's max_age on others.
  Status Logout(const http::Principal& principal);

  // kNotFound when absent.
  Result<User> GetUser(const std::string& user_id);
  // kNotFound when absent. The user's tokens carry the new tier from the next request on (this
  // node; within the cache's max_age on others, or after `sonora user set-tier`).
  Result<User> SetTier(const std::string& user_id, Tier tier);
  // kNotFound when absent. Takes effect for the user's tokens as SetTier does.
  Status SetAdmin(const std::string& user_id, bool is_admin);
  Result<User> FindByName(const std::string& username_or_email);
  Result<std::vector<User>> ListUsers(int64_t limit, int64_t offset);

  // http::Authenticator. kUnauthenticated when unknown, expired or revoked. Thread-safe.
  // Answers from the token cache when it can, else reads the database (and fills the cache).
  Result<http::Principal> Authenticate(std::string_view token) override;
  // http::Authenticator: the cache only, never the database. nullopt when the token is not
  // cached (Authenticate must decide); kUnauthenticated for a token that cannot be valid.
  // Thread-safe; never blocks on I/O.
  std::optional<Result<http::Principal>> TryAuthenticate(std::string_view token) override;

  // Housekeeping: deletes expired access tokens from the database and the cache; returns how
  // many rows went.
  Result<int64_t> DeleteExpiredAccessTokens();

  // The token cache, for tests.
  const AccessTokenCache& token_cache() const { return token_cache_; }

  // Validation shared with the command line.
  static Status ValidateRegistration(const RegisterRequest& request);

 private:
  Result<TokenPair> IssueTokens(store::Session& s, const User& user,
                                const std::string& session_id);

  UserRepository& users_;
  store::Database& db_;
  const Clock& clock_;
  const std::string token_key_;
  AccessTokenCache token_cache_;
};

}  // namespace sonora::auth
