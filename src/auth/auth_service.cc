#include "auth/auth_service.h"

#include "auth/crypto.h"
#include "core/country.h"
#include "core/ids.h"
#include "core/random.h"
#include "core/strings.h"

namespace sonora::auth {

namespace {
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool HasControlChars(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

Status Unauthenticated() { return Status::Unauthenticated("invalid credentials"); }
}  // namespace

AuthService::AuthService(UserRepository& users, store::Database& db, const Clock& clock,
                         std::string token_key, AuthOptions options)
    : users_(users),
      db_(db),
      clock_(clock),
      token_key_(std::move(token_key)),
      token_cache_(options.token_cache) {
  InitCrypto();
}

Status AuthService::ValidateRegistration(const RegisterRequest& r) {
  // Email: one '@', a dot in the domain, no spaces; deliverability is not our business.
  const std::string& e = r.email;
  size_t at = e.find('@');
  if (e.size() < 3 || e.size() > 254 || at == std::string::npos || at == 0 ||
      e.find('@', at + 1) != std::string::npos || e.find('.', at) == std::string::npos ||
      e.back() == '.' || e.find(' ') != std::string::npos || HasControlChars(e)) {
    return Status::InvalidArgument("email", "'email' is not a valid address");
  }
  if (r.username.size() < 3 || r.username.size() > 30) {
    return Status::InvalidArgument("username", "'username' must be 3 to 30 characters");
  }
  for (char c : r.username) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("username",
                                     "'username' may hold letters, digits, '_', '.', '-' only");
    }
  }
  if (Utf8Length(r.password) < kMinPasswordLength || r.password.size() > kMaxPasswordLength) {
    return Status::InvalidArgument("password", "'password' must be 8 to 256 characters");
  }
  if (Utf8Length(r.display_name) > 100 || HasControlChars(r.display_name)) {
    return Status::InvalidArgument("display_name",
                                   "'display_name' must be at most 100 printable characters");
  }
  if (!IsCountryCode(r.country)) {
    return Status::InvalidArgument("country", "'country' must be an ISO 3166-1 alpha-2 code");
  }
  return Status();
}

Result<User> AuthService::CreateUser(const RegisterRequest& request, Tier tier, bool is_admin) {
  SONORA_RETURN_IF_ERROR(ValidateRegistration(request));
  SONORA_ASSIGN_OR_RETURN(bool name_taken, users_.UsernameTaken(request.username));
  if (name_taken) return Status::AlreadyExists("username is taken");
  SONORA_ASSIGN_OR_RETURN(bool email_taken, users_.EmailTaken(request.email));
  if (email_taken) return Status::AlreadyExists("email is already registered");

  SONORA_ASSIGN_OR_RETURN(std::string hash, HashPassword(request.password));
  NewUser nu;
  nu.user.user_id = NewId("user");
  nu.user.email = request.email;
  nu.user.username = request.username;
  nu.user.display_name = request.display_name.empty() ? request.username : request.display_name;
  nu.user.country = request.country;
  nu.user.tier = tier;
  nu.user.is_admin = is_admin;
  nu.user.created_at_ms = clock_.NowMillis();
  nu.password_hash = std::move(hash);
  // A concurrent registration of the same name loses here on the unique index: kAlreadyExists.
  SONORA_RETURN_IF_ERROR(users_.Insert(nu));
  return nu.user;
}

Result<TokenPair> AuthService::Register(const RegisterRequest& request) {
  SONORA_ASSIGN_OR_RETURN(User user, CreateUser(request, Tier::kFree, false));
  Result<TokenPair> pair = Status::Internal("unset");
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    std::string session_id = NewId("sess");
    SONORA_RETURN_IF_ERROR(users_.InsertSession(s, session_id, user.user_id, clock_.NowMillis()));
    pair = IssueTokens(s, user, session_id);
    return pair.status();
  }));
  return pair;
}

Result<TokenPair> AuthService::Login(const std::string& name, const std::string& password) {
  if (name.empty() || name.size() > 254 || password.size() > kMaxPasswordLength) {
    BurnPasswordVerification(password.substr(0, kMaxPasswordLength));
    return Unauthenticated();
  }
  auto found = users_.FindForLogin(name);
  if (!found.ok()) {
    if (found.status().code() != Code::kNotFound) return found.status();
    BurnPasswordVerification(password);
    return Unauthenticated();
  }
  auto& [user, hash] = *found;
  if (!VerifyPassword(hash, password)) return Unauthenticated();
  if (PasswordNeedsRehash(hash)) {
    if (auto rehashed = HashPassword(password); rehashed.ok()) {
      users_.UpdatePasswordHash(user.user_id, *rehashed).IgnoreError();  // best effort
    }
  }
  Result<TokenPair> pair = Status::Internal("unset");
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    std::string session_id = NewId("sess");
    SONORA_RETURN_IF_ERROR(users_.InsertSession(s, session_id, user.user_id, clock_.NowMillis()));
    pair = IssueTokens(s, user, session_id);
    return pair.status();
  }));
  return pair;
}

Result<TokenPair> AuthService::Refresh(const std::string& refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > 128) return Unauthenticated();
  const std::string hash = HashToken(token_key_, refresh_token);
  const int64_t now = clock_.NowMillis();
  Result<TokenPair> pair = Status::Internal("unset");
  bool reuse = false;
  std::string reused_session;
  Status s = db_.Transact([&](store::Session& session) -> Status {
    auto rec = users_.FindRefreshToken(session, hash);
    if (!rec.ok()) return rec.status().code() == Code::kNotFound ? Unauthenticated() : rec.status();
    if (rec->session_revoked || rec->expires_at_ms <= now) return Unauthenticated();
    SONORA_ASSIGN_OR_RETURN(bool marked, users_.MarkRefreshUsed(session, hash, now));
    if (rec->used || !marked) {
      reuse = true;
      reused_session = rec->session_id;
      return Unauthenticated();
    }
    SONORA_ASSIGN_OR_RETURN(User user, users_.FindById(rec->user_id));
    pair = IssueTokens(session, user, rec->session_id);
    return pair.status();
  });
  if (reuse) {
    // A used refresh token came back: someone holds a copy. Kill the whole family.
    db_.Transact([&](store::Session& session) {
         return users_.RevokeSession(session, reused_session, now);
       }).IgnoreError();  // the 401 below stands either way; the next reuse retries the revoke
    token_cache_.EraseSession(reused_session);
  }
  if (!s.ok()) return s;
  return pair;
}

Status AuthService::Logout(const http::Principal& principal) {
  Status s = db_.Transact([&](store::Session& session) {
    return users_.RevokeSession(session, principal.session_id, clock_.NowMillis());
  });
  // Erased after the commit (and even after a failure, which may have committed): a lookup
  // racing the revocation cannot put the session back (AccessTokenCache::Insert).
  token_cache_.EraseSession(principal.session_id);
  return s;
}

Result<User> AuthService::GetUser(const std::string& user_id) { return users_.FindById(user_id); }

Result<User> AuthService::SetTier(const std::string& user_id, Tier tier) {
  Status updated = users_.UpdateTier(user_id, tier);
  token_cache_.EraseUser(user_id);  // a downgraded user must not keep the old tier
  SONORA_RETURN_IF_ERROR(updated);
  return users_.FindById(user_id);
}

Status AuthService::SetAdmin(const std::string& user_id, bool is_admin) {
  Status updated = users_.UpdateAdmin(user_id, is_admin);
  token_cache_.EraseUser(user_id);
  return updated;
}

Result<int64_t> AuthService::DeleteExpiredAccessTokens() {
  const int64_t now = clock_.NowMillis();
  token_cache_.EraseExpired(now);
  return users_.DeleteExpiredAccessTokens(now);
}

Result<User> AuthService::FindByName(const std::string& name) {
  SONORA_ASSIGN_OR_RETURN(auto found, users_.FindForLogin(name));
  return found.first;
}

Result<std::vector<User>> AuthService::ListUsers(int64_t limit, int64_t offset) {
  return users_.List(limit, offset);
}

std::optional<Result<http::Principal>> AuthService::TryAuthenticate(std::string_view token) {
  if (token.empty() || token.size() > 128) return Status::Unauthenticated("invalid token");
  auto cached = token_cache_.Find(HashToken(token_key_, token), clock_.NowMillis());
  if (!cached) return std::nullopt;
  return std::move(*cached);
}

Result<http::Principal> AuthService::Authenticate(std::string_view token) {
  if (token.empty() || token.size() > 128) return Status::Unauthenticated("invalid token");
  const std::string hash = HashToken(token_key_, token);
  if (auto cached = token_cache_.Find(hash, clock_.NowMillis())) return std::move(*cached);
  // Both read before the query: an erase between here and Insert keeps a stale row out, and
  // the entry's age counts from before the row was read.
  const uint64_t generation = token_cache_.generation();
  const int64_t read_at = clock_.NowMillis();
  auto owner = users_.FindAccessToken(hash);
  if (!owner.ok()) {
    if (owner.status().code() == Code::kNotFound) return Status::Unauthenticated("invalid token");
    return owner.status();
  }
  const int64_t now = clock_.NowMillis();
  if (owner->expires_at_ms <= now) return Status::Unauthenticated("token expired");
  http::Principal p;
  p.user_id = owner->user.user_id;
  p.session_id = owner->session_id;
  p.username = owner->user.username;
  p.country = owner->user.country;
  p.subscription_tier = std::string(TierName(owner->user.tier));
  p.is_admin = owner->user.is_admin;
  token_cache_.Insert(hash, p, owner->expires_at_ms, read_at, generation);
  return p;
}

Result<TokenPair> AuthService::IssueTokens(store::Session& s, const User& user,
                                           const std::string& session_id) {
  const int64_t now = clock_.NowMillis();
  TokenPair pair;
  pair.user = user;
  pair.access_token = RandomToken();
  pair.refresh_token = RandomToken();
  const int64_t access_ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(kAccessTokenTtl).count();
  const int64_t refresh_ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(kRefreshTokenTtl).count();
  pair.expires_in_seconds = access_ttl_ms / 1000;
  SONORA_RETURN_IF_ERROR(users_.InsertAccessToken(s, HashToken(token_key_, pair.access_token),
                                                  session_id, user.user_id, now + access_ttl_ms));
  SONORA_RETURN_IF_ERROR(users_.InsertRefreshToken(s, HashToken(token_key_, pair.refresh_token),
                                                   session_id, now + refresh_ttl_ms));
  return pair;
}

}  // namespace sonora::auth
