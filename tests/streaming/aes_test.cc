// AES-128-CBC (HLS segments) and AES-128-CTR (premium Ogg chunks): known answers, round trips,
// the documented counter-block layout, error cases, and interoperability with the openssl CLI
// (which uses the same construction as HLS players).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/strings.h"
#include "streaming/internal/openssl_crypto.h"
#include "streaming/url_signer.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::streaming {
namespace {

using ::sonora::testing::StatusIs;

std::string FromHex(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + 7) & 0xFF);
  return s;
}

// AES-128-ECB of one block, via CBC with a zero IV (the first output block).
std::string EncryptBlock(std::string_view key, std::string_view block) {
  Result<std::string> r = Aes128CbcEncrypt(key, std::string(16, '\0'), block);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->substr(0, 16) : std::string();
}

// NIST SP 800-38A F.2.1 (CBC-AES128.Encrypt).
constexpr std::string_view kNistKey = "2b7e151628aed2a6abf7158809cf4f3c";
constexpr std::string_view kNistIv = "000102030405060708090a0b0c0d0e0f";
constexpr std::string_view kNistPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
constexpr std::string_view kNistCipher =
    "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
    "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7";

TEST(HlsSequenceIvTest, BigEndian128) {
  EXPECT_EQ(HexEncode(HlsSequenceIv(0)), "00000000000000000000000000000000");
  EXPECT_EQ(HexEncode(HlsSequenceIv(1)), "00000000000000000000000000000001");
  EXPECT_EQ(HexEncode(HlsSequenceIv(0x0102030405060708)), "00000000000000000102030405060708");
  EXPECT_EQ(HexEncode(HlsSequenceIv(UINT64_MAX)), "0000000000000000ffffffffffffffff");
}

TEST(Aes128CbcTest, NistKnownAnswer) {
  const std::string key = FromHex(kNistKey);
  const std::string iv = FromHex(kNistIv);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string ct, Aes128CbcEncrypt(key, iv, FromHex(kNistPlain)));
  // 64 bytes of plaintext, plus one full PKCS#7 padding block.
  ASSERT_EQ(ct.size(), 80u);
  EXPECT_EQ(HexEncode(ct.substr(0, 64)), kNistCipher);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string pt, Aes128CbcDecrypt(key, iv, ct));
  EXPECT_EQ(HexEncode(pt), kNistPlain);
}

TEST(Aes128CbcTest, Rfc3602KnownAnswer) {
  // RFC 3602 §4, case #1.
  SONORA_ASSERT_OK_AND_ASSIGN(
      std::string ct,
      Aes128CbcEncrypt(FromHex("06a9214036b8a15b512e03d534120006"),
                       FromHex("3dafba429d9eb430b422da802c9fac41"), "Single block msg"));
  EXPECT_EQ(HexEncode(ct.substr(0, 16)), "e353779c1079aeb82708942dbe77181a");
}

TEST(Aes128CbcTest, EcbKnownAnswer) {
  // NIST SP 800-38A F.1.1, first block: checks the EncryptBlock helper the CTR test relies on.
  EXPECT_EQ(HexEncode(EncryptBlock(FromHex(kNistKey), FromHex("6bc1bee22e409f96e93d7e117393172a"))),
            "3ad77bb40d7a3660a89ecaf32466ef97");
}

TEST(Aes128CbcTest, RoundTripAndPaddingSizes) {
  const std::string key = Pattern(16);
  const std::string iv = HlsSequenceIv(42);
  for (size_t n : {0, 1, 15, 16, 17, 31, 32, 1000, 188 * 7}) {
    const std::string pt = Pattern(n);
    SONORA_ASSERT_OK_AND_ASSIGN(std::string ct, Aes128CbcEncrypt(key, iv, pt));
    EXPECT_EQ(ct.size(), (n / 16 + 1) * 16) << n;
    if (n > 0) {
      EXPECT_NE(ct.substr(0, std::min<size_t>(n, 16)), pt.substr(0, 16)) << n;
    }
    EXPECT_EQ(Aes128CbcDecrypt(key, iv, ct).value_or("<error>"), pt) << n;
  }
}

TEST(Aes128CbcTest, WrongKeyIsDetectedByPadding) {
  const std::string iv = HlsSequenceIv(3);
  const std::string pt = "segment bytes: 0123456789";
  SONORA_ASSERT_OK_AND_ASSIGN(std::string ct, Aes128CbcEncrypt(Pattern(16), iv, pt));
  std::string wrong = Pattern(16);
  wrong[0] = static_cast<char>(wrong[0] ^ 1);
  EXPECT_THAT(Aes128CbcDecrypt(wrong, iv, ct), StatusIs(Code::kInvalidArgument));
}

TEST(Aes128CbcTest, BadArguments) {
  const std::string key = Pattern(16);
  const std::string iv = HlsSequenceIv(0);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string ct, Aes128CbcEncrypt(key, iv, "x"));
  EXPECT_THAT(Aes128CbcEncrypt(Pattern(15), iv, "x"), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128CbcEncrypt(Pattern(32), iv, "x"), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128CbcEncrypt(key, Pattern(8), "x"), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128CbcDecrypt(Pattern(17), iv, ct), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128CbcDecrypt(key, "", ct), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128CbcDecrypt(key, iv, ""), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128CbcDecrypt(key, iv, ct.substr(0, 15)), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128CbcDecrypt(key, iv, ct + "x"), StatusIs(Code::kInvalidArgument));
}

std::string CounterBlock(uint64_t high, uint64_t low) {
  std::string c(16, '\0');
  for (int i = 0; i < 8; ++i) {
    c[static_cast<size_t>(i)] = static_cast<char>((high >> (8 * (7 - i))) & 0xFF);
    c[static_cast<size_t>(8 + i)] = static_cast<char>((low >> (8 * (7 - i))) & 0xFF);
  }
  return c;
}

// CTR output XOR plaintext must equal AES-ECB of the counter blocks: the initial block, then
// the same block plus 1, 2, ... as a 128-bit big-endian integer (a carry crosses into the high
// half).
TEST(Aes128CtrTest, KeystreamIsEcbOfIncrementedCounterBlocks) {
  const std::string key = FromHex(kNistKey);
  for (auto [high, low] : {std::pair<uint64_t, uint64_t>{0, 0}, {1, 0},
                           {0x0102030405060708, 0}, {7, UINT64_MAX - 2}}) {
    const std::string pt = Pattern(100);  // six full blocks and a partial one
    SONORA_ASSERT_OK_AND_ASSIGN(std::string ct, Aes128Ctr(key, CounterBlock(high, low), pt));
    ASSERT_EQ(ct.size(), pt.size());
    std::string expected_stream;
    for (uint64_t j = 0; expected_stream.size() < pt.size(); ++j) {
      const uint64_t l = low + j;
      expected_stream += EncryptBlock(key, CounterBlock(l < low ? high + 1 : high, l));
    }
    for (size_t i = 0; i < pt.size(); ++i) {
      ASSERT_EQ(static_cast<char>(ct[i] ^ pt[i]), expected_stream[i])
          << "block " << high << ":" << low << " byte " << i;
    }
  }
}

TEST(Aes128CtrTest, RoundTripAndSeparation) {
  const std::string key = Pattern(16);
  for (size_t n : {0, 1, 16, 17, 4096}) {
    const std::string pt = Pattern(n);
    SONORA_ASSERT_OK_AND_ASSIGN(std::string ct, Aes128Ctr(key, CounterBlock(5, 0), pt));
    EXPECT_EQ(ct.size(), n);
    EXPECT_EQ(Aes128Ctr(key, CounterBlock(5, 0), ct).value_or("<error>"), pt) << n;
    if (n > 0) {
      EXPECT_NE(ct, pt) << n;
      EXPECT_NE(Aes128Ctr(key, CounterBlock(6, 0), pt).value_or(""), ct) << n;
    }
  }
}

TEST(Aes128CtrTest, BadKeyOrCounterBlock) {
  EXPECT_THAT(Aes128Ctr(Pattern(15), CounterBlock(0, 0), "x"), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128Ctr("", CounterBlock(0, 0), "x"), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Aes128Ctr(Pattern(16), "short", "x"), StatusIs(Code::kInvalidArgument));
}

// A sealed chunk is its counter block, then the chunk under AES-128-CTR from that block; the
// block is the documented HMAC prefix, so a client needs nothing but the key to open it.
TEST(SealChunkTest, LayoutMatchesTheDocumentedFormat) {
  const std::string key = Pattern(16);
  const std::string clear = Pattern(1000);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string sealed, SealChunk(key, "320", "chunk_3.ogg", clear));
  ASSERT_EQ(sealed.size(), clear.size() + kCounterBlockBytes);
  const std::string block = sealed.substr(0, kCounterBlockBytes);
  EXPECT_EQ(block, internal::HmacSha256(key, "3:320|11:chunk_3.ogg").substr(0, 8) +
                       std::string(8, '\0'));
  EXPECT_EQ(block, ChunkCounterBlock(key, "320", "chunk_3.ogg"));
  EXPECT_EQ(sealed.substr(kCounterBlockBytes), Aes128Ctr(key, block, clear).value_or(""));
  EXPECT_EQ(OpenSealedChunk(key, sealed).value_or("<error>"), clear);
  // Deterministic: the same file sealed twice (another node, another request) is the same.
  EXPECT_EQ(SealChunk(key, "320", "chunk_3.ogg", clear).value_or(""), sealed);
}

// No two files under one key share keystream: the same chunk of another rendition, another
// chunk of the same rendition, and the lossless file all start from different counter blocks.
// (Before, chunk i of every rendition of a session used the same counter.)
TEST(SealChunkTest, FilesUnderOneKeyNeverShareKeystream) {
  const std::string key = Pattern(16);
  std::set<std::string> blocks;
  for (std::string rendition : {"96", "160", "320", "lossless"}) {
    for (int i = 0; i < 200; ++i) {
      blocks.insert(ChunkCounterBlock(key, rendition, "chunk_" + std::to_string(i) + ".ogg"));
    }
  }
  blocks.insert(ChunkCounterBlock(key, "lossless", "track.flac"));
  EXPECT_EQ(blocks.size(), 4u * 200u + 1u);
  // Length prefixes keep ("1", "60/x") and ("16", "0/x") apart.
  EXPECT_NE(ChunkCounterBlock(key, "1", "60chunk"), ChunkCounterBlock(key, "16", "0chunk"));
}

TEST(SealChunkTest, WrongKeyOrTruncatedInput) {
  const std::string clear = Pattern(500);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string sealed,
                              SealChunk(Pattern(16), "160", "chunk_0.ogg", clear));
  std::string other_key = Pattern(16);
  other_key[0] ^= 1;
  EXPECT_NE(OpenSealedChunk(other_key, sealed).value_or(""), clear);
  EXPECT_THAT(OpenSealedChunk(Pattern(16), sealed.substr(0, 15)),
              StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(OpenSealedChunk(Pattern(16), sealed.substr(0, 16)).value_or("<error>"), "");
  EXPECT_THAT(SealChunk(Pattern(15), "160", "chunk_0.ogg", clear),
              StatusIs(Code::kInvalidArgument));
}

// Runs the openssl CLI on `input`; nullopt when it is missing or fails.
std::optional<std::string> OpensslDecrypt(const std::string& cipher, std::string_view key,
                                          std::string_view iv, const std::string& input) {
  testing::TempDir dir;
  const std::string in_path = dir.path() + "/in.bin";
  {
    std::ofstream f(in_path, std::ios::binary);
    f.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  const std::string cmd = "openssl enc -d -" + cipher + " -K " + HexEncode(key) + " -iv " +
                          HexEncode(iv) + " -in '" + in_path + "' 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

bool HaveOpensslCli() { return std::system("openssl version >/dev/null 2>&1") == 0; }

TEST(OpensslCliTest, DecryptsOurCbcOutput) {
  if (!HaveOpensslCli()) GTEST_SKIP() << "openssl CLI not installed";
  const std::string key = Pattern(16);
  const std::string iv = HlsSequenceIv(1234);
  for (size_t n : {0, 5, 16, 188 * 100 + 3}) {
    const std::string pt = Pattern(n);
    SONORA_ASSERT_OK_AND_ASSIGN(std::string ct, Aes128CbcEncrypt(key, iv, pt));
    const std::optional<std::string> got = OpensslDecrypt("aes-128-cbc", key, iv, ct);
    ASSERT_TRUE(got.has_value()) << n;
    EXPECT_EQ(*got, pt) << n;
  }
}

TEST(OpensslCliTest, DecryptsOurSealedChunks) {
  if (!HaveOpensslCli()) GTEST_SKIP() << "openssl CLI not installed";
  const std::string key = Pattern(16);
  const std::string pt = Pattern(5000);
  SONORA_ASSERT_OK_AND_ASSIGN(std::string sealed, SealChunk(key, "320", "chunk_77.ogg", pt));
  const std::optional<std::string> got = OpensslDecrypt(
      "aes-128-ctr", key, sealed.substr(0, kCounterBlockBytes), sealed.substr(kCounterBlockBytes));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, pt);
}

}  // namespace
}  // namespace sonora::streaming
