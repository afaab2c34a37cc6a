// CSPRNG helpers: alphabet, length, and that the output actually varies.
#include "core/random.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

#include "core/strings.h"

namespace sonora {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

TEST(RandomBase62Test, LengthAndAlphabet) {
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{22}, size_t{63}, size_t{64}, size_t{65}, size_t{1000}}) {
    std::string s = RandomBase62(n);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(s.find_first_not_of(kBase62), std::string::npos) << s;
  }
}

TEST(RandomBase62Test, EveryCharacterOccurs) {
  // 62,000 draws: each character is expected ~1,000 times; missing one is astronomically unlikely
  // unless the mapping is broken (e.g. the rejection threshold cuts off the tail of the alphabet).
  std::string s = RandomBase62(62'000);
  std::array<int, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  for (char c : kBase62) {
    EXPECT_GT(counts[static_cast<unsigned char>(c)], 700) << c;
    EXPECT_LT(counts[static_cast<unsigned char>(c)], 1300) << c;
  }
}

TEST(RandomBase62Test, DrawsDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomBase62(22));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(RandomTokenTest, FortyThreeCharsOfBase64UrlFor32Bytes) {
  std::string a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  auto decoded = Base64UrlDecode(a);
  ASSERT_TRUE(decoded.has_value()) << a;
  EXPECT_EQ(decoded->size(), 32u);
}

TEST(RandomBytesTest, FillsTheWholeBuffer) {
  // A buffer that stays all-zero in its last 16 bytes across 8 tries means the tail isn't
  // written (chance: 2^-1024).
  bool tail_written = false;
  for (int attempt = 0; attempt < 8 && !tail_written; ++attempt) {
    std::array<unsigned char, 1024> buf{};
    RandomBytes(buf.data(), buf.size());
    for (size_t i = buf.size() - 16; i < buf.size(); ++i) tail_written |= buf[i] != 0;
  }
  EXPECT_TRUE(tail_written);
  RandomBytes(nullptr, 0);  // zero bytes is a no-op
  EXPECT_NE(RandomU64(), RandomU64());
}

}  // namespace
}  // namespace sonora
