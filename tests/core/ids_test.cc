// Opaque ids: format, alphabet and uniqueness.
#include "core/ids.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace sonora {
namespace {

bool IsBase62(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

TEST(NewIdTest, PrefixUnderscoreAndTwentyTwoBase62) {
  for (const char* prefix : {"track", "user", "sess", "a"}) {
    std::string id = NewId(prefix);
    const std::string want_prefix = std::string(prefix) + "_";
    ASSERT_EQ(id.substr(0, want_prefix.size()), want_prefix) << id;
    EXPECT_EQ(id.size(), want_prefix.size() + kIdRandomLength) << id;
    EXPECT_TRUE(IsBase62(id.substr(want_prefix.size()))) << id;
    EXPECT_TRUE(IsWellFormedId(id)) << id;
  }
  EXPECT_EQ(kIdRandomLength, 22u);
}

TEST(NewIdTest, TenThousandAreDistinct) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) seen.insert(NewId("track"));
  EXPECT_EQ(seen.size(), 10'000u);
}

TEST(IsWellFormedIdTest, Table) {
  const std::pair<std::string, bool> cases[] = {
      {"track_4fQ9xT0bLmZ2cVn8RkP1aW", true},
      {"a", true},
      {"A-b_9", true},
      {std::string(64, 'x'), true},
      {std::string(65, 'x'), false},
      {"", false},
      {"a b", false},
      {"../etc", false},
      {"a/b", false},
      {"a%2F", false},
      {"a.b", false},
      {"id;DROP", false},
      {"tr\xC3\xA4"
       "ck",
       false},
      {std::string("a\0b", 3), false},
  };
  for (const auto& [id, ok] : cases) EXPECT_EQ(IsWellFormedId(id), ok) << "'" << id << "'";
}

}  // namespace
}  // namespace sonora
