// The account model: plain data, no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "auth/tier.h"

namespace sonora::auth {

struct User {
  std::string user_id;
  std::string email;
  std::string username;
  std::string display_name;
  std::string country;  // ISO 3166-1 alpha-2
  Tier tier = Tier::kFree;
  bool is_admin = false;
  int64_t created_at_ms = 0;
};

}  // namespace sonora::auth
