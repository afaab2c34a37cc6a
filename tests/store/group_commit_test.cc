// GroupCommitter on both backends: every acknowledged unit is committed, concurrent units share
// transactions, and a failing unit fails alone.
#include "store/group_commit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::store {
namespace {

using ::sonora::testing::AllBackends;
using ::sonora::testing::Backend;
using ::sonora::testing::BackendParamName;
using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;

class GroupCommitTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    ASSERT_THAT(tdb_->db().Execute("CREATE TABLE gc_items (k TEXT PRIMARY KEY, v BIGINT)").status(),
                IsOk());
  }
  static GroupCommitter::Work Insert(const std::string& k, int64_t v) {
    return [k, v](Session& s) {
      return s.Query("INSERT INTO gc_items (k, v) VALUES (?, ?)", {k, v}).status();
    };
  }
  int64_t Count() {
    auto r = tdb_->db().Query("SELECT COUNT(*) FROM gc_items");
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->rows[0].GetInt(0) : -1;
  }
  std::unique_ptr<sonora::testing::TestDatabase> tdb_;
};

TEST_P(GroupCommitTest, ConcurrentUnitsAreAllCommittedInFewerTransactions) {
  constexpr int kThreads = 16, kPerThread = 50;
  GroupCommitter writer(tdb_->db());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = writer.Run(Insert("k" + std::to_string(t) + "_" + std::to_string(i), i));
        if (!s.ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(), kThreads * kPerThread);  // acknowledged means readable by anyone
  GroupCommitStats stats = writer.Stats();
  EXPECT_EQ(stats.units, kThreads * kPerThread);
  EXPECT_LT(stats.batches, stats.units) << "concurrent units should share transactions";
  EXPECT_EQ(stats.fallbacks, 0);
}

TEST_P(GroupCommitTest, AFailingUnitFailsAloneAndTheOthersCommit) {
  ASSERT_THAT(tdb_->db().Execute("INSERT INTO gc_items (k, v) VALUES ('taken', 0)").status(),
              IsOk());
  GroupCommitter writer(tdb_->db());
  // A slow first unit holds the committer so the next eight queue up and share one batch.
  std::thread slow([&] {
    EXPECT_THAT(writer.Run([](Session& s) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return s.Query("INSERT INTO gc_items (k, v) VALUES ('slow', 0)").status();
    }),
                IsOk());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  constexpr int kThreads = 8;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Thread 3 collides with an existing key; the others are fine.
      results[t] = writer.Run(Insert(t == 3 ? "taken" : "ok" + std::to_string(t), t));
    });
  }
  for (auto& th : threads) th.join();
  slow.join();
  EXPECT_EQ(writer.Stats().fallbacks, 1) << "the eight should have shared one batch";
  for (int t = 0; t < kThreads; ++t) {
    if (t == 3) {
      EXPECT_THAT(results[t], StatusIs(Code::kAlreadyExists));
    } else {
      EXPECT_THAT(results[t], IsOk()) << "unit " << t;
    }
  }
  EXPECT_EQ(Count(), kThreads + 1);  // 7 new rows, "taken" and "slow"
}

TEST_P(GroupCommitTest, AUnitSeesTheWritesOfEarlierUnitsInItsBatch) {
  GroupCommitter writer(tdb_->db());
  ASSERT_THAT(writer.Run(Insert("a", 1)), IsOk());
  Status s = writer.Run([](Session& tx) -> Status {
    SONORA_RETURN_IF_ERROR(tx.Query("UPDATE gc_items SET v = v + 41 WHERE k = 'a'").status());
    return Status();
  });
  ASSERT_THAT(s, IsOk());
  auto r = tdb_->db().Query("SELECT v FROM gc_items WHERE k = 'a'");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0].GetInt(0), 42);
}

TEST_P(GroupCommitTest, DestructionFinishesQueuedUnits) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  {
    GroupCommitter writer(tdb_->db());
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        if (writer.Run(Insert("d" + std::to_string(t), t)).ok()) ok++;
      });
    }
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(Count(), 8);
}

TEST_P(GroupCommitTest, PostedUnitsReportTheirOwnResultAndAreCommittedBeforeShutdown) {
  std::atomic<int> ok{0}, failed{0};
  auto count = [&](const Status& s) { (s.ok() ? ok : failed) += 1; };
  {
    GroupCommitter writer(tdb_->db());
    ASSERT_THAT(writer.Run(Insert("taken", 0)), IsOk());
    for (int i = 0; i < 200; ++i)
      ASSERT_THAT(writer.Post(Insert("p" + std::to_string(i), i), count), IsOk());
    ASSERT_THAT(writer.Post(Insert("taken", 1), count), IsOk());  // fails: duplicate key
    ASSERT_THAT(writer.Post(Insert("last", 2)), IsOk());          // no callback
    // A waiting caller queued after the posts sees them committed.
    ASSERT_THAT(writer.Run(Insert("after", 3)), IsOk());
    EXPECT_EQ(Count(), 203);
    for (int i = 0; i < 50; ++i)
      ASSERT_THAT(writer.Post(Insert("q" + std::to_string(i), i)), IsOk());
  }  // destruction commits what is still queued
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(failed.load(), 1);
  EXPECT_EQ(Count(), 253);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName());

}  // namespace
}  // namespace sonora::store
