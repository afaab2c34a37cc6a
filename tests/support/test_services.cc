#include "support/test_services.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace sonora::testing {
namespace {

std::optional<std::string> FromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  if (value != nullptr && *value != '\0') return std::string(value);
  const char* ci = std::getenv("CI");
  if (ci != nullptr && *ci != '\0') {
    ADD_FAILURE() << name << " is not set: CI must run the tests that need it "
                  << "(wrap the run in scripts/test-services run -- ...)";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> TestPostgresUrl() { return FromEnvironment("SONORA_TEST_POSTGRES_URL"); }

std::optional<std::string> TestRedisUrl() { return FromEnvironment("SONORA_TEST_REDIS_URL"); }

}  // namespace sonora::testing
