// JSON helpers: parsing never throws, and field reads name the field.
#include "core/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/status_matchers.h"

namespace sonora {
namespace {

using ::sonora::testing::IsOk;
using ::sonora::testing::IsOkAndHolds;
using ::sonora::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseJsonTest, ParsesDocuments) {
  SONORA_ASSERT_OK_AND_ASSIGN(Json j, ParseJson(R"({"a":[1,2,{"b":"c"}],"d":null})"));
  EXPECT_EQ(j["a"][2]["b"], "c");
  EXPECT_TRUE(j["d"].is_null());
  EXPECT_THAT(ParseJson("[]"), IsOk());
  EXPECT_THAT(ParseJson("1"), IsOk());
  EXPECT_THAT(ParseJson("\"\xC3\xA9\""), IsOk());
  EXPECT_THAT(ParseJson(" {} "), IsOk());
}

TEST(ParseJsonTest, MalformedIsInvalidArgumentOnBody) {
  const char* cases[] = {"",         "{",           "}",
                         "nul",      R"({"a":1,})", R"({a:1})",
                         "{} x",     "[1 2]",       R"({"a":"unterminated)",
                         "'single'", R"({"a":01})"};
  for (const char* c : cases) {
    auto r = ParseJson(c);
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument)) << "'" << c << "'";
    EXPECT_EQ(r.status().field(), "body") << "'" << c << "'";
  }
}

TEST(ParseJsonTest, InvalidUtf8IsRejected) {
  const std::string cases[] = {
      "\"\xC3\"",                  // truncated inside a string
      "{\"k\":\"\xED\xA0\x80\"}",  // surrogate
      "{\"\xC0\xAF\":1}",          // overlong in a key
      "\xFF{}",
  };
  for (const auto& c : cases) {
    auto r = ParseJson(c);
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument)) << c;
    EXPECT_EQ(r.status().field(), "body");
  }
}

TEST(ParseJsonTest, DepthBombFailsFastWithoutCrashing) {
  const std::string bomb(100'000, '[');
  const auto start = std::chrono::steady_clock::now();
  auto r = ParseJson(bomb);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_THAT(r, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(r.status().field(), "body");
  EXPECT_LT(elapsed, std::chrono::milliseconds(200));

  // Balanced, too: a well-formed but absurdly deep document is refused the same way.
  const std::string balanced = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_THAT(ParseJson(balanced), StatusIs(Code::kInvalidArgument));
  const std::string objects = [] {
    std::string s;
    for (int i = 0; i < 10'000; ++i) s += "{\"a\":";
    s += "1";
    for (int i = 0; i < 10'000; ++i) s += "}";
    return s;
  }();
  EXPECT_THAT(ParseJson(objects), StatusIs(Code::kInvalidArgument));
}

TEST(ParseJsonTest, DepthLimitIsSixtyFour) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_THAT(ParseJson(nested(64)), IsOk());
  EXPECT_THAT(ParseJson(nested(65)), StatusIs(Code::kInvalidArgument));
}

TEST(ParseJsonTest, BracketsInsideStringsDoNotCountTowardDepth) {
  const std::string text =
      "{\"k\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  SONORA_ASSERT_OK_AND_ASSIGN(Json j, ParseJson(text));
  EXPECT_EQ(j["k"].get<std::string>().size(), 2001u);
}

TEST(ParseJsonObjectTest, RequiresAnObject) {
  EXPECT_THAT(ParseJsonObject("{}"), IsOk());
  for (const char* c : {"[]", "[{}]", "1", "\"s\"", "null", "true"}) {
    auto r = ParseJsonObject(c);
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument)) << c;
    EXPECT_EQ(r.status().field(), "body") << c;
  }
}

TEST(DumpJsonTest, NeverThrowsOnInvalidUtf8) {
  Json j = {{"k", std::string("a\xFF"
                              "b")}};
  std::string out;
  ASSERT_NO_THROW(out = DumpJson(j));
  EXPECT_THAT(out, HasSubstr("\"k\""));
  EXPECT_TRUE(ParseJson(out).ok()) << out;  // the replacement is valid UTF-8
  EXPECT_EQ(DumpJson(Json{{"a", 1}}), R"({"a":1})");
}

TEST(AppendJsonStringTest, WritesWhatTheSerializerWrites) {
  std::vector<std::string> cases = {"",
                                    "plain",
                                    "quote\" back\\slash /",
                                    "tab\tnl\ncr\r\b\f",
                                    "Beyoncé — 東京 🎵",
                                    std::string("nul\0mid", 7),
                                    "a\xFF"
                                    "b",
                                    "\xC3"};
  std::string every_ascii;
  for (int c = 0; c < 0x80; ++c) every_ascii.push_back(static_cast<char>(c));
  cases.push_back(every_ascii);
  for (const auto& s : cases) {
    std::string out = "x";
    AppendJsonString(out, s);
    EXPECT_EQ(out, "x" + DumpJson(Json(s))) << s;
  }
}

TEST(FieldReadTest, RequiredString) {
  const Json obj = Json::parse(R"({"s":"x","e":"","n":null,"i":5,"a":[],"o":{},"b":true})");
  EXPECT_THAT(RequiredString(obj, "s"), IsOkAndHolds("x"));
  EXPECT_THAT(RequiredString(obj, "e"), IsOkAndHolds(""));
  for (const char* key : {"missing", "n", "i", "a", "o", "b"}) {
    auto r = RequiredString(obj, key);
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument)) << key;
    EXPECT_EQ(r.status().field(), key);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(key));
  }
}

TEST(FieldReadTest, OptionalString) {
  const Json obj = Json::parse(R"({"s":"x","n":null,"i":5})");
  EXPECT_THAT(OptionalString(obj, "s"), IsOkAndHolds(std::optional<std::string>("x")));
  EXPECT_THAT(OptionalString(obj, "n"), IsOkAndHolds(std::nullopt));
  EXPECT_THAT(OptionalString(obj, "missing"), IsOkAndHolds(std::nullopt));
  auto r = OptionalString(obj, "i");
  EXPECT_THAT(r, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(r.status().field(), "i");
}

TEST(FieldReadTest, OptionalInt) {
  const Json obj = Json::parse(
      R"({"i":5,"neg":-3,"max":9223372036854775807,"n":null,"f":1.5,"s":"5","b":true,"a":[1]})");
  EXPECT_THAT(OptionalInt(obj, "i"), IsOkAndHolds(std::optional<int64_t>(5)));
  EXPECT_THAT(OptionalInt(obj, "neg"), IsOkAndHolds(std::optional<int64_t>(-3)));
  EXPECT_THAT(OptionalInt(obj, "max"), IsOkAndHolds(std::optional<int64_t>(9223372036854775807)));
  EXPECT_THAT(OptionalInt(obj, "n"), IsOkAndHolds(std::nullopt));
  EXPECT_THAT(OptionalInt(obj, "missing"), IsOkAndHolds(std::nullopt));
  for (const char* key : {"f", "s", "b", "a"}) {
    auto r = OptionalInt(obj, key);
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument)) << key;
    EXPECT_EQ(r.status().field(), key);
  }
}

TEST(FieldReadTest, OptionalIntRejectsValuesBeyondInt64) {
  // nlohmann stores these as unsigned; reading them as int64_t would wrap to a negative number
  // (an "offset" of 2^64-1 becoming -1).
  const Json obj = Json::parse(R"({"big":9223372036854775808,"huge":18446744073709551615})");
  for (const char* key : {"big", "huge"}) {
    auto r = OptionalInt(obj, key);
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument)) << key;
    if (!r.ok()) {
      EXPECT_EQ(r.status().field(), key);
    }
  }
}

TEST(FieldReadTest, OptionalBool) {
  const Json obj = Json::parse(R"({"t":true,"f":false,"n":null,"i":1,"s":"true"})");
  EXPECT_THAT(OptionalBool(obj, "t"), IsOkAndHolds(std::optional<bool>(true)));
  EXPECT_THAT(OptionalBool(obj, "f"), IsOkAndHolds(std::optional<bool>(false)));
  EXPECT_THAT(OptionalBool(obj, "n"), IsOkAndHolds(std::nullopt));
  EXPECT_THAT(OptionalBool(obj, "missing"), IsOkAndHolds(std::nullopt));
  for (const char* key : {"i", "s"}) {
    auto r = OptionalBool(obj, key);
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument)) << key;
    EXPECT_EQ(r.status().field(), key);
  }
}

}  // namespace
}  // namespace sonora
