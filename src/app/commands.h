// One function per subcommand; main.cc parses flags and calls these. Each returns the process
// exit code and prints errors to stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/config.h"

namespace sonora::app {

int RunServe(const Config& config);

struct DemoOptions {
  int64_t tracks = 1000;  // generated catalog size (metadata only until the media pipeline)
  bool serve = true;
};
int RunDemo(const Config& config, const DemoOptions& options);

struct UserCreateOptions {
  std::string username, email, password, display_name, country = "US", tier = "free";
  bool admin = false;
};
int RunUserCreate(const Config& config, const UserCreateOptions& options);
int RunUserSetTier(const Config& config, const std::string& user, const std::string& tier);
int RunUserList(const Config& config);

}  // namespace sonora::app
