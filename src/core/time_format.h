// ISO-8601 UTC timestamps as the API shows them: "2025-11-12T12:00:00Z".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace sonora {

// Seconds precision, 'Z' suffix.
std::string FormatIso8601(TimePoint t);
std::string FormatIso8601Millis(int64_t unix_millis);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" and "YYYY-MM-DDTHH:MM:SS[.fff]+HH:MM".
std::optional<TimePoint> ParseIso8601(std::string_view text);
// "YYYY-MM-DD" (release dates); also "YYYY" and "YYYY-MM" as Spotify's precision allows.
bool IsValidReleaseDate(std::string_view text);

}  // namespace sonora
