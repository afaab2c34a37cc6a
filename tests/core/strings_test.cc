// String helpers: splitting, integers, base64url, UTF-8 validation, percent-coding.
#include "core/strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace sonora {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SplitTest, Table) {
  struct Case {
    const char* input;
    char sep;
    bool skip_empty;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"a,b,c", ',', false, {"a", "b", "c"}},
      {"abc", ',', false, {"abc"}},
      {"", ',', false, {""}},
      {"", ',', true, {}},
      {",", ',', false, {"", ""}},
      {",", ',', true, {}},
      {",a,,b,", ',', false, {"", "a", "", "b", ""}},
      {",a,,b,", ',', true, {"a", "b"}},
      {"x=1&y=2", '&', false, {"x=1", "y=2"}},
      {"a b", ',', false, {"a b"}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Split(c.input, c.sep, c.skip_empty), c.want)
        << "input='" << c.input << "' skip_empty=" << c.skip_empty;
  }
}

TEST(JoinTest, Table) {
  EXPECT_EQ(Join({}, ", "), "");
  EXPECT_EQ(Join({"a"}, ", "), "a");
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(Join({"", ""}, "-"), "-");
}

TEST(TrimAndCaseTest, Table) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(ToLower("AbC-Ä_1"), "abc-Ä_1");  // ASCII only: multibyte text untouched
  EXPECT_EQ(ToUpper("aBc-ä_1"), "ABC-ä_1");
  EXPECT_EQ(ToUpper("us"), "US");
}

TEST(ParseIntTest, Table) {
  struct Case {
    const char* input;
    std::optional<int64_t> want;
  };
  const Case cases[] = {
      {"0", 0},
      {"7", 7},
      {"007", 7},
      {"-1", -1},
      {"-0", 0},
      {"50", 50},
      {"9223372036854775807", std::numeric_limits<int64_t>::max()},
      {"-9223372036854775808", std::numeric_limits<int64_t>::min()},
      {"9223372036854775808", std::nullopt},   // overflow
      {"-9223372036854775809", std::nullopt},  // underflow
      {"99999999999999999999999", std::nullopt},
      {"", std::nullopt},
      {"-", std::nullopt},
      {"+5", std::nullopt},
      {" 5", std::nullopt},
      {"5 ", std::nullopt},
      {"5a", std::nullopt},
      {"abc", std::nullopt},
      {"0x10", std::nullopt},
      {"1e3", std::nullopt},
      {"1.0", std::nullopt},
      {"--1", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseInt(c.input), c.want) << "input='" << c.input << "'";
  // An embedded NUL is junk too, not a terminator.
  EXPECT_EQ(ParseInt(std::string_view("12\0"
                                      "3",
                                      4)),
            std::nullopt);
}

TEST(Base64UrlTest, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded) << plain;
    EXPECT_EQ(Base64UrlDecode(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64UrlTest, UsesTheUrlAlphabet) {
  // Standard base64 of FB FF is "+/8="; the URL alphabet has '-' and '_' and no padding.
  EXPECT_EQ(Base64UrlEncode("\xFB\xFF"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::optional<std::string>("\xFB\xFF"));
}

TEST(Base64UrlTest, AcceptsOnlyTheCanonicalSpelling) {
  EXPECT_EQ(Base64UrlDecode("Zg"), std::optional<std::string>("f"));
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt) << "leftover bits must be zero";
  EXPECT_EQ(Base64UrlDecode("Zm8"), std::optional<std::string>("fo"));
  EXPECT_EQ(Base64UrlDecode("Zm9"), std::nullopt) << "'fo' has one spelling";
  EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt) << "a lone sixth of a byte";
  EXPECT_EQ(Base64UrlDecode("Zm9="), std::nullopt) << "no padding";
  EXPECT_EQ(Base64UrlDecode("Zm+v"), std::nullopt) << "not the URL alphabet";
}

// IsBase64Url answers exactly what Base64UrlDecode would.
TEST(Base64UrlTest, IsBase64UrlAgreesWithTheDecoder) {
  for (const char* text :
       {"", "Zg", "Zh", "Zm8", "Zm9", "Zm9vY", "Zm9=", "Zm+v", "-_8", "Zm9vYmFy"}) {
    EXPECT_EQ(IsBase64Url(text), Base64UrlDecode(text).has_value()) << text;
  }
  EXPECT_TRUE(IsBase64Url("Zm9vYmFy"));
  EXPECT_FALSE(IsBase64Url("Zh"));
}

bool IsUrlAlphabet(const std::string& s) {
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST(Base64UrlTest, RoundTripsEveryLengthZeroToForty) {
  for (size_t n = 0; n <= 40; ++n) {
    // Three byte patterns per length: a counter (covers every value over the loop), all ones,
    // all zeros.
    std::string counter(n, '\0'), ones(n, '\xFF'), zeros(n, '\0');
    for (size_t i = 0; i < n; ++i) counter[i] = static_cast<char>((i * 37 + n * 11) & 0xFF);
    for (const std::string* input : {&counter, &ones, &zeros}) {
      std::string enc = Base64UrlEncode(*input);
      EXPECT_EQ(enc.size(), (n * 4 + 2) / 3) << "n=" << n;  // unpadded length
      EXPECT_TRUE(IsUrlAlphabet(enc)) << enc;
      EXPECT_EQ(Base64UrlDecode(enc), std::optional<std::string>(*input)) << "n=" << n;
    }
  }
}

TEST(Base64UrlTest, RejectsMalformedText) {
  const char* cases[] = {
      "Z",       // length % 4 == 1 can't come from whole bytes
      "Zm9vY",   // same, longer
      "Zg==",    // padding is not part of the URL form
      "Zm9v+g",  // '+' belongs to the standard alphabet
      "Zm9v/g",  // so does '/'
      "Zm 9v",   // whitespace
      "Zm9v\n", "Zm9v%",
  };
  for (const char* c : cases) EXPECT_EQ(Base64UrlDecode(c), std::nullopt) << "'" << c << "'";
}

TEST(HexEncodeTest, Table) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xAB\xFF", 4)), "0001abff");
  EXPECT_EQ(HexEncode("Az"), "417a");
}

TEST(Utf8Test, Table) {
  struct Case {
    const char* name;
    std::string bytes;
    bool valid;
  };
  const Case cases[] = {
      {"empty", "", true},
      {"ascii", "hello, world", true},
      {"embedded NUL", std::string("a\0b", 3), true},
      {"2-byte e-acute", "\xC3\xA9", true},
      {"3-byte euro", "\xE2\x82\xAC", true},
      {"4-byte emoji", "\xF0\x9F\x98\x80", true},
      {"U+0080 smallest 2-byte", "\xC2\x80", true},
      {"U+07FF largest 2-byte", "\xDF\xBF", true},
      {"U+0800 smallest 3-byte", "\xE0\xA0\x80", true},
      {"U+D7FF before surrogates", "\xED\x9F\xBF", true},
      {"U+E000 after surrogates", "\xEE\x80\x80", true},
      {"U+FFFF", "\xEF\xBF\xBF", true},
      {"U+10000 smallest 4-byte", "\xF0\x90\x80\x80", true},
      {"U+10FFFF largest", "\xF4\x8F\xBF\xBF", true},
      {"mixed",
       "a\xC3\xA9"
       "b\xE2\x82\xAC"
       "c\xF0\x9F\x98\x80",
       true},
      // Overlong encodings.
      {"overlong NUL C0 80", "\xC0\x80", false},
      {"overlong '/' C0 AF", "\xC0\xAF", false},
      {"overlong C1 BF", "\xC1\xBF", false},
      {"overlong 3-byte NUL", "\xE0\x80\x80", false},
      {"overlong 3-byte U+07FF", "\xE0\x9F\xBF", false},
      {"overlong 4-byte NUL", "\xF0\x80\x80\x80", false},
      {"overlong 4-byte U+FFFF", "\xF0\x8F\xBF\xBF", false},
      // Surrogates (CESU-8 style).
      {"surrogate U+D800", "\xED\xA0\x80", false},
      {"surrogate U+DBFF", "\xED\xAF\xBF", false},
      {"surrogate U+DC00", "\xED\xB0\x80", false},
      {"surrogate U+DFFF", "\xED\xBF\xBF", false},
      {"surrogate pair", "\xED\xA0\xBD\xED\xB8\x80", false},
      // Out of range and impossible bytes.
      {"U+110000", "\xF4\x90\x80\x80", false},
      {"F5 lead", "\xF5\x80\x80\x80", false},
      {"5-byte form", "\xF8\x88\x80\x80\x80", false},
      {"6-byte form", "\xFC\x84\x80\x80\x80\x80", false},
      {"FE", "\xFE", false},
      {"FF", "\xFF", false},
      {"lone continuation 80", "\x80", false},
      {"lone continuation BF",
       "a\xBF"
       "b",
       false},
      // Truncation.
      {"truncated 2-byte", "\xC3", false},
      {"truncated 3-byte after 1", "\xE2", false},
      {"truncated 3-byte after 2", "\xE2\x82", false},
      {"truncated 4-byte after 3", "\xF0\x9F\x98", false},
      {"truncated at end of text", "abc\xE2\x82", false},
      // Bad continuation bytes.
      {"2-byte then ASCII", "\xC3(", false},
      {"3-byte, bad second", "\xE2(\xA1", false},
      {"3-byte, bad third", "\xE2\x82(", false},
      {"4-byte, bad fourth", "\xF0\x9F\x98(", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidUtf8(c.bytes), c.valid) << c.name;
}

// IsValidUtf8 skips ASCII eight bytes at a time: whatever sits at any offset of a longer ASCII
// text, and sequences that straddle an eight-byte boundary, must be judged as the plain
// decoder judges them.
TEST(Utf8Test, LongTextsAgreeWithTheDecoderAtEveryOffset) {
  auto reference = [](std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      const size_t n = DecodeUtf8(s, i);
      if (n == 0) return false;
      i += n;
    }
    return true;
  };
  const std::pair<std::string, bool> inserts[] = {{"\xC3\xA9", true},
                                                  {"\xE2\x82\xAC", true},
                                                  {"\xF0\x9F\x98\x80", true},
                                                  {std::string("\0", 1), true},
                                                  {"\xC3", false},
                                                  {"\xE2\x82", false},
                                                  {"\x80", false},
                                                  {"\xFF", false},
                                                  {"\xED\xA0\x80", false},
                                                  {"\xC0\xAF", false}};
  for (const auto& [insert, valid] : inserts) {
    for (size_t at = 0; at <= 24; ++at) {
      std::string text(24, 'a');
      text.insert(at, insert);
      EXPECT_EQ(IsValidUtf8(text), valid) << "offset " << at;
      EXPECT_EQ(IsValidUtf8(text), reference(text)) << "offset " << at;
    }
  }
  EXPECT_TRUE(IsValidUtf8(std::string(1000, 'x') + "\xC3\xA9"));
  EXPECT_FALSE(IsValidUtf8(std::string(1000, 'x') + "\xC3"));
}

TEST(Utf8Test, DecodeGivesLengthAndCodePoint) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("a", 0, &cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(DecodeUtf8("xé", 1, &cp), 2u);
  EXPECT_EQ(cp, U'é');
  EXPECT_EQ(DecodeUtf8("東", 0, &cp), 3u);
  EXPECT_EQ(cp, U'東');
  EXPECT_EQ(DecodeUtf8("🎵", 0, &cp), 4u);
  EXPECT_EQ(cp, U'🎵');
  EXPECT_EQ(DecodeUtf8("\x80", 0), 0u);
  EXPECT_EQ(DecodeUtf8("\xC0\xAF", 0), 0u);  // overlong
  EXPECT_EQ(DecodeUtf8("\xE2\x82", 0), 0u);  // truncated
}

TEST(Utf8Test, PrefixNeverEndsInsideASequence) {
  const std::string s = "aé東🎵";  // 1 + 2 + 3 + 4 bytes
  EXPECT_EQ(Utf8Prefix(s, 100), s);
  EXPECT_EQ(Utf8Prefix(s, 10), s);
  EXPECT_EQ(Utf8Prefix(s, 9), "aé東");
  EXPECT_EQ(Utf8Prefix(s, 6), "aé東");
  EXPECT_EQ(Utf8Prefix(s, 5), "aé");
  EXPECT_EQ(Utf8Prefix(s, 2), "a");
  EXPECT_EQ(Utf8Prefix(s, 0), "");
}

TEST(PercentDecodeTest, Table) {
  struct Case {
    const char* input;
    bool plus_as_space;
    std::optional<std::string> want;
  };
  const Case cases[] = {
      {"", false, ""},
      {"abc", false, "abc"},
      {"%41", false, "A"},
      {"%4a%4A", false, "JJ"},
      {"a%20b", false, "a b"},
      {"a+b", false, "a+b"},
      {"a+b", true, "a b"},
      {"%2B", true, "+"},
      {"%25", false, "%"},
      {"%2e%2e%2f", false, "../"},
      {"%e2%82%ac", false, "\xE2\x82\xAC"},
      {"x%", false, std::nullopt},  // trailing '%'
      {"%", false, std::nullopt},
      {"%4", false, std::nullopt},  // one hex digit
      {"ab%4", false, std::nullopt},
      {"%zz", false, std::nullopt},
      {"%G0", false, std::nullopt},
      {"%0G", false, std::nullopt},
      {"%%41", false, std::nullopt},
      {"% 41", false, std::nullopt},
      {"%-1", false, std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PercentDecode(c.input, c.plus_as_space), c.want)
        << "input='" << c.input << "' plus_as_space=" << c.plus_as_space;
  }
  EXPECT_EQ(PercentDecode("%00", false), std::optional<std::string>(std::string(1, '\0')));
}

TEST(PercentEncodeTest, EncodesAllButUnreservedAndRoundTrips) {
  EXPECT_EQ(PercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncode("a b/é+%"), "a%20b%2F%C3%A9%2B%25");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(PercentDecode(PercentEncode(all), false), std::optional<std::string>(all));
  EXPECT_EQ(PercentDecode(PercentEncode(all), true), std::optional<std::string>(all));
}

}  // namespace
}  // namespace sonora
