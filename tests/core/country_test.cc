// ISO 3166-1 alpha-2 codes.
#include "core/country.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace sonora {
namespace {

TEST(IsCountryCodeTest, Table) {
  const std::pair<const char*, bool> cases[] = {
      {"US", true},
      {"DE", true},
      {"GB", true},
      {"SE", true},
      {"JP", true},
      {"BR", true},
      {"AD", true},
      {"ZW", true},
      {"XK", true},   // first, last, and Kosovo as Spotify has it
      {"us", false},  // callers upper-case first; the check itself is exact
      {"Us", false},
      {"UK", false},  // the UK is GB
      {"EU", false},
      {"ZZ", false},
      {"AA", false},
      {"XX", false},
      {"", false},
      {"U", false},
      {"USA", false},
      {"U1", false},
      {"1U", false},
      {"U ", false},
      {"\xC3\x9C"
       "S",
       false},
  };
  for (const auto& [code, ok] : cases) EXPECT_EQ(IsCountryCode(code), ok) << "'" << code << "'";
}

TEST(IsCountryCodeTest, ExactlyTheAssignedCodesPlusKosovo) {
  // ISO 3166-1 assigns 249 alpha-2 codes; Spotify's markets add XK.
  int accepted = 0;
  for (char a = 'A'; a <= 'Z'; ++a)
    for (char b = 'A'; b <= 'Z'; ++b) accepted += IsCountryCode(std::string{a, b});
  EXPECT_EQ(accepted, 250);
}

}  // namespace
}  // namespace sonora
