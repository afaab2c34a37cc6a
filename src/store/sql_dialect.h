// The few places where SQLite and PostgreSQL SQL differ. Everything else is written once.
#pragma once

#include <string>
#include <string_view>

#include "store/database.h"

namespace sonora::store {

// Rewrites `?` placeholders to `$1..$n` outside quoted strings (PostgreSQL); returns the count.
// It does not understand comments, dollar quoting or jsonb's `?` operators: keep those out of
// SQL that goes through here.
std::string RewritePlaceholders(std::string_view sql, int* count = nullptr);

// "FOR UPDATE" on PostgreSQL, "" on SQLite (whose BEGIN IMMEDIATE already serializes writers).
std::string_view ForUpdate(Dialect d);

// Aggregates strings with a separator: group_concat(x, sep) / string_agg(x, sep).
std::string StringAgg(Dialect d, std::string_view expr, std::string_view sep);

}  // namespace sonora::store
