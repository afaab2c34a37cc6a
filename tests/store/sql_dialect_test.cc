#include "store/sql_dialect.h"

#include <gtest/gtest.h>

namespace sonora::store {
namespace {

TEST(RewritePlaceholdersTest, NumbersPlaceholdersOutsideQuotes) {
  struct Case {
    const char* sql;
    const char* want;
    int count;
  };
  const Case cases[] = {
      {"", "", 0},
      {"SELECT 1", "SELECT 1", 0},
      {"SELECT ?", "SELECT $1", 1},
      {"INSERT INTO t (a, b) VALUES (?, ?)", "INSERT INTO t (a, b) VALUES ($1, $2)", 2},
      {"SELECT * FROM t WHERE a = ? AND b IN (?,?)",
       "SELECT * FROM t WHERE a = $1 AND b IN ($2,$3)", 3},
      // Inside string literals and quoted identifiers a ? is just a character.
      {"SELECT '?' FROM t WHERE a = ?", "SELECT '?' FROM t WHERE a = $1", 1},
      {"SELECT \"we?ird\" FROM t WHERE a = ?", "SELECT \"we?ird\" FROM t WHERE a = $1", 1},
      {"SELECT 'it''s ?' WHERE x = ?", "SELECT 'it''s ?' WHERE x = $1", 1},
      {"SELECT '\"?' , ?", "SELECT '\"?' , $1", 1},
      {"?,?,?,?,?,?,?,?,?,?,?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11", 11},
  };
  for (const Case& c : cases) {
    int count = -1;
    EXPECT_EQ(RewritePlaceholders(c.sql, &count), c.want) << c.sql;
    EXPECT_EQ(count, c.count) << c.sql;
  }
  EXPECT_EQ(RewritePlaceholders("a = ?"), "a = $1");  // the count is optional
}

TEST(SqlDialectTest, ForUpdateOnlyOnPostgres) {
  EXPECT_EQ(ForUpdate(Dialect::kPostgres), " FOR UPDATE");
  EXPECT_EQ(ForUpdate(Dialect::kSqlite), "");
}

TEST(SqlDialectTest, StringAgg) {
  EXPECT_EQ(StringAgg(Dialect::kPostgres, "name", ","), "string_agg(name, ',')");
  EXPECT_EQ(StringAgg(Dialect::kSqlite, "name", ","), "group_concat(name, ',')");
}

}  // namespace
}  // namespace sonora::store
