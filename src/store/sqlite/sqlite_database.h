// The embedded backend: SQLite in WAL mode with one writer connection (serialized by a mutex,
// synchronous=FULL so an acknowledged write survives power loss) and a pool of reader
// connections, each with its own prepared-statement cache.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/database.h"

namespace sonora::store {

// Opens (creating if needed) the database file at `path`.
// Errors: kUnavailable when the file cannot be opened or set to WAL mode.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options);

}  // namespace sonora::store
