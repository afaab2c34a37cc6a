// Hash maps keyed by std::string that can be searched with a std::string_view: hot paths look
// up by views into a request or a reused buffer without building a string per lookup.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sonora {

// Hashes std::string, std::string_view and string literals alike (transparent).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace sonora
