#include "auth/user_repository.h"

#include "core/strings.h"

namespace sonora::auth {

namespace {
constexpr std::string_view kUserColumns =
    "user_id, email, username, display_name, country, subscription_tier, is_admin, created_at_ms";

User UserFromRow(const store::Row& r, size_t base = 0) {
  User u;
  u.user_id = r.GetString(base + 0);
  u.email = r.GetString(base + 1);
  u.username = r.GetString(base + 2);
  u.display_name = r.GetString(base + 3);
  u.country = r.GetString(base + 4);
  u.tier = ParseTier(r.GetString(base + 5)).value_or(Tier::kFree);
  u.is_admin = r.GetBool(base + 6);
  u.created_at_ms = r.GetInt(base + 7);
  return u;
}

std::string Sql(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  std::string s(a);
  s += b;
  s += c;
  return s;
}
}  // namespace

Status UserRepository::Insert(const NewUser& nu) {
  const User& u = nu.user;
  return db_
      .Execute("INSERT INTO users (user_id, email, email_lower, username, username_lower, "
               "display_name, country, subscription_tier, is_admin, password_hash, created_at_ms) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {u.user_id, u.email, ToLower(u.email), u.username, ToLower(u.username),
                u.display_name, u.country, TierName(u.tier), u.is_admin ? 1 : 0, nu.password_hash,
                u.created_at_ms})
      .status();
}

Result<User> UserRepository::FindById(const std::string& user_id) {
  static const std::string sql = Sql("SELECT ", kUserColumns, " FROM users WHERE user_id = ?");
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {user_id}));
  if (res.rows.empty()) return Status::NotFound("no such user");
  return UserFromRow(res.rows[0]);
}

Result<std::pair<User, std::string>> UserRepository::FindForLogin(const std::string& name) {
  static const std::string sql =
      Sql("SELECT ", kUserColumns,
          ", password_hash FROM users WHERE username_lower = ? OR email_lower = ? LIMIT 1");
  std::string lower = ToLower(name);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {lower, lower}));
  if (res.rows.empty()) return Status::NotFound("no such user");
  return std::make_pair(UserFromRow(res.rows[0]), res.rows[0].GetString(8));
}

Result<bool> UserRepository::UsernameTaken(const std::string& username) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT 1 FROM users WHERE username_lower = ?", {ToLower(username)}));
  return !res.rows.empty();
}

Result<bool> UserRepository::EmailTaken(const std::string& email) {
  SONORA_ASSIGN_OR_RETURN(auto res,
                          db_.Query("SELECT 1 FROM users WHERE email_lower = ?", {ToLower(email)}));
  return !res.rows.empty();
}

Status UserRepository::UpdatePasswordHash(const std::string& user_id, const std::string& hash) {
  return db_.Execute("UPDATE users SET password_hash = ? WHERE user_id = ?", {hash, user_id})
      .status();
}

Status UserRepository::UpdateTier(const std::string& user_id, Tier tier) {
  SONORA_ASSIGN_OR_RETURN(auto res,
                          db_.Execute("UPDATE users SET subscription_tier = ? WHERE user_id = ?",
                                      {TierName(tier), user_id}));
  if (res.affected_rows == 0) return Status::NotFound("no such user");
  return Status();
}

Status UserRepository::UpdateAdmin(const std::string& user_id, bool is_admin) {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Execute("UPDATE users SET is_admin = ? WHERE user_id = ?",
                                                {is_admin ? 1 : 0, user_id}));
  if (res.affected_rows == 0) return Status::NotFound("no such user");
  return Status();
}

Result<std::vector<User>> UserRepository::List(int64_t limit, int64_t offset) {
  static const std::string sql =
      Sql("SELECT ", kUserColumns, " FROM users ORDER BY created_at_ms, user_id LIMIT ? OFFSET ?");
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {limit, offset}));
  std::vector<User> out;
  for (const auto& r : res.rows) out.push_back(UserFromRow(r));
  return out;
}

Result<int64_t> UserRepository::Count() {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query("SELECT COUNT(*) FROM users"));
  return res.rows[0].GetInt(0);
}

Status UserRepository::InsertSession(store::Session& s, const std::string& session_id,
                                     const std::string& user_id, int64_t now_ms) {
  return s
      .Query("INSERT INTO auth_sessions (session_id, user_id, created_at_ms) VALUES (?, ?, ?)",
             {session_id, user_id, now_ms})
      .status();
}

Status UserRepository::InsertAccessToken(store::Session& s, const std::string& hash,
                                         const std::string& session_id,
                                         const std::string& user_id, int64_t expires_at_ms) {
  return s
      .Query("INSERT INTO access_tokens (token_hash, session_id, user_id, expires_at_ms) "
             "VALUES (?, ?, ?, ?)",
             {hash, session_id, user_id, expires_at_ms})
      .status();
}

Status UserRepository::InsertRefreshToken(store::Session& s, const std::string& hash,
                                          const std::string& session_id, int64_t expires_at_ms) {
  return s
      .Query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at_ms) VALUES (?, ?, ?)",
             {hash, session_id, expires_at_ms})
      .status();
}

Result<TokenOwner> UserRepository::FindAccessToken(const std::string& hash) {
  static const std::string sql =
      "SELECT u.user_id, u.email, u.username, u.display_name, u.country, u.subscription_tier, "
      "u.is_admin, u.created_at_ms, t.session_id, t.expires_at_ms "
      "FROM access_tokens t JOIN users u ON u.user_id = t.user_id "
      "JOIN auth_sessions s ON s.session_id = t.session_id "
      "WHERE t.token_hash = ? AND s.revoked_at_ms IS NULL";
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {hash}));
  if (res.rows.empty()) return Status::NotFound("unknown token");
  TokenOwner owner;
  owner.user = UserFromRow(res.rows[0]);
  owner.session_id = res.rows[0].GetString(8);
  owner.expires_at_ms = res.rows[0].GetInt(9);
  return owner;
}

Result<RefreshRecord> UserRepository::FindRefreshToken(store::Session& s,
                                                       const std::string& hash) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, s.Query("SELECT r.session_id, a.user_id, r.expires_at_ms, r.used_at_ms, "
                        "a.revoked_at_ms FROM refresh_tokens r JOIN auth_sessions a "
                        "ON a.session_id = r.session_id WHERE r.token_hash = ?",
                        {hash}));
  if (res.rows.empty()) return Status::NotFound("unknown refresh token");
  const auto& r = res.rows[0];
  return RefreshRecord{r.GetString(0), r.GetString(1), r.GetInt(2), !r.IsNull(3), !r.IsNull(4)};
}

Result<bool> UserRepository::MarkRefreshUsed(store::Session& s, const std::string& hash,
                                             int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, s.Query("UPDATE refresh_tokens SET used_at_ms = ? "
                        "WHERE token_hash = ? AND used_at_ms IS NULL",
                        {now_ms, hash}));
  return res.affected_rows == 1;
}

Status UserRepository::RevokeSession(store::Session& s, const std::string& session_id,
                                     int64_t now_ms) {
  SONORA_RETURN_IF_ERROR(s.Query("UPDATE auth_sessions SET revoked_at_ms = ? "
                                 "WHERE session_id = ? AND revoked_at_ms IS NULL",
                                 {now_ms, session_id})
                             .status());
  return s.Query("DELETE FROM access_tokens WHERE session_id = ?", {session_id}).status();
}

Result<int64_t> UserRepository::DeleteExpiredAccessTokens(int64_t now_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Execute("DELETE FROM access_tokens WHERE expires_at_ms < ?", {now_ms}));
  return res.affected_rows;
}

}  // namespace sonora::auth
