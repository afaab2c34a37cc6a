#include "support/test_database.h"

#include <cstdio>
#include <utility>

#include <gtest/gtest.h>

#include "core/random.h"
#include "store/migrations.h"
#include "support/test_services.h"

namespace sonora::testing {

std::string BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "sqlite";
    case Backend::kPostgres:
      return "postgres";
  }
  return "unknown";
}

std::vector<Backend> AllBackends() { return {Backend::kSqlite, Backend::kPostgres}; }

std::unique_ptr<TestDatabase> TestDatabase::Open(Backend backend,
                                                 const store::OpenOptions& options) {
  std::unique_ptr<TestDatabase> t(new TestDatabase(backend));
  if (backend == Backend::kSqlite) {
    t->dir_ = std::make_unique<TempDir>();
    t->url_ = "sqlite://" + t->dir_->path() + "/sonora.db";
  } else {
    std::optional<std::string> base = TestPostgresUrl();
    if (!base) return nullptr;
    store::OpenOptions admin_options;
    admin_options.pool_size = 1;
    auto admin = store::OpenDatabase(*base, admin_options);
    if (!admin.ok()) {
      ADD_FAILURE() << "cannot open " << *base << ": " << admin.status().ToString();
      return nullptr;
    }
    t->admin_ = std::move(admin).value();
    // Lower-case hex: unquoted identifiers fold to lower case, so the name needs no quoting.
    char name[24];
    std::snprintf(name, sizeof(name), "t_%016llx", static_cast<unsigned long long>(RandomU64()));
    auto created = t->admin_->Execute(std::string("CREATE SCHEMA ") + name);
    if (!created.ok()) {
      ADD_FAILURE() << "CREATE SCHEMA " << name << ": " << created.status().ToString();
      return nullptr;
    }
    t->schema_ = name;
    const char separator = base->find('?') == std::string::npos ? '?' : '&';
    t->url_ = *base + separator + "options=-csearch_path%3D" + t->schema_;
  }

  auto db = store::OpenDatabase(t->url_, options);
  if (!db.ok()) {
    ADD_FAILURE() << "cannot open " << t->url_ << ": " << db.status().ToString();
    return nullptr;
  }
  t->db_ = std::move(db).value();
  Status migrated = store::Migrate(*t->db_);
  if (!migrated.ok()) {
    ADD_FAILURE() << "migrations failed on " << BackendName(backend) << ": " << migrated.ToString();
    return nullptr;
  }
  return t;
}

TestDatabase::~TestDatabase() {
  // Close the pool first: DROP SCHEMA would wait on locks its connections hold, and SQLite's
  // files must be closed before the directory goes.
  db_.reset();
  if (admin_ != nullptr && !schema_.empty()) {
    auto dropped = admin_->Execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    if (!dropped.ok()) {
      std::fprintf(stderr, "TestDatabase: dropping schema %s: %s\n", schema_.c_str(),
                   dropped.status().ToString().c_str());
    }
  }
}

}  // namespace sonora::testing
