#include "store/migrations.h"

#include <chrono>
#include <string>

#include "core/log.h"

namespace sonora::store {

namespace {
constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version TEXT PRIMARY KEY,"
    " applied_at_ms BIGINT NOT NULL)";
// An arbitrary constant naming Sonora's migration lock among other users of the cluster.
constexpr std::string_view kPgLock = "SELECT pg_advisory_xact_lock(7261530001)";
}  // namespace

Status Migrate(Database& db, int* applied) {
  if (applied) *applied = 0;
  // The bookkeeping table is created under the same lock as the migrations, so two PostgreSQL
  // nodes starting at once cannot race on CREATE TABLE.
  SONORA_RETURN_IF_ERROR(db.Transact([](Session& session) -> Status {
    if (session.dialect() == Dialect::kPostgres) {
      SONORA_RETURN_IF_ERROR(session.Query(kPgLock).status());
    }
    return session.ExecuteScript(kCreateTable);
  }));
  for (const Migration& m : AllMigrations()) {
    Status s = db.Transact([&](Session& session) -> Status {
      if (session.dialect() == Dialect::kPostgres) {
        SONORA_RETURN_IF_ERROR(session.Query(kPgLock).status());
      }
      auto done = session.Query("SELECT 1 FROM schema_migrations WHERE version = ?", {m.version});
      if (!done.ok()) return done.status();
      if (!done->rows.empty()) return Status();
      const char* sql =
          (session.dialect() == Dialect::kPostgres && m.postgres_sql) ? m.postgres_sql : m.sql;
      SONORA_RETURN_IF_ERROR(session.ExecuteScript(sql));
      auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      SONORA_RETURN_IF_ERROR(session
                                 .Query("INSERT INTO schema_migrations (version, applied_at_ms) "
                                        "VALUES (?, ?)",
                                        {m.version, now_ms})
                                 .status());
      log::Debug(std::string("migration applied version=") + m.version);
      if (applied) ++*applied;
      return Status();
    });
    SONORA_RETURN_IF_ERROR(s);
  }
  return Status();
}

}  // namespace sonora::store
