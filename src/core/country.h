// ISO 3166-1 alpha-2 country codes: a user's country and a track's markets.
#pragma once

#include <string_view>

namespace sonora {

// True for an assigned alpha-2 code in upper case ("US", "DE"); "XK" (Kosovo) is accepted as
// Spotify does.
bool IsCountryCode(std::string_view code);

}  // namespace sonora
