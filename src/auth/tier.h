// Subscription tiers and what each may do (PRODUCT.md §3), in one place.
#pragma once

#include <optional>
#include <string_view>

namespace sonora::auth {

enum class Tier { kFree, kPremium, kFamily, kHifi };

std::string_view TierName(Tier tier);
std::optional<Tier> ParseTier(std::string_view name);

struct TierRules {
  int max_kbps;         // highest lossy quality: 160 (free) or 320
  bool lossless;        // FLAC for hifi
  bool ads;             // an audio ad between tracks
  bool downloads;       // offline downloads allowed
};

TierRules RulesFor(Tier tier);

}  // namespace sonora::auth
