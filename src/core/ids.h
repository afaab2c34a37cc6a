// Opaque ids: a type prefix and 22 random base62 characters (~131 bits), e.g.
// "track_4fQ9xT0bLmZ2cVn8RkP1aW". Random, never derived from paths or counters, so they can't
// be guessed or enumerated (docs/formats/ids.md).
#pragma once

#include <string>
#include <string_view>

namespace sonora {

inline constexpr size_t kIdRandomLength = 22;

// A new id "<prefix>_<22 base62>".
std::string NewId(std::string_view prefix);

// True when `id` is a plausible id (bounded length, [A-Za-z0-9_-] only). Used to reject junk
// before it reaches a query; the database lookup decides whether it exists.
bool IsWellFormedId(std::string_view id);

}  // namespace sonora
