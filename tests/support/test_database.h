// TestDatabase: a fresh, fully migrated store::Database per test, on either backend, so
// repository tests run the same cases on SQLite and PostgreSQL (STYLE.md 3.8).
//
//   class PlaylistRepositoryTest : public ::testing::TestWithParam<Backend> {
//    protected:
//     void SetUp() override { SONORA_OPEN_TEST_DB(tdb_, GetParam()); }
//     std::unique_ptr<TestDatabase> tdb_;
//   };
//   INSTANTIATE_TEST_SUITE_P(Backends, PlaylistRepositoryTest, ::testing::ValuesIn(AllBackends()),
//                            BackendParamName());
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/database.h"
#include "support/temp_dir.h"

namespace sonora::testing {

enum class Backend { kSqlite, kPostgres };

// "sqlite" / "postgres": valid gtest parameter names.
std::string BackendName(Backend backend);

// gtest prints a failing case's parameter with this ("postgres", not object bytes).
inline void PrintTo(Backend backend, std::ostream* os) { *os << BackendName(backend); }

// Names parameterized instances "sqlite" / "postgres". A functor rather than a lambda at each
// INSTANTIATE_TEST_SUITE_P: a lambda parameter named `info` shadows the macro's own (-Wshadow).
struct BackendParamName {
  std::string operator()(const ::testing::TestParamInfo<Backend>& param_info) const {
    return BackendName(param_info.param);
  }
};

// Every backend, whether or not its server is available (unavailable ones skip at Open).
std::vector<Backend> AllBackends();

class TestDatabase {
 public:
  // Opens a brand-new database with every migration applied:
  //   kSqlite    sqlite://<TempDir>/sonora.db, the directory removed with this object;
  //   kPostgres  a new schema t_<random> in the server named by $SONORA_TEST_POSTGRES_URL,
  //              reached through that URL plus `options=-csearch_path%3Dt_<random>` (so a
  //              server under test given url() sees the same schema), dropped with CASCADE
  //              when this object goes away. Any `options=` already in the base URL is
  //              overridden.
  // Returns nullptr when the database cannot be used: PostgreSQL not configured (a failure is
  // recorded only when $CI is set) or any error (always recorded with ADD_FAILURE). Use
  // SONORA_OPEN_TEST_DB, which turns nullptr into a skip or a fatal failure.
  static std::unique_ptr<TestDatabase> Open(Backend backend,
                                            const store::OpenOptions& options = {});
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  store::Database& db() { return *db_; }
  // The URL db() was opened with, for opening more connections or starting a server on it.
  const std::string& url() const { return url_; }
  Backend backend() const { return backend_; }

 private:
  explicit TestDatabase(Backend backend) : backend_(backend) {}

  Backend backend_;
  std::unique_ptr<TempDir> dir_;            // SQLite only
  std::unique_ptr<store::Database> admin_;  // PostgreSQL only: base URL, drops schema_
  std::string schema_;                      // PostgreSQL only
  std::string url_;
  std::unique_ptr<store::Database> db_;
};

}  // namespace sonora::testing

// Assigns TestDatabase::Open(backend) to `var` (already declared, e.g. a fixture member), or ends
// the current test: skipped when PostgreSQL is simply not configured on a workstation, failed
// fatally when Open recorded a failure (CI without PostgreSQL, or a real error). For void test
// functions: TEST bodies and SetUp (a fatal failure or skip in SetUp keeps the body from running).
#define SONORA_OPEN_TEST_DB(var, backend)                                                     \
  do {                                                                                        \
    var = ::sonora::testing::TestDatabase::Open(backend);                                     \
    if (var == nullptr) {                                                                     \
      if (::testing::Test::HasFailure()) GTEST_FAIL() << "test database unavailable";         \
      GTEST_SKIP() << "SONORA_TEST_POSTGRES_URL is not set; run under scripts/test-services"; \
    }                                                                                         \
  } while (0)
