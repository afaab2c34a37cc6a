#include "catalog/catalog.h"

#include <algorithm>

namespace sonora::catalog {

std::string_view AlbumTypeName(AlbumType t) {
  switch (t) {
    case AlbumType::kAlbum: return "album";
    case AlbumType::kSingle: return "single";
    case AlbumType::kCompilation: return "compilation";
  }
  return "album";
}

std::optional<AlbumType> ParseAlbumType(std::string_view s) {
  if (s == "album") return AlbumType::kAlbum;
  if (s == "single") return AlbumType::kSingle;
  if (s == "compilation") return AlbumType::kCompilation;
  return std::nullopt;
}

std::string NameKey(std::string_view name) {
  std::string out;
  bool pending_space = false;
  for (unsigned char c : name) {
    bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                c >= 0x80;  // UTF-8 bytes are kept as they are
    if (!word) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  return out;
}

bool AvailableIn(const std::vector<std::string>& countries, std::string_view country) {
  if (country.empty() || countries.empty()) return true;
  return std::find(countries.begin(), countries.end(), country) != countries.end();
}

}  // namespace sonora::catalog
