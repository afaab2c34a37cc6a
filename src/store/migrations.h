// Schema migrations: SQL files in src/store/migrations named YYYYMMDDHHMMSS_verb_object.sql,
// embedded into the binary at build time, applied in name order at start-up, each in its own
// transaction, and recorded in `schema_migrations`. A NAME.postgres.sql file replaces NAME.sql
// on PostgreSQL where the dialects cannot share one text.
#pragma once

#include <vector>

#include "core/status.h"
#include "store/database.h"

namespace sonora::store {

struct Migration {
  const char* version;       // file name without ".sql"
  const char* sql;           // both backends, unless postgres_sql is set
  const char* postgres_sql;  // nullptr when the common text serves PostgreSQL too
};

const std::vector<Migration>& AllMigrations();

// Applies every migration not yet recorded. Safe against several nodes starting at once
// (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE). Returns the number applied via
// `applied` when non-null. Errors: whatever the database returns; nothing is half-applied.
Status Migrate(Database& db, int* applied = nullptr);

}  // namespace sonora::store
