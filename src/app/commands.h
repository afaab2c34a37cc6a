// One function per subcommand; main.cc parses flags and calls these. Each returns the process
// exit code and prints errors to stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"

namespace sonora::app {

int RunServe(const Config& config);

struct DemoOptions {
  int tracks = 44;  // synthesized tracks with real audio, run through ingest
  int jobs = 2;
  bool serve = true;
  bool masters_only = false;  // write the synthesized masters and stop (benchmarks)
};
int RunDemo(const Config& config, const DemoOptions& options);

struct UserCreateOptions {
  std::string username, email, password, display_name, country = "US", tier = "free";
  bool admin = false;
};
struct IngestCommandOptions {
  std::vector<std::string> paths;
  int jobs = 2;
  bool json = false;
  bool force = false;
  int max_minutes = 60;
};
int RunIngest(const Config& config, const IngestCommandOptions& options);

// A metadata-only catalog of `tracks` generated tracks, for load tests and benchmarks.
int RunCatalogGenerate(const Config& config, int64_t tracks);

int RunUserCreate(const Config& config, const UserCreateOptions& options);
int RunUserSetTier(const Config& config, const std::string& user, const std::string& tier);
int RunUserList(const Config& config);

}  // namespace sonora::app
