// store::Database contract tests, run on every backend (STYLE.md 3.8), plus the
// PostgreSQL-only behaviour of the pool and the error mapping. Tables are created by the tests
// themselves so the cases do not depend on the product schema.
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/database.h"
#include "store/migrations.h"
#include "store/postgres/postgres_database.h"
#include "store/sql_dialect.h"
#include "support/status_matchers.h"
#include "support/test_database.h"
#include "support/test_services.h"

namespace sonora::store {
namespace {

using ::sonora::testing::AllBackends;
using ::sonora::testing::Backend;
using ::sonora::testing::BackendParamName;
using ::sonora::testing::IsOk;
using ::sonora::testing::IsOkAndHolds;
using ::sonora::testing::StatusIs;
using ::sonora::testing::TestDatabase;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kCreateItems =
    "CREATE TABLE items ("
    " id BIGINT PRIMARY KEY,"
    " name TEXT UNIQUE,"
    " i BIGINT,"
    " d DOUBLE PRECISION,"
    " flag BIGINT,"
    " note TEXT)";

constexpr std::string_view kCreateCounters =
    "CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)";

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    ASSERT_THAT(db().Execute(kCreateItems), IsOk());
  }

  Database& db() { return tdb_->db(); }

  Result<int64_t> CountItems() {
    SONORA_ASSIGN_OR_RETURN(QueryResult r, db().Query("SELECT COUNT(*) FROM items"));
    return r.rows.at(0).GetInt(0);
  }

  std::unique_ptr<TestDatabase> tdb_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName());

TEST_P(DatabaseTest, MigrationsApplyOnceAndAreIdempotent) {
  // TestDatabase::Open has already migrated; a second run (a restart) must apply nothing.
  int applied = -1;
  ASSERT_THAT(Migrate(db(), &applied), IsOk());
  EXPECT_EQ(applied, 0);
  EXPECT_THAT(db().Query("SELECT COUNT(*) FROM schema_migrations"),
              IsOkAndHolds(::testing::Field(&QueryResult::rows, ::testing::SizeIs(1))));
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r, db().Query("SELECT COUNT(*) FROM schema_migrations"));
  EXPECT_EQ(r.rows.at(0).GetInt(0), static_cast<int64_t>(AllMigrations().size()));
}

TEST_P(DatabaseTest, IntegersRoundTrip) {
  const int64_t cases[] = {0,
                           1,
                           -1,
                           42,
                           std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min(),
                           int64_t{1} << 53};
  int64_t id = 0;
  for (int64_t v : cases) {
    SCOPED_TRACE(v);
    ASSERT_THAT(db().Execute("INSERT INTO items (id, i) VALUES (?, ?)", {++id, v}), IsOk());
    SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r,
                                db().Query("SELECT i FROM items WHERE id = ?", {id}));
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_FALSE(r.rows[0].IsNull(0));
    EXPECT_EQ(r.rows[0].GetInt(0), v);
    EXPECT_EQ(r.rows[0].GetOptionalInt(0), v);
  }
}

TEST_P(DatabaseTest, DoublesRoundTripExactly) {
  const double cases[] = {0.0,
                          0.1,
                          -2.5,
                          3.141592653589793,
                          1e-300,
                          -1e300,
                          1.0 / 3.0,
                          std::numeric_limits<double>::max(),
                          std::numeric_limits<double>::denorm_min(),
                          std::numeric_limits<double>::infinity()};
  int64_t id = 0;
  for (double v : cases) {
    SCOPED_TRACE(v);
    ASSERT_THAT(db().Execute("INSERT INTO items (id, d) VALUES (?, ?)", {++id, v}), IsOk());
    SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r,
                                db().Query("SELECT d FROM items WHERE id = ?", {id}));
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].GetDouble(0), v);  // exact: both engines print shortest round-trip text
  }
}

TEST_P(DatabaseTest, TextRoundTrips) {
  const std::string cases[] = {
      "",  // empty is not NULL
      "plain",
      "h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93 \xF0\x9F\x8E\xB5",  // é ö ✓ 🎵
      "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",                     // 日本語
      "it's a 'quote' with ? and $1 inside",
      "line\nbreak\ttab",
      std::string(10000, 'x'),
  };
  int64_t id = 0;
  for (const std::string& v : cases) {
    SCOPED_TRACE(v.substr(0, 40));
    ASSERT_THAT(db().Execute("INSERT INTO items (id, note) VALUES (?, ?)", {++id, v}), IsOk());
    SONORA_ASSERT_OK_AND_ASSIGN(
        QueryResult r, db().Query("SELECT note, LENGTH(note) FROM items WHERE id = ?", {id}));
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_FALSE(r.rows[0].IsNull(0));
    EXPECT_EQ(r.rows[0].GetString(0), v);
    EXPECT_EQ(r.rows[0].GetOptionalString(0), v);
  }
}

TEST_P(DatabaseTest, NullsRoundTripInEveryColumnType) {
  ASSERT_THAT(
      db().Execute("INSERT INTO items (id, name, i, d, flag, note) VALUES (?, ?, ?, ?, ?, ?)",
                   {1, nullptr, Value(), std::optional<double>(), std::optional<int64_t>(),
                    std::optional<std::string>()}),
      IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(
      QueryResult r, db().Query("SELECT name, i, d, flag, note FROM items WHERE id = ?", {1}));
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.rows[0].size(), 5u);
  for (size_t c = 0; c < 5; ++c) EXPECT_TRUE(r.rows[0].IsNull(c)) << "column " << c;
  EXPECT_EQ(r.rows[0].GetOptionalString(0), std::nullopt);
  EXPECT_EQ(r.rows[0].GetOptionalInt(1), std::nullopt);

  // NULL binds as SQL NULL, not as the text "NULL" or an empty string.
  ASSERT_THAT(db().Execute("INSERT INTO items (id, note) VALUES (?, ?)", {2, "x"}), IsOk());
  ASSERT_THAT(db().Execute("UPDATE items SET note = ? WHERE id = ?", {nullptr, 2}), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult n,
                              db().Query("SELECT COUNT(*) FROM items WHERE note IS NULL"));
  EXPECT_EQ(n.rows.at(0).GetInt(0), 2);
}

TEST_P(DatabaseTest, BooleansStoredAsIntegersReadBackWithGetBool) {
  ASSERT_THAT(db().Execute("INSERT INTO items (id, flag) VALUES (?, ?)", {1, true}), IsOk());
  ASSERT_THAT(db().Execute("INSERT INTO items (id, flag) VALUES (?, ?)", {2, false}), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r,
                              db().Query("SELECT flag, flag = 1 FROM items ORDER BY id"));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_TRUE(r.rows[0].GetBool(0));
  EXPECT_EQ(r.rows[0].GetInt(0), 1);
  EXPECT_FALSE(r.rows[1].GetBool(0));
  EXPECT_EQ(r.rows[1].GetInt(0), 0);
  // A comparison is a real boolean on PostgreSQL ("t"/"f") and 1/0 on SQLite; GetBool reads both.
  EXPECT_TRUE(r.rows[0].GetBool(1));
  EXPECT_FALSE(r.rows[1].GetBool(1));
}

TEST_P(DatabaseTest, ReturningAndAffectedRows) {
  SONORA_ASSERT_OK_AND_ASSIGN(
      QueryResult inserted,
      db().Execute("INSERT INTO items (id, name, i) VALUES (?, ?, ?) RETURNING id, name",
                   {7, "seven", 70}));
  ASSERT_EQ(inserted.rows.size(), 1u);
  EXPECT_EQ(inserted.rows[0].GetInt(0), 7);
  EXPECT_EQ(inserted.rows[0].GetString(1), "seven");

  for (int64_t id = 8; id <= 10; ++id) {
    ASSERT_THAT(db().Execute("INSERT INTO items (id, i) VALUES (?, ?)", {id, 1}), IsOk());
  }
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult updated,
                              db().Execute("UPDATE items SET i = i + 1 WHERE i = ?", {1}));
  EXPECT_EQ(updated.affected_rows, 3);

  SONORA_ASSERT_OK_AND_ASSIGN(
      QueryResult upserted,
      db().Execute("INSERT INTO items (id, name, i) VALUES (?, ?, ?) "
                   "ON CONFLICT (id) DO UPDATE SET i = excluded.i RETURNING i",
                   {7, "seven", 71}));
  ASSERT_EQ(upserted.rows.size(), 1u);
  EXPECT_EQ(upserted.rows[0].GetInt(0), 71);

  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult deleted,
                              db().Execute("DELETE FROM items WHERE id = ?", {12345}));
  EXPECT_EQ(deleted.affected_rows, 0);
}

TEST_P(DatabaseTest, UniqueViolationIsAlreadyExists) {
  ASSERT_THAT(db().Execute("INSERT INTO items (id, name) VALUES (?, ?)", {1, "bob"}), IsOk());
  EXPECT_THAT(db().Execute("INSERT INTO items (id, name) VALUES (?, ?)", {2, "bob"}),
              StatusIs(Code::kAlreadyExists));  // UNIQUE column
  EXPECT_THAT(db().Execute("INSERT INTO items (id, name) VALUES (?, ?)", {1, "alice"}),
              StatusIs(Code::kAlreadyExists));  // primary key
  EXPECT_THAT(CountItems(), IsOkAndHolds(1));
}

TEST_P(DatabaseTest, TransactCommitsWhenCallbackReturnsOk) {
  Status s = db().Transact([](Session& session) -> Status {
    SONORA_RETURN_IF_ERROR(
        session.Query("INSERT INTO items (id, name) VALUES (?, ?)", {1, "a"}).status());
    SONORA_RETURN_IF_ERROR(
        session.Query("INSERT INTO items (id, name) VALUES (?, ?)", {2, "b"}).status());
    // The transaction sees its own writes.
    auto r = session.Query("SELECT COUNT(*) FROM items");
    if (!r.ok()) return r.status();
    if (r->rows.at(0).GetInt(0) != 2) return Status::Internal("own writes not visible");
    return Status();
  });
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(CountItems(), IsOkAndHolds(2));
}

TEST_P(DatabaseTest, TransactRollsBackWhenCallbackFails) {
  Status s = db().Transact([](Session& session) -> Status {
    SONORA_RETURN_IF_ERROR(
        session.Query("INSERT INTO items (id, name) VALUES (?, ?)", {1, "a"}).status());
    return Status::NotFound("no such playlist");
  });
  EXPECT_THAT(s, StatusIs(Code::kNotFound));
  EXPECT_THAT(CountItems(), IsOkAndHolds(0));
  // The connection went back to the pool usable, not stuck in the aborted transaction.
  EXPECT_THAT(db().Execute("INSERT INTO items (id, name) VALUES (?, ?)", {1, "a"}), IsOk());
  EXPECT_THAT(CountItems(), IsOkAndHolds(1));
}

TEST_P(DatabaseTest, TransactRollsBackWhenAStatementFails) {
  ASSERT_THAT(db().Execute("INSERT INTO items (id, name) VALUES (?, ?)", {1, "taken"}), IsOk());
  Status s = db().Transact([](Session& session) -> Status {
    SONORA_RETURN_IF_ERROR(
        session.Query("INSERT INTO items (id, name) VALUES (?, ?)", {2, "fresh"}).status());
    SONORA_RETURN_IF_ERROR(
        session.Query("INSERT INTO items (id, name) VALUES (?, ?)", {3, "taken"}).status());
    return Status();
  });
  EXPECT_THAT(s, StatusIs(Code::kAlreadyExists));
  EXPECT_THAT(CountItems(), IsOkAndHolds(1));  // row 2 was rolled back with the transaction
}

TEST_P(DatabaseTest, TransactReturnsTheCallbackStatusUnchanged) {
  const Status want = Status::Aborted("stale_snapshot", "snapshot_id is not current");
  Status got = db().Transact([&](Session&) { return want; });
  EXPECT_EQ(got.code(), Code::kAborted);
  EXPECT_EQ(got.message(), want.message());
  EXPECT_EQ(got.reason(), "stale_snapshot");

  const Status invalid = Status::InvalidArgument("uris", "unknown track");
  got = db().Transact([&](Session&) { return invalid; });
  EXPECT_EQ(got.code(), Code::kInvalidArgument);
  EXPECT_EQ(got.field(), "uris");
}

TEST_P(DatabaseTest, ConcurrentTransactIncrementsLoseNothing) {
  ASSERT_THAT(db().Execute(kCreateCounters), IsOk());
  ASSERT_THAT(db().Execute("INSERT INTO counters (id, n) VALUES (1, 0)"), IsOk());
  // Read-modify-write on purpose (not `n = n + 1`): it is only correct if Transact serializes
  // writers, which SQLite does with BEGIN IMMEDIATE and PostgreSQL with the row lock taken by
  // SELECT ... FOR UPDATE.
  const std::string select =
      "SELECT n FROM counters WHERE id = 1" + std::string(ForUpdate(db().dialect()));
  constexpr int kThreads = 8;
  constexpr int kIncrements = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status s = db().Transact([&](Session& session) -> Status {
          auto r = session.Query(select);
          if (!r.ok()) return r.status();
          int64_t n = r->rows.at(0).GetInt(0);
          return session.Query("UPDATE counters SET n = ? WHERE id = 1", {n + 1}).status();
        });
        if (!s.ok()) {
          ADD_FAILURE() << s.ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r, db().Query("SELECT n FROM counters WHERE id = 1"));
  EXPECT_EQ(r.rows.at(0).GetInt(0), kThreads * kIncrements);
}

TEST_P(DatabaseTest, QueriesFromManyThreads) {
  for (int64_t id = 1; id <= 20; ++id) {
    ASSERT_THAT(db().Execute("INSERT INTO items (id, i) VALUES (?, ?)", {id, id}), IsOk());
  }
  constexpr int kThreads = 16;
  constexpr int kQueries = 40;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int q = 0; q < kQueries; ++q) {
        const int64_t id = 1 + (t * kQueries + q) % 20;
        auto r = db().Query("SELECT i, (SELECT SUM(i) FROM items) FROM items WHERE id = ?", {id});
        if (!r.ok() || r->rows.size() != 1 || r->rows[0].GetInt(0) != id ||
            r->rows[0].GetInt(1) != 210) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(db().Stats().connections_in_use, 0);
}

TEST_P(DatabaseTest, PingSucceeds) { EXPECT_THAT(db().Ping(), IsOk()); }

TEST_P(DatabaseTest, DialectMatchesBackend) {
  EXPECT_EQ(db().dialect(),
            GetParam() == Backend::kPostgres ? Dialect::kPostgres : Dialect::kSqlite);
}

// --- PostgreSQL only ------------------------------------------------------------------------

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, Backend::kPostgres);
    ASSERT_THAT(tdb_->db().Execute(kCreateCounters), IsOk());
    ASSERT_THAT(tdb_->db().Execute("INSERT INTO counters (id, n) VALUES (1, 0)"), IsOk());
  }

  // A second Database on the same schema, with its own pool settings.
  std::unique_ptr<Database> OpenOther(int pool_size, int busy_timeout_ms = 5000,
                                      std::string extra_url = "") {
    OpenOptions options;
    options.pool_size = pool_size;
    options.busy_timeout_ms = busy_timeout_ms;
    auto db = OpenPostgres(tdb_->url() + extra_url, options);
    EXPECT_THAT(db, IsOk());
    return db.ok() ? std::move(db).value() : nullptr;
  }

  std::unique_ptr<TestDatabase> tdb_;
};

TEST_F(PostgresDatabaseTest, SynchronousCommitIsForcedOn) {
  // Even when the URL asks for it to be off, acknowledged writes must be durable.
  auto db = OpenOther(1, 5000, "&options=-csynchronous_commit%3Doff");
  ASSERT_NE(db, nullptr);
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r, db->Query("SHOW synchronous_commit"));
  EXPECT_EQ(r.rows.at(0).GetString(0), "on");
}

TEST_F(PostgresDatabaseTest, PoolWaitIsBoundedByBusyTimeout) {
  auto db = OpenOther(/*pool_size=*/1, /*busy_timeout_ms=*/200);
  ASSERT_NE(db, nullptr);
  Status inner;
  Status outer = db->Transact([&](Session&) -> Status {
    PoolStats during = db->Stats();
    EXPECT_EQ(during.connections_total, 1);
    EXPECT_EQ(during.connections_in_use, 1);
    // The only connection is held by this transaction, so this waits and gives up.
    inner = db->Query("SELECT 1").status();
    return Status();
  });
  EXPECT_THAT(outer, IsOk());
  EXPECT_THAT(inner, StatusIs(Code::kUnavailable));
  PoolStats after = db->Stats();
  EXPECT_EQ(after.waits_total, 1);
  EXPECT_EQ(after.connections_in_use, 0);
  EXPECT_THAT(db->Query("SELECT 1"), IsOk());
}

TEST_F(PostgresDatabaseTest, ReconnectsAfterBackendIsTerminated) {
  auto db = OpenOther(/*pool_size=*/1);
  ASSERT_NE(db, nullptr);
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult pid, db->Query("SELECT pg_backend_pid()"));
  // Kills the pool's only connection from another one, waiting up to 5 s for it to exit, as a
  // server restart or failover would.
  SONORA_ASSERT_OK_AND_ASSIGN(
      QueryResult killed, tdb_->db().Query("SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)",
                                           {pid.rows.at(0).GetInt(0)}));
  ASSERT_TRUE(killed.rows.at(0).GetBool(0));

  // A write is not retried by the backend, so this only passes if the dead connection is noticed
  // before use and replaced.
  EXPECT_THAT(db->Execute("UPDATE counters SET n = n + 1 WHERE id = 1"), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult after, db->Query("SELECT pg_backend_pid()"));
  EXPECT_NE(after.rows.at(0).GetInt(0), pid.rows.at(0).GetInt(0));
  // Session settings were applied to the new connection too.
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult sync, db->Query("SHOW synchronous_commit"));
  EXPECT_EQ(sync.rows.at(0).GetString(0), "on");
}

TEST_F(PostgresDatabaseTest, SerializationFailureIsAborted) {
  auto db = OpenOther(/*pool_size=*/2);
  ASSERT_NE(db, nullptr);
  Status s = db->Transact([&](Session& session) -> Status {
    SONORA_RETURN_IF_ERROR(
        session.Query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").status());
    SONORA_RETURN_IF_ERROR(session.Query("SELECT n FROM counters WHERE id = 1").status());
    // A concurrent committed update on the other pooled connection...
    SONORA_RETURN_IF_ERROR(db->Execute("UPDATE counters SET n = n + 1 WHERE id = 1").status());
    // ...makes this transaction's update of the same row unserializable.
    return session.Query("UPDATE counters SET n = n + 10 WHERE id = 1").status();
  });
  EXPECT_THAT(s, StatusIs(Code::kAborted));
  EXPECT_EQ(s.reason(), "serialization_failure");
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r, db->Query("SELECT n FROM counters WHERE id = 1"));
  EXPECT_EQ(r.rows.at(0).GetInt(0), 1);
}

TEST_F(PostgresDatabaseTest, SwallowedStatementErrorFailsTheCommit) {
  // PostgreSQL aborts the whole transaction on any failed statement and answers COMMIT with
  // ROLLBACK; a callback that ignores the error must not be told its writes committed.
  Status s = tdb_->db().Transact([](Session& session) -> Status {
    SONORA_RETURN_IF_ERROR(session.Query("UPDATE counters SET n = 5 WHERE id = 1").status());
    session.Query("INSERT INTO counters (id, n) VALUES (1, 0)").IgnoreError();
    return Status();
  });
  EXPECT_THAT(s, StatusIs(Code::kInternal));
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r,
                              tdb_->db().Query("SELECT n FROM counters WHERE id = 1"));
  EXPECT_EQ(r.rows.at(0).GetInt(0), 0);
}

TEST_F(PostgresDatabaseTest, SqlErrorsAreInternalWithTheServerMessage) {
  auto r = tdb_->db().Query("SELECT * FROM no_such_table");
  EXPECT_THAT(r, StatusIs(Code::kInternal));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("no_such_table"));
  // A wrong parameter count is caught before it reaches the server.
  EXPECT_THAT(tdb_->db().Query("SELECT n FROM counters WHERE id = ?", {}),
              StatusIs(Code::kInternal));
  EXPECT_THAT(tdb_->db().Query("SELECT n FROM counters WHERE id = ?", {1}), IsOk());
}

TEST_F(PostgresDatabaseTest, NulByteInTextIsRejectedNotTruncated) {
  EXPECT_THAT(tdb_->db().Query("SELECT CAST(? AS TEXT)", {std::string("a\0b", 3)}),
              StatusIs(Code::kInvalidArgument));
}

TEST_F(PostgresDatabaseTest, ManyDistinctStatementsStillRun) {
  // Past the per-connection prepared-statement cap, statements run unprepared.
  auto db = OpenOther(/*pool_size=*/1);
  ASSERT_NE(db, nullptr);
  for (int k = 0; k < 600; ++k) {
    auto r = db->Query("SELECT CAST(? AS BIGINT) + " + std::to_string(k), {1});
    ASSERT_THAT(r, IsOk()) << k;
    ASSERT_EQ(r->rows.at(0).GetInt(0), k + 1);
  }
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r,
                              db->Query("SELECT COUNT(*) FROM pg_prepared_statements"));
  EXPECT_LE(r.rows.at(0).GetInt(0), 512);
}

TEST_F(PostgresDatabaseTest, ExecuteScriptRunsSeveralStatements) {
  Status s = tdb_->db().Transact([](Session& session) {
    return session.ExecuteScript(
        "CREATE TABLE a (x BIGINT); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);");
  });
  ASSERT_THAT(s, IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r, tdb_->db().Query("SELECT SUM(x) FROM a"));
  EXPECT_EQ(r.rows.at(0).GetInt(0), 3);
}

TEST_F(PostgresDatabaseTest, DescribeHidesThePassword) {
  // The test cluster trusts local connections, so a password in the URL is accepted and ignored.
  std::string url = tdb_->url();
  const std::string scheme = "postgresql://postgres";
  ASSERT_EQ(url.rfind(scheme, 0), 0u) << url;
  url.insert(scheme.size(), ":hunter2");
  auto db = OpenPostgres(url + "&password=hunter3", OpenOptions{});
  ASSERT_THAT(db, IsOk());
  const std::string described = (*db)->Describe();
  EXPECT_THAT(described, Not(HasSubstr("hunter")));
  EXPECT_THAT(described, HasSubstr("postgresql://postgres@/"));
  EXPECT_EQ((*db)->dialect(), Dialect::kPostgres);
}

// --- No server needed -------------------------------------------------------------------------

TEST(PostgresOpenTest, UnreachableServerIsUnavailable) {
  OpenOptions options;
  options.pool_size = 1;
  EXPECT_THAT(
      OpenPostgres("postgresql://postgres@/sonora_test?host=/nonexistent/socket/dir", options),
      StatusIs(Code::kUnavailable));
  EXPECT_THAT(OpenDatabase("postgres://postgres@/x?host=/nonexistent/socket/dir", options),
              StatusIs(Code::kUnavailable));
}

TEST(RedactPostgresUrlTest, RemovesPasswords) {
  struct Case {
    const char* url;
    const char* want;
  };
  const Case cases[] = {
      {"postgresql://user:secret@db.example:5432/sonora",
       "postgresql://user@db.example:5432/sonora"},
      {"postgres://user@host/db", "postgres://user@host/db"},
      {"postgresql://host/db", "postgresql://host/db"},
      {"postgresql://:secret@host/db", "postgresql://@host/db"},
      {"postgresql://u:p%40ss@/db?host=/tmp/s&password=x&sslmode=disable",
       "postgresql://u@/db?host=/tmp/s&sslmode=disable"},
      {"postgresql:///db?password=x", "postgresql:///db"},
      {"postgresql://host/db?sslmode=require&password=x", "postgresql://host/db?sslmode=require"},
      {"host=localhost password=secret", "postgresql (conninfo string)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RedactPostgresUrl(c.url), c.want) << c.url;
  }
}

}  // namespace
}  // namespace sonora::store
