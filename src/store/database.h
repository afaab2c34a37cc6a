// store::Database: the one interface over SQLite (embedded default) and PostgreSQL (scale-out).
//
// SQL is written once with `?` placeholders in the subset both engines accept (INSERT ... ON
// CONFLICT, RETURNING); the PostgreSQL backend rewrites `?` to `$n`. Dialect differences that
// remain live in store/sql_dialect.h. Booleans travel as integers 0/1 and timestamps as BIGINT
// unix milliseconds, so every value reads back the same on both backends.
//
// Thread-safety: a Database is shared by all threads. A Session is one connection lent to one
// thread for the duration of a Transact() callback and must not escape it.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace sonora::store {

// One bound parameter or one result cell.
class Value {
 public:
  using Variant = std::variant<std::nullptr_t, int64_t, double, std::string>;

  Value() : v_(nullptr) {}
  Value(std::nullptr_t) : v_(nullptr) {}  // NOLINT(google-explicit-constructor)
  template <std::integral T>
  Value(T x) : v_(static_cast<int64_t>(x)) {}        // NOLINT(google-explicit-constructor)
  Value(double x) : v_(x) {}                         // NOLINT(google-explicit-constructor)
  Value(std::string s) : v_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* s) : v_(std::string(s)) {}       // NOLINT(google-explicit-constructor)
  template <typename T>
  Value(const std::optional<T>& o) {  // NOLINT(google-explicit-constructor)
    if (o) *this = Value(*o);
  }

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
  const Variant& variant() const { return v_; }

  // Conversions used by Row. Text cells (PostgreSQL returns text) are parsed; NULL reads as
  // 0 / 0.0 / false / "".
  int64_t AsInt() const;
  double AsDouble() const;
  bool AsBool() const;
  std::string AsString() const;

 private:
  Variant v_;
};

using Params = std::vector<Value>;

// "(?, ?, ...)" with `n` placeholders, for `IN` lists (n > 0; SQLite allows 32,766 per statement).
inline std::string InList(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s + ")";
}

class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const { return cells_.at(i).is_null(); }
  int64_t GetInt(size_t i) const { return cells_.at(i).AsInt(); }
  double GetDouble(size_t i) const { return cells_.at(i).AsDouble(); }
  bool GetBool(size_t i) const { return cells_.at(i).AsBool(); }
  std::string GetString(size_t i) const { return cells_.at(i).AsString(); }
  std::optional<std::string> GetOptionalString(size_t i) const {
    return IsNull(i) ? std::nullopt : std::optional<std::string>(GetString(i));
  }
  std::optional<int64_t> GetOptionalInt(size_t i) const {
    return IsNull(i) ? std::nullopt : std::optional<int64_t>(GetInt(i));
  }

 private:
  std::vector<Value> cells_;
};

struct QueryResult {
  std::vector<Row> rows;
  int64_t affected_rows = 0;  // for INSERT/UPDATE/DELETE
};

enum class Dialect { kSqlite, kPostgres };

// One connection, lent to one thread.
class Session {
 public:
  virtual ~Session() = default;
  // Runs one statement with bound parameters; rows for SELECT or RETURNING.
  // Errors: kAlreadyExists on a unique-constraint violation, kUnavailable when the database is
  // busy or unreachable, kAborted on a PostgreSQL serialization failure or deadlock (retry),
  // kInvalidArgument when a text parameter holds a NUL byte (PostgreSQL cannot store it),
  // kInternal otherwise.
  virtual Result<QueryResult> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  virtual Dialect dialect() const = 0;
};

struct PoolStats {
  int connections_total = 0;
  int connections_in_use = 0;
  int64_t waits_total = 0;  // times a caller waited for a free connection
};

class Database {
 public:
  virtual ~Database() = default;

  // A read-only statement on a reader connection (SQLite: WAL snapshot; PostgreSQL: the pool).
  // Errors as Session::Query.
  virtual Result<QueryResult> Query(std::string_view sql, const Params& params = {}) = 0;

  // A write, committed durably before returning (SQLite synchronous=FULL; PostgreSQL
  // synchronous_commit on). Errors as Session::Query.
  virtual Result<QueryResult> Execute(std::string_view sql, const Params& params = {}) = 0;

  // Runs `fn` inside one transaction on one connection: commits when it returns OK, rolls back
  // otherwise and returns its status. SQLite takes the write lock up front (BEGIN IMMEDIATE), so
  // transactions never fail late on lock upgrades. Blocks.
  virtual Status Transact(const std::function<Status(Session&)>& fn) = 0;

  // A trivial round trip, for /readyz. kUnavailable when the database cannot answer.
  virtual Status Ping() = 0;

  virtual Dialect dialect() const = 0;
  virtual PoolStats Stats() const = 0;
  // "sqlite:///path/sonora.db" or "postgresql://host/db" without credentials, for logs.
  virtual std::string Describe() const = 0;
};

struct OpenOptions {
  // Reader connections (SQLite) or pool size (PostgreSQL). Default: 4.
  int pool_size = 4;
  // How long a caller waits on a busy database before kUnavailable. Default: 5 s.
  int busy_timeout_ms = 5000;
};

// Opens "sqlite:///abs/path.db", "sqlite://relative.db", or "postgresql://..." / "postgres://...".
// Errors: kInvalidArgument for an unknown scheme; kUnavailable when the server is unreachable.
Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url, const OpenOptions& options);

}  // namespace sonora::store
