#include "store/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "core/thread_annotations.h"

namespace sonora::store {

namespace {

Status ErrorFrom(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xFF;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Status::AlreadyExists(msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Unavailable(msg);
  return Status::Internal(msg);
}

// One sqlite3 handle with its statement cache. Used by one thread at a time (the pool or the
// writer mutex guarantees it).
class Connection final : public Session {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool writer,
                                                  int busy_timeout_ms) {
    sqlite3* handle = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    if (rc != SQLITE_OK) {
      Status s = Status::Unavailable(std::string("cannot open ") + path + ": " +
                                     (handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc)));
      sqlite3_close(handle);
      return s;
    }
    auto conn = std::unique_ptr<Connection>(new Connection(handle));
    sqlite3_busy_timeout(handle, busy_timeout_ms);
    sqlite3_extended_result_codes(handle, 1);
    // WAL: readers never block the writer. synchronous=FULL: a committed write is fsynced before
    // we acknowledge it (SECURITY.md §6). foreign_keys: the schema's REFERENCES are enforced.
    const char* pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                                 : "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                                   "PRAGMA query_only=ON;";
    SONORA_RETURN_IF_ERROR(conn->ExecuteScript(pragmas));
    return conn;
  }

  ~Connection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    SONORA_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    // Reset on every exit path so the statement never holds a read snapshot between calls.
    struct Resetter {
      sqlite3_stmt* s;
      ~Resetter() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } resetter{stmt};

    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Status::Internal("parameter count mismatch for: " + std::string(sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) return sqlite3_bind_null(stmt, idx);
            else if constexpr (std::is_same_v<T, int64_t>) return sqlite3_bind_int64(stmt, idx, v);
            else if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(stmt, idx, v);
            else
              return sqlite3_bind_text(stmt, idx, v.data(), static_cast<int>(v.size()),
                                       SQLITE_STATIC);
          },
          params[i].variant());
      if (rc != SQLITE_OK) return ErrorFrom(db_, rc, "bind");
    }

    QueryResult result;
    const int ncols = sqlite3_column_count(stmt);
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return ErrorFrom(db_, rc, "step");
      std::vector<Value> cells;
      cells.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER: cells.emplace_back(sqlite3_column_int64(stmt, c)); break;
          case SQLITE_FLOAT: cells.emplace_back(sqlite3_column_double(stmt, c)); break;
          case SQLITE_NULL: cells.emplace_back(nullptr); break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            int len = sqlite3_column_bytes(stmt, c);
            cells.emplace_back(std::string(text ? text : "", static_cast<size_t>(len)));
          }
        }
      }
      result.rows.emplace_back(std::move(cells));
    }
    result.affected_rows = sqlite3_changes64(db_);
    return result;
  }

  Status ExecuteScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return ErrorFrom(nullptr, rc, msg);
    }
    return Status();
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return ErrorFrom(db_, rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, std::unique_ptr<Connection> writer,
                 std::vector<std::unique_ptr<Connection>> readers, int busy_timeout_ms)
      : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), writer_(std::move(writer)) {
    for (auto& r : readers) {
      free_readers_.push_back(r.get());
      readers_.push_back(std::move(r));
    }
  }

  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    SONORA_ASSIGN_OR_RETURN(Connection * conn, AcquireReader());
    auto result = conn->Query(sql, params);
    ReleaseReader(conn);
    return result;
  }

  Result<QueryResult> Execute(std::string_view sql, const Params& params) override {
    std::lock_guard<std::mutex> lock(writer_mu_);
    return writer_->Query(sql, params);
  }

  Status Transact(const std::function<Status(Session&)>& fn) override {
    std::lock_guard<std::mutex> lock(writer_mu_);
    SONORA_RETURN_IF_ERROR(writer_->Query("BEGIN IMMEDIATE", {}).status());
    Status s = fn(*writer_);
    if (s.ok()) {
      auto commit = writer_->Query("COMMIT", {});
      if (commit.ok()) return Status();
      s = commit.status();
    }
    writer_->Query("ROLLBACK", {}).IgnoreError();  // fails only if nothing is open: harmless
    return s;
  }

  Status Ping() override { return Query("SELECT 1", {}).status(); }
  Dialect dialect() const override { return Dialect::kSqlite; }

  PoolStats Stats() const override {
    std::lock_guard<std::mutex> lock(pool_mu_);
    PoolStats s;
    s.connections_total = static_cast<int>(readers_.size()) + 1;
    s.connections_in_use = static_cast<int>(readers_.size() - free_readers_.size());
    s.waits_total = waits_;
    return s;
  }

  std::string Describe() const override { return "sqlite://" + path_; }

 private:
  Result<Connection*> AcquireReader() {
    std::unique_lock<std::mutex> lock(pool_mu_);
    if (free_readers_.empty()) {
      ++waits_;
      bool got = pool_cv_.wait_for(lock, std::chrono::milliseconds(busy_timeout_ms_),
                                   [&] { return !free_readers_.empty(); });
      if (!got) return Status::Unavailable("no free database reader connection");
    }
    Connection* c = free_readers_.back();
    free_readers_.pop_back();
    return c;
  }

  void ReleaseReader(Connection* c) {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      free_readers_.push_back(c);
    }
    pool_cv_.notify_one();
  }

  // Constant after construction.
  const std::string path_;
  const int busy_timeout_ms_;
  std::vector<std::unique_ptr<Connection>> readers_;

  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_ SONORA_GUARDED_BY(writer_mu_);

  mutable std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> free_readers_ SONORA_GUARDED_BY(pool_mu_);
  int64_t waits_ SONORA_GUARDED_BY(pool_mu_) = 0;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options) {
  // The writer opens first: it creates the file and switches it to WAL before readers attach.
  SONORA_ASSIGN_OR_RETURN(auto writer, Connection::Open(path, true, options.busy_timeout_ms));
  std::vector<std::unique_ptr<Connection>> readers;
  int n = options.pool_size < 1 ? 1 : options.pool_size;
  for (int i = 0; i < n; ++i) {
    SONORA_ASSIGN_OR_RETURN(auto r, Connection::Open(path, false, options.busy_timeout_ms));
    readers.push_back(std::move(r));
  }
  return std::unique_ptr<Database>(
      new SqliteDatabase(path, std::move(writer), std::move(readers), options.busy_timeout_ms));
}

}  // namespace sonora::store
