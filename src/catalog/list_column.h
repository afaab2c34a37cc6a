// List-valued catalog columns (genres, available_countries) are stored as comma-separated text,
// read and written whole and never queried by element in SQL (docs/decisions/0004-catalog.md).
// Both catalog repositories (tracks, albums and artists; shows and episodes) go through these.
#pragma once

#include <string>
#include <vector>

#include "core/strings.h"

namespace sonora::catalog {

inline std::string ListColumn(const std::vector<std::string>& items) { return Join(items, ","); }
inline std::vector<std::string> ListFromColumn(const std::string& text) {
  return Split(text, ',', true);
}

}  // namespace sonora::catalog
