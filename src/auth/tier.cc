#include "auth/tier.h"

namespace sonora::auth {

std::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kFree: return "free";
    case Tier::kPremium: return "premium";
    case Tier::kFamily: return "family";
    case Tier::kHifi: return "hifi";
  }
  return "free";
}

std::optional<Tier> ParseTier(std::string_view name) {
  if (name == "free") return Tier::kFree;
  if (name == "premium") return Tier::kPremium;
  if (name == "family") return Tier::kFamily;
  if (name == "hifi") return Tier::kHifi;
  return std::nullopt;
}

TierRules RulesFor(Tier tier) {
  switch (tier) {
    case Tier::kFree: return {.max_kbps = 160, .lossless = false, .ads = true, .downloads = false};
    case Tier::kPremium:
    case Tier::kFamily: return {.max_kbps = 320, .lossless = false, .ads = false, .downloads = true};
    case Tier::kHifi: return {.max_kbps = 320, .lossless = true, .ads = false, .downloads = true};
  }
  return {.max_kbps = 160, .lossless = false, .ads = true, .downloads = false};
}

}  // namespace sonora::auth
