#include "auth/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "core/check.h"
#include "core/random.h"
#include "core/strings.h"

namespace sonora::auth {

namespace {
// OWASP's minimum for argon2id (SECURITY.md §3).
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19ull * 1024 * 1024;
constexpr size_t kKeyBytes = 32;
}  // namespace

void InitCrypto() {
  static std::once_flag once;
  std::call_once(once, [] { SONORA_CHECK(sodium_init() >= 0); });
}

Result<std::string> HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("argon2id ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view phc, std::string_view password) {
  std::string s(phc);  // needs NUL termination
  return crypto_pwhash_str_verify(s.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view phc) {
  std::string s(phc);
  return crypto_pwhash_str_needs_rehash(s.c_str(), kOpsLimit, kMemLimit) != 0;
}

void BurnPasswordVerification(std::string_view password) {
  static const std::string dummy = [] {
    auto h = HashPassword("sonora-timing-equalizer");
    return h.ok() ? *h : std::string();
  }();
  VerifyPassword(dummy, password);
}

std::string HashToken(std::string_view key, std::string_view token) {
  unsigned char out[32];
  crypto_generichash(out, sizeof(out), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof(out)));
}

Result<std::string> LoadOrCreateKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    std::string key(kKeyBytes, '\0');
    RandomBytes(key.data(), key.size());
    std::string tmp = path + ".tmp";
    int wfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (wfd < 0) return Status::Unavailable("cannot create key file " + path + ": " + strerror(errno));
    bool ok = ::write(wfd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
              ::fsync(wfd) == 0;
    ::close(wfd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      return Status::Unavailable("cannot write key file " + path);
    }
    return key;
  }
  if (fd < 0) return Status::Unavailable("cannot open key file " + path + ": " + strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0 ||
      st.st_size != static_cast<off_t>(kKeyBytes)) {
    ::close(fd);
    return Status::FailedPrecondition(
        "bad_key_file", "key file " + path + " must be 32 bytes with mode 0600; refusing to start");
  }
  std::string key(kKeyBytes, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) return Status::Unavailable("short read of " + path);
  return key;
}

}  // namespace sonora::auth
