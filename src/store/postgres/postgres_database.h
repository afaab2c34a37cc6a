// The scale-out backend: PostgreSQL 15 through libpq, with a fixed pool of connections, each
// with its own prepared-statement cache. libpq itself is confined to postgres_database.cc so no
// other translation unit sees <libpq-fe.h>.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace sonora::store {

// Connects `options.pool_size` connections to the server named by `url`, a libpq connection URI
// passed through unchanged ("postgresql://user@host:5432/db", "postgresql://user@/db?host=/run/x",
// "...?options=-csearch_path%3Dschema"). Every connection runs with synchronous_commit=on and
// client_encoding=UTF8, whatever the server's defaults.
//
// The returned Database:
//   - Query/Execute run one statement in autocommit on a pooled connection; `?` placeholders are
//     rewritten to `$n` (RewritePlaceholders) and each distinct statement is prepared once per
//     connection. Parameters travel as text; every non-NULL cell comes back as text, which Row's
//     accessors parse (booleans arrive as "t"/"f").
//   - Transact runs BEGIN, the callback, then COMMIT (ROLLBACK when the callback fails). If a
//     statement inside failed and the callback swallowed the error, PostgreSQL has already
//     aborted the transaction: Transact returns kInternal and nothing is written. kUnavailable
//     from Transact or Execute after the statement was sent means the outcome is unknown.
//   - Query (read-only by contract) is retried once on a fresh connection if the server was
//     lost mid-call; Execute and the statements of a Transact never are.
//   - A caller waits at most `options.busy_timeout_ms` for a free connection, then gets
//     kUnavailable. A connection found broken is reconnected before it is lent out.
//   - Errors: kAlreadyExists on unique_violation (23505); kAborted with reason
//     "serialization_failure" on 40001/40P01 (retry the transaction); kUnavailable when the server
//     cannot be reached or is shutting down (08xxx, 57P0x, 53300); kInvalidArgument when a text
//     parameter contains a NUL byte (PostgreSQL text cannot hold one); kInternal otherwise,
//     carrying the server's message.
//
// Errors from OpenPostgres: kUnavailable when a connection cannot be established.
// Thread-safe: the Database may be shared by any number of threads.
Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, const OpenOptions& options);

// `url` with any password removed (from the userinfo part and from a `password=` parameter), so
// it can be logged. Exposed for tests; Database::Describe() returns this.
std::string RedactPostgresUrl(std::string_view url);

}  // namespace sonora::store
