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

bool AvailableIn(const std::vector<std::string>& countries, std::string_view country) {
  if (country.empty() || countries.empty()) return true;
  return std::find(countries.begin(), countries.end(), country) != countries.end();
}

}  // namespace sonora::catalog
