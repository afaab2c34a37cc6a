// SQL for accounts, login sessions and tokens. No JSON, no HTTP, no rules: AuthService decides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/user.h"
#include "core/result.h"
#include "store/database.h"

namespace sonora::auth {

struct NewUser {
  User user;
  std::string password_hash;
};

struct TokenOwner {
  User user;
  std::string session_id;
  int64_t expires_at_ms = 0;
};

struct RefreshRecord {
  std::string session_id;
  std::string user_id;
  int64_t expires_at_ms = 0;
  bool used = false;
  bool session_revoked = false;
};

class UserRepository {
 public:
  explicit UserRepository(store::Database& db) : db_(db) {}

  // kAlreadyExists when the username or email (case-insensitively) is taken.
  Status Insert(const NewUser& user);
  // kNotFound when absent.
  Result<User> FindById(const std::string& user_id);
  // By username or email, case-insensitive; also returns the password hash.
  Result<std::pair<User, std::string>> FindForLogin(const std::string& username_or_email);
  Result<bool> UsernameTaken(const std::string& username);
  Result<bool> EmailTaken(const std::string& email);
  Status UpdatePasswordHash(const std::string& user_id, const std::string& hash);
  // kNotFound when the user doesn't exist.
  Status UpdateTier(const std::string& user_id, Tier tier);
  Status UpdateAdmin(const std::string& user_id, bool is_admin);
  Result<std::vector<User>> List(int64_t limit, int64_t offset);
  Result<int64_t> Count();

  // Tokens (hashes only).
  Status InsertSession(store::Session& s, const std::string& session_id,
                       const std::string& user_id, int64_t now_ms);
  Status InsertAccessToken(store::Session& s, const std::string& hash,
                           const std::string& session_id, const std::string& user_id,
                           int64_t expires_at_ms);
  Status InsertRefreshToken(store::Session& s, const std::string& hash,
                            const std::string& session_id, int64_t expires_at_ms);
  // The live owner of an access token; kNotFound when unknown or its session is revoked.
  Result<TokenOwner> FindAccessToken(const std::string& hash);
  Result<RefreshRecord> FindRefreshToken(store::Session& s, const std::string& hash);
  // True when this call marked it used (false: someone already had).
  Result<bool> MarkRefreshUsed(store::Session& s, const std::string& hash, int64_t now_ms);
  // Revokes the session and deletes its access tokens, so they stop working at once.
  Status RevokeSession(store::Session& s, const std::string& session_id, int64_t now_ms);
  // Housekeeping: drops expired access tokens.
  Result<int64_t> DeleteExpiredAccessTokens(int64_t now_ms);

 private:
  store::Database& db_;
};

}  // namespace sonora::auth
