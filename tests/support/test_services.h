// Where the external servers for tests are: scripts/test-services starts a throwaway PostgreSQL
// and Redis and exports their URLs. A test that needs one and finds it missing is skipped on a
// workstation, but fails when the CI environment variable is set, so CI cannot silently stop
// testing a backend.
#pragma once

#include <optional>
#include <string>

namespace sonora::testing {

// $SONORA_TEST_POSTGRES_URL: a libpq URI to an empty database the tests may create schemas in.
// nullopt when unset; then, if $CI is set, the current test has also been failed (ADD_FAILURE).
std::optional<std::string> TestPostgresUrl();

// $SONORA_TEST_REDIS_URL: "redis://127.0.0.1:PORT". nullopt when unset, with the same CI rule.
std::optional<std::string> TestRedisUrl();

}  // namespace sonora::testing

// Declares `std::string var` holding the Redis URL, or ends the current test: skipped without
// a server, failed under CI (TestRedisUrl has recorded the failure). For void test functions.
#define SONORA_REQUIRE_TEST_REDIS(var)                                                   \
  std::string var;                                                                       \
  if (auto sonora_redis_url_ = ::sonora::testing::TestRedisUrl()) {                      \
    var = *sonora_redis_url_;                                                            \
  } else if (::testing::Test::HasFailure()) {                                            \
    GTEST_FAIL() << "no Redis for this test";                                            \
  } else {                                                                               \
    GTEST_SKIP() << "SONORA_TEST_REDIS_URL is not set; run under scripts/test-services"; \
  }
