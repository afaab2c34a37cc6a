#include "core/ids.h"

#include "core/random.h"

namespace sonora {

std::string NewId(std::string_view prefix) {
  std::string id(prefix);
  id.push_back('_');
  id += RandomBase62(kIdRandomLength);
  return id;
}

bool IsWellFormedId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace sonora
