// Password hashing, token hashing and the fail-closed key file (SECURITY.md §3).
#include "auth/crypto.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::auth {
namespace {

using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;
using ::sonora::testing::TempDir;
using ::testing::StartsWith;

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { InitCrypto(); }
};

// A PHC string made with parameters below the server's (what an older release might have stored).
std::string WeakHash(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  int rc = crypto_pwhash_str_alg(out, password.data(), password.size(), /*opslimit=*/1,
                                 /*memlimit=*/8 * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13);
  EXPECT_EQ(rc, 0);
  return out;
}

TEST_F(CryptoTest, HashIsArgon2idPhcWithOwaspParameters) {
  SONORA_ASSERT_OK_AND_ASSIGN(std::string phc, HashPassword("correct horse"));
  EXPECT_THAT(phc, StartsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
  EXPECT_TRUE(VerifyPassword(phc, "correct horse"));
  EXPECT_FALSE(VerifyPassword(phc, "correct horse "));
  EXPECT_FALSE(VerifyPassword(phc, "Correct horse"));
  EXPECT_FALSE(VerifyPassword(phc, ""));
  EXPECT_FALSE(PasswordNeedsRehash(phc));
}

TEST_F(CryptoTest, SaltedSoEqualPasswordsHashDifferently) {
  SONORA_ASSERT_OK_AND_ASSIGN(std::string a, HashPassword("same password"));
  SONORA_ASSERT_OK_AND_ASSIGN(std::string b, HashPassword("same password"));
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword(a, "same password"));
  EXPECT_TRUE(VerifyPassword(b, "same password"));
}

TEST_F(CryptoTest, PasswordsWithNulAndNonAsciiBytes) {
  const std::string pw("p\0ss\xC3\xA9word", 10);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string phc, HashPassword(pw));
  EXPECT_TRUE(VerifyPassword(phc, pw));
  EXPECT_FALSE(VerifyPassword(phc, "p"));  // not truncated at the NUL
}

TEST_F(CryptoTest, WeakerParametersNeedRehash) {
  const std::string weak = WeakHash("correct horse");
  EXPECT_THAT(weak, StartsWith("$argon2id$v=19$m=8192,t=1,p=1$"));
  EXPECT_TRUE(VerifyPassword(weak, "correct horse"));
  EXPECT_TRUE(PasswordNeedsRehash(weak));
}

TEST_F(CryptoTest, GarbageHashesNeverVerify) {
  for (const char* phc : {"", "x", "$argon2id$", "$argon2id$v=19$m=19456,t=2,p=1$AAAA$BBBB",
                          "$2b$12$abcdefghijklmnopqrstuv"}) {
    EXPECT_FALSE(VerifyPassword(phc, "correct horse")) << phc;
    EXPECT_FALSE(VerifyPassword(phc, "")) << phc;
  }
  BurnPasswordVerification("anything");  // must not crash
}

TEST_F(CryptoTest, TokenHashIsKeyedHex) {
  const std::string key1(32, 'a'), key2(32, 'b');
  const std::string h = HashToken(key1, "token");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(h, HashToken(key1, "token"));
  EXPECT_NE(h, HashToken(key2, "token"));
  EXPECT_NE(h, HashToken(key1, "token2"));
  EXPECT_NE(h.find("token"), 0u);
}

class LoadOrCreateKeyTest : public ::testing::Test {
 protected:
  std::string Path(const char* name) const { return dir_.path() + "/" + name; }
  void Write(const std::string& path, const std::string& bytes, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);  // umask-independent
  }
  TempDir dir_;
};

TEST_F(LoadOrCreateKeyTest, CreatesA0600ThirtyTwoByteFileAndReadsItBack) {
  const std::string path = Path("token.key");
  SONORA_ASSERT_OK_AND_ASSIGN(std::string key, LoadOrCreateKey(path));
  EXPECT_EQ(key.size(), 32u);
  EXPECT_NE(key, std::string(32, '\0'));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  EXPECT_NE(::access((path + ".tmp").c_str(), F_OK), 0);  // no temp file left behind

  SONORA_ASSERT_OK_AND_ASSIGN(std::string again, LoadOrCreateKey(path));
  EXPECT_EQ(again, key);

  // Two data dirs never share a key.
  SONORA_ASSERT_OK_AND_ASSIGN(std::string other, LoadOrCreateKey(Path("other.key")));
  EXPECT_NE(other, key);
}

TEST_F(LoadOrCreateKeyTest, FailsClosedOnBadFiles) {
  struct Case {
    const char* name;
    size_t size;
    mode_t mode;
  };
  const Case cases[] = {
      {"readable by others (0644)", 32, 0644},
      {"readable by group (0640)", 32, 0640},
      {"writable by group (0620)", 32, 0620},
      {"too short", 31, 0600},
      {"too long", 33, 0600},
      {"empty", 0, 0600},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = Path("bad.key");
    ::unlink(path.c_str());
    Write(path, std::string(c.size, 'k'), c.mode);
    auto r = LoadOrCreateKey(path);
    EXPECT_THAT(r, StatusIs(Code::kFailedPrecondition));
    // The file is left for the operator to inspect, never silently replaced.
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(static_cast<size_t>(st.st_size), c.size);
  }
}

TEST_F(LoadOrCreateKeyTest, AGoodExistingFileIsUsedAsIs) {
  const std::string path = Path("given.key");
  const std::string bytes(32, '\x5A');
  Write(path, bytes, 0600);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string key, LoadOrCreateKey(path));
  EXPECT_EQ(key, bytes);
  Write(path, bytes, 0400);  // read-only for the owner is fine
  EXPECT_THAT(LoadOrCreateKey(path), IsOk());
}

TEST_F(LoadOrCreateKeyTest, SymlinksAndMissingDirectoriesAreRefused) {
  const std::string target = Path("real.key");
  Write(target, std::string(32, 'k'), 0600);
  const std::string link = Path("link.key");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  auto via_link = LoadOrCreateKey(link);
  EXPECT_FALSE(via_link.ok());
  EXPECT_THAT(via_link, StatusIs(Code::kUnavailable));

  EXPECT_THAT(LoadOrCreateKey(Path("no-such-dir/token.key")), StatusIs(Code::kUnavailable));
}

}  // namespace
}  // namespace sonora::auth
