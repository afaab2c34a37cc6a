#include "library/playlist.h"

#include <array>
#include <utility>

namespace sonora::library {

namespace {
constexpr std::array<std::pair<OpKind, std::string_view>, 6> kOpNames = {{
    {OpKind::kCreate, "create"},
    {OpKind::kDetails, "details"},
    {OpKind::kAdd, "add"},
    {OpKind::kRemove, "remove"},
    {OpKind::kMove, "move"},
    {OpKind::kReplace, "replace"},
}};
}  // namespace

std::string_view OpKindName(OpKind k) {
  for (const auto& [kind, name] : kOpNames) {
    if (kind == k) return name;
  }
  return "create";
}

std::optional<OpKind> ParseOpKind(std::string_view s) {
  for (const auto& [kind, name] : kOpNames) {
    if (name == s) return kind;
  }
  return std::nullopt;
}

}  // namespace sonora::library
