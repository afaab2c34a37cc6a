// Tier names and rules (PRODUCT.md §3).
#include "auth/tier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sonora::auth {
namespace {

TEST(TierTest, RulesForEveryTier) {
  struct Case {
    Tier tier;
    const char* name;
    int max_kbps;
    bool lossless, ads, downloads;
  };
  const Case cases[] = {
      {Tier::kFree, "free", 160, false, true, false},
      {Tier::kPremium, "premium", 320, false, false, true},
      {Tier::kFamily, "family", 320, false, false, true},
      {Tier::kHifi, "hifi", 320, true, false, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(TierName(c.tier), c.name);
    EXPECT_EQ(ParseTier(c.name), c.tier);
    const TierRules rules = RulesFor(c.tier);
    EXPECT_EQ(rules.max_kbps, c.max_kbps);
    EXPECT_EQ(rules.lossless, c.lossless);
    EXPECT_EQ(rules.ads, c.ads);
    EXPECT_EQ(rules.downloads, c.downloads);
  }
}

TEST(TierTest, ParseRejectsAnythingElse) {
  for (const char* name : {"", "Free", "PREMIUM", "pro", "hifi ", " free", "admin", "student"}) {
    EXPECT_EQ(ParseTier(name), std::nullopt) << "'" << name << "'";
  }
}

}  // namespace
}  // namespace sonora::auth
