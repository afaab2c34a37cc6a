#include "store/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "core/check.h"
#include "core/log.h"
#include "store/sql_dialect.h"

namespace sonora::store {
namespace {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

std::string TrimTrailingSpace(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// SQLSTATEs after which retrying later, possibly on a new connection, is the right reaction:
// class 08 (connection exception), 57P01..57P03 (server shutting down or starting up) and
// 53300 (too_many_connections).
bool IsUnavailableState(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03" ||
         state == "53300";
}

// Turns a failed command into a Status. `res` may be null: libpq returns no result at all when
// the connection is gone or memory ran out.
Status ErrorStatus(PGconn* conn, const PGresult* res) {
  const char* state_field = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view state = state_field ? state_field : "";
  std::string message = res ? TrimTrailingSpace(PQresultErrorMessage(res)) : "";
  if (message.empty()) message = TrimTrailingSpace(PQerrorMessage(conn));
  // Codes that reach API callers carry only the primary message: DETAIL lines quote key values
  // (a username, an email), which belong in no response body.
  const char* primary_field = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string primary = primary_field ? primary_field : message;
  if (state == "23505") return Status::AlreadyExists(primary);
  if (state == "40001" || state == "40P01") {
    return Status::Aborted("serialization_failure", primary);
  }
  // No SQLSTATE with a dead connection means libpq itself lost the server (EOF, reset, timeout).
  if (IsUnavailableState(state) || PQstatus(conn) != CONNECTION_OK) {
    return Status::Unavailable("postgres: " + message);
  }
  return Status::Internal("postgres " + std::string(state.empty() ? "(no sqlstate)" : state) +
                          ": " + message);
}

bool Succeeded(const PGresult* res) {
  if (res == nullptr) return false;
  ExecStatusType st = PQresultStatus(res);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

// Server NOTICEs ("relation already exists, skipping") would otherwise go to stderr unformatted.
void LogNotice(void* /*arg*/, const char* message) {
  log::Debug("postgres notice: " + TrimTrailingSpace(message));
}

// A stable name for a prepared statement: FNV-1a of the SQL (std::hash may differ between
// builds, and a stable name can be matched in pg_prepared_statements across processes) plus the
// connection's statement count, which keeps names unique even if two texts hash alike.
std::string StatementName(std::string_view sql, size_t ordinal) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : sql) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[48];
  std::snprintf(buf, sizeof(buf), "sonora_%016llx_%zu", static_cast<unsigned long long>(h),
                ordinal);
  return buf;
}

// Text form of one parameter; nullopt for SQL NULL.
std::optional<std::string> ParamText(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::optional<std::string> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, std::string>) {
          return x;
        } else {
          // Shortest text that parses back to the same value; PostgreSQL accepts the "inf",
          // "-inf" and "nan" spellings to_chars produces.
          char buf[64];
          auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), x);
          return std::string(buf, end);
        }
      },
      v.variant());
}

// One libpq connection and its prepared statements. Used by one thread at a time: whoever holds
// its Lease.
class Connection {
 public:
  explicit Connection(const std::string& url) : url_(url) {}
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // (Re)connects from scratch and applies the session settings. A fresh PGconn rather than
  // PQreset, so nothing from the old session (settings, prepared statements) is assumed.
  Status Connect() {
    Close();
    conn_ = PQconnectdb(url_.c_str());
    if (conn_ == nullptr) return Status::Unavailable("postgres: out of memory connecting");
    if (PQstatus(conn_) != CONNECTION_OK) {
      Status s = Status::Unavailable("postgres: cannot connect to " + RedactPostgresUrl(url_) +
                                     ": " + TrimTrailingSpace(PQerrorMessage(conn_)));
      Close();
      return s;
    }
    PQsetNoticeProcessor(conn_, LogNotice, nullptr);
    if (PQsetClientEncoding(conn_, "UTF8") != 0) {
      Status s = ErrorStatus(conn_, nullptr);
      Close();
      return s;
    }
    // Durability (SECURITY.md §6): an acknowledged write must survive a server crash, whatever
    // the server's or the role's default is.
    Status s = Exec("SET synchronous_commit = on");
    if (!s.ok()) Close();
    return s;
  }

  // Whether the connection can be lent out as is. The socket is polled (libpq keeps it
  // non-blocking, so this never waits) because a server restart or pg_terminate_backend only
  // shows as a FATAL message and EOF waiting unread; PQstatus alone would still say OK and the
  // next statement would fail.
  bool LooksAlive() {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return false;
    // Twice: the first read may consume only the FATAL message, the second sees the EOF.
    for (int i = 0; i < 2; ++i) {
      if (PQconsumeInput(conn_) == 0) return false;
    }
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

  bool broken() const { return conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK; }

  // Returns the connection to autocommit after a transaction that did not end cleanly (a
  // failed callback, an exception, a lost COMMIT). Drops the connection if even that fails, so
  // the next borrower reconnects instead of inheriting an open transaction.
  void MakeIdle() {
    if (broken()) return;
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
    PgResult res(PQexec(conn_, "ROLLBACK"));
    if (!Succeeded(res.get()) || PQtransactionStatus(conn_) != PQTRANS_IDLE) Close();
  }

  // One statement with `?` placeholders, prepared on first use on this connection.
  Result<QueryResult> Run(std::string_view sql, const Params& params) {
    if (broken()) return Status::Unavailable("postgres: connection lost");
    std::string key(sql);
    auto it = prepared_.find(key);
    std::string one_shot_text;  // set when the statement runs unprepared
    int param_count = 0;
    if (it != prepared_.end()) {
      param_count = it->second.param_count;
    } else {
      std::string text = RewritePlaceholders(sql, &param_count);
      if (prepared_.size() < kMaxPreparedStatements) {
        std::string name = StatementName(sql, prepared_.size());
        PgResult res(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
        // A statement that failed to prepare is not cached: it may be valid later (a table that
        // a migration has not created yet).
        if (!Succeeded(res.get())) return ErrorStatus(conn_, res.get());
        it = prepared_.emplace(std::move(key), Prepared{std::move(name), param_count}).first;
      } else {
        one_shot_text = std::move(text);
      }
    }
    if (static_cast<size_t>(param_count) != params.size()) {
      return Status::Internal("postgres: statement has " + std::to_string(param_count) +
                              " placeholders but " + std::to_string(params.size()) +
                              " parameters were bound: " + std::string(sql));
    }

    // `texts` is reserved up front and never reallocates, so the c_str() pointers in `values`
    // stay valid.
    std::vector<std::optional<std::string>> texts;
    texts.reserve(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      texts.push_back(ParamText(params[i]));
      if (!texts.back()) continue;
      // Text-format parameters are C strings: libpq would silently cut the value at a NUL.
      if (texts.back()->find('\0') != std::string::npos) {
        return Status::InvalidArgument("parameter " + std::to_string(i + 1),
                                       "text contains a NUL byte");
      }
      values[i] = texts.back()->c_str();
    }
    const int n = static_cast<int>(params.size());
    PgResult res(it != prepared_.end()
                     ? PQexecPrepared(conn_, it->second.name.c_str(), n, values.data(),
                                      /*paramLengths=*/nullptr, /*paramFormats=*/nullptr,
                                      /*resultFormat=*/0)
                     : PQexecParams(conn_, one_shot_text.c_str(), n, /*paramTypes=*/nullptr,
                                    values.data(), nullptr, nullptr, 0));
    if (!Succeeded(res.get())) return ErrorStatus(conn_, res.get());
    return ToQueryResult(res.get());
  }

  // Several statements without parameters, in one round trip (migrations).
  Status Exec(std::string_view sql) {
    if (broken()) return Status::Unavailable("postgres: connection lost");
    PgResult res(PQexec(conn_, std::string(sql).c_str()));
    if (!Succeeded(res.get())) return ErrorStatus(conn_, res.get());
    return Status();
  }

  // COMMIT, telling apart the case where the server silently rolled back instead.
  Status Commit() {
    if (broken()) return Status::Unavailable("postgres: connection lost before COMMIT");
    PgResult res(PQexec(conn_, "COMMIT"));
    if (!Succeeded(res.get())) return ErrorStatus(conn_, res.get());
    // COMMIT of a transaction in which a statement failed answers "ROLLBACK", not an error: the
    // callback swallowed a failure and returned OK, and its writes are gone.
    if (std::string_view(PQcmdStatus(res.get())) == "ROLLBACK") {
      return Status::Internal(
          "postgres: transaction rolled back at COMMIT because a statement in it failed");
    }
    return Status();
  }

 private:
  // Bounds the statements kept per connection (and in the server backend's memory) should a
  // caller ever build SQL text dynamically; beyond it, new texts run unprepared.
  static constexpr size_t kMaxPreparedStatements = 512;

  struct Prepared {
    std::string name;
    int param_count = 0;
  };

  static QueryResult ToQueryResult(const PGresult* res) {
    QueryResult out;
    const int rows = PQntuples(res);
    const int cols = PQnfields(res);
    out.rows.reserve(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      std::vector<Value> cells;
      cells.reserve(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res, r, c)) {
          cells.emplace_back(nullptr);
        } else {
          cells.emplace_back(
              std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))));
        }
      }
      out.rows.emplace_back(std::move(cells));
    }
    // PQcmdTuples is "" for commands without a count (DDL, SET); that reads as 0.
    std::string_view tuples = PQcmdTuples(const_cast<PGresult*>(res));
    std::from_chars(tuples.data(), tuples.data() + tuples.size(), out.affected_rows);
    return out;
  }

  void Close() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    prepared_.clear();  // prepared statements die with the server session
  }

  const std::string url_;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, Prepared> prepared_;  // original SQL -> statement
};

class PgSession final : public Session {
 public:
  explicit PgSession(Connection& connection) : connection_(connection) {}
  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    return connection_.Run(sql, params);
  }
  Status ExecuteScript(std::string_view sql) override { return connection_.Exec(sql); }
  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  Connection& connection_;
};

// The pool. Connections are created once in Open and live as long as the database; a broken one
// is reconnected in place by whoever borrows it next.
//
// Invariants (under mu_): every connection is either in free_ or held by exactly one Lease;
// in_use_ == connections_.size() - free_.size().
class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, const OpenOptions& options)
      : url_(std::move(url)),
        busy_timeout_(std::max(options.busy_timeout_ms, 0)),
        pool_size_(std::max(options.pool_size, 1)) {}

  ~PostgresDatabase() override {
    // A Lease outliving its database is a caller bug (Session escaped Transact).
    SONORA_DCHECK(in_use_ == 0);
  }

  Status ConnectAll() {
    for (int i = 0; i < pool_size_; ++i) {
      auto c = std::make_unique<Connection>(url_);
      SONORA_RETURN_IF_ERROR(c->Connect());
      free_.push_back(c.get());
      connections_.push_back(std::move(c));
    }
    return Status();
  }

  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    return RunAutocommit(sql, params, /*retry_if_connection_lost=*/true);
  }

  Result<QueryResult> Execute(std::string_view sql, const Params& params) override {
    // No retry: a write whose connection died may or may not have committed, and only the
    // caller knows whether repeating it is safe.
    return RunAutocommit(sql, params, /*retry_if_connection_lost=*/false);
  }

  Status Transact(const std::function<Status(Session&)>& fn) override {
    SONORA_ASSIGN_OR_RETURN(Lease lease, Acquire());
    Connection& c = lease.connection();
    Status begun = c.Exec("BEGIN");
    if (!begun.ok() && c.broken()) {
      // Lost between the liveness probe and BEGIN; nothing has run yet, so a fresh connection
      // is safe.
      SONORA_RETURN_IF_ERROR(c.Connect());
      begun = c.Exec("BEGIN");
    }
    SONORA_RETURN_IF_ERROR(begun);
    PgSession session(c);
    Status s = fn(session);
    if (!s.ok()) {
      // The callback's status is what the caller needs; a failed ROLLBACK is handled by the
      // lease (MakeIdle drops the connection).
      c.Exec("ROLLBACK").IgnoreError();
      return s;
    }
    return c.Commit();
  }

  Status Ping() override {
    Status s = RunAutocommit("SELECT 1", {}, /*retry_if_connection_lost=*/true).status();
    // Readiness only asks "can the database answer": any failure means no.
    if (!s.ok() && s.code() != Code::kUnavailable) return Status::Unavailable(s.ToString());
    return s;
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  PoolStats Stats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    PoolStats stats;
    stats.connections_total = static_cast<int>(connections_.size());
    stats.connections_in_use = in_use_;
    stats.waits_total = waits_;
    return stats;
  }

  std::string Describe() const override { return RedactPostgresUrl(url_); }

 private:
  // A borrowed connection, returned to the pool on destruction (also when a Transact callback
  // throws).
  class Lease {
   public:
    Lease(PostgresDatabase* db, Connection* c) : db_(db), connection_(c) {}
    Lease(Lease&& other) noexcept
        : db_(std::exchange(other.db_, nullptr)),
          connection_(std::exchange(other.connection_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_ != nullptr) db_->Release(connection_);
    }
    Connection& connection() { return *connection_; }

   private:
    PostgresDatabase* db_;
    Connection* connection_;
  };

  Result<Lease> Acquire() {
    Connection* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (free_.empty()) {
        ++waits_;
        if (!cv_.wait_for(lock, busy_timeout_, [this] { return !free_.empty(); })) {
          return Status::Unavailable("postgres: no free connection within " +
                                     std::to_string(busy_timeout_.count()) + " ms (pool of " +
                                     std::to_string(pool_size_) + ")");
        }
      }
      c = free_.back();  // LIFO: the most recently used connection is the likeliest to be warm
      free_.pop_back();
      ++in_use_;
    }
    Lease lease(this, c);
    // Reconnecting happens outside the lock: it can take as long as a TCP connect.
    if (!c->LooksAlive()) SONORA_RETURN_IF_ERROR(c->Connect());
    return lease;
  }

  void Release(Connection* c) {
    c->MakeIdle();  // outside the lock: may round-trip to the server
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(c);
      --in_use_;
    }
    cv_.notify_one();
  }

  Result<QueryResult> RunAutocommit(std::string_view sql, const Params& params,
                                    bool retry_if_connection_lost) {
    SONORA_ASSIGN_OR_RETURN(Lease lease, Acquire());
    Connection& c = lease.connection();
    Result<QueryResult> r = c.Run(sql, params);
    if (!r.ok() && retry_if_connection_lost && c.broken()) {
      // The server went away between the liveness probe and the statement (a restart, a
      // failover). A read is safe to repeat once on a fresh connection.
      SONORA_RETURN_IF_ERROR(c.Connect());
      r = c.Run(sql, params);
    }
    return r;
  }

  const std::string url_;
  const std::chrono::milliseconds busy_timeout_;
  const int pool_size_;
  // Filled by ConnectAll before the database is shared, then never resized.
  std::vector<std::unique_ptr<Connection>> connections_;

  mutable std::mutex mu_;
  std::condition_variable cv_;     // signalled when a connection returns to free_
  std::vector<Connection*> free_;  // guarded by mu_
  int in_use_ = 0;                 // guarded by mu_
  int64_t waits_ = 0;              // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, const OpenOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(std::string(url), options);
  SONORA_RETURN_IF_ERROR(db->ConnectAll());
  return std::unique_ptr<Database>(std::move(db));
}

std::string RedactPostgresUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    // A "key=value" conninfo string; OpenDatabase only routes URIs here, so say nothing more.
    return "postgresql (conninfo string)";
  }
  std::string out(url.substr(0, scheme_end + 3));
  size_t pos = scheme_end + 3;
  // libpq's own rule: the user info ends at the first '@' seen before any '/'.
  size_t stop = url.find_first_of("@/", pos);
  if (stop != std::string_view::npos && url[stop] == '@') {
    std::string_view userinfo = url.substr(pos, stop - pos);
    out += userinfo.substr(0, userinfo.find(':'));
    out += '@';
    pos = stop + 1;
  }
  size_t query = url.find('?', pos);
  out += url.substr(pos, query == std::string_view::npos ? std::string_view::npos : query - pos);
  if (query == std::string_view::npos) return out;

  std::string_view rest = url.substr(query + 1);
  char sep = '?';
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (param.starts_with("password=") || param == "password") continue;
    out += sep;
    out += param;
    sep = '&';
  }
  return out;
}

}  // namespace sonora::store
