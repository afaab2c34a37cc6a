// Nearest-neighbour search: exact search is exact, the HNSW graph finds nearly all of the exact
// top 10 on random data (both metrics), exclusions hold, and bad input is refused.
#include "recommend/vector_index.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "support/status_matchers.h"

namespace sonora::recommend {
namespace {

using testing::IsOk;
using testing::StatusIs;

std::vector<float> RandomVectors(int64_t rows, int dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(rows) * dim);
  for (auto& x : v) x = normal(rng);
  return v;
}

TEST(VectorIndexTest, ExactSearchRanksByScore) {
  // Three 2-d vectors; the query (1, 0).
  std::vector<float> v = {0.5f, 0.5f, 2.0f, 0.0f, -1.0f, 0.0f};
  auto index = VectorIndex::Build(v, 3, 2, {.metric = Metric::kInnerProduct});
  ASSERT_THAT(index, IsOk());
  EXPECT_FALSE((*index)->approximate());
  std::vector<float> q = {1.0f, 0.0f};
  auto found = (*index)->Search(q, 2);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].id, 1);
  EXPECT_FLOAT_EQ((*found)[0].score, 2.0f);
  EXPECT_EQ((*found)[1].id, 0);

  auto cosine = VectorIndex::Build(v, 3, 2, {.metric = Metric::kCosine});
  ASSERT_THAT(cosine, IsOk());
  std::vector<int64_t> exclude = {1};
  found = (*cosine)->Search(q, 5, exclude);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].id, 0);
  EXPECT_NEAR((*found)[0].score, std::sqrt(0.5f), 1e-6);
  EXPECT_EQ((*found)[1].id, 2);
  EXPECT_NEAR((*found)[1].score, -1.0f, 1e-6);
}

TEST(VectorIndexTest, HnswRecallAtTenIsHighOnRandomData) {
  constexpr int64_t kRows = 5000;
  constexpr int kDim = 32;
  constexpr int kQueries = 200;
  auto data = RandomVectors(kRows, kDim, 1);
  auto queries = RandomVectors(kQueries, kDim, 2);
  for (Metric metric : {Metric::kCosine, Metric::kInnerProduct}) {
    auto exact = VectorIndex::Build(data, kRows, kDim, {.metric = metric});
    auto ann = VectorIndex::Build(data, kRows, kDim, {.metric = metric, .exact_threshold = 0});
    ASSERT_THAT(exact, IsOk());
    ASSERT_THAT(ann, IsOk());
    EXPECT_FALSE((*exact)->approximate());
    EXPECT_TRUE((*ann)->approximate());
    int hits = 0;
    for (int q = 0; q < kQueries; ++q) {
      std::span<const float> query(queries.data() + q * kDim, kDim);
      auto want = (*exact)->Search(query, 10);
      auto got = (*ann)->Search(query, 10);
      ASSERT_THAT(want, IsOk());
      ASSERT_THAT(got, IsOk());
      ASSERT_EQ(got->size(), 10u);
      for (const auto& g : *got) {
        hits += std::any_of(want->begin(), want->end(),
                            [&](const Neighbor& w) { return w.id == g.id; });
      }
    }
    const double recall = static_cast<double>(hits) / (kQueries * 10);
    EXPECT_GT(recall, 0.9) << (metric == Metric::kCosine ? "cosine" : "inner product");
  }
}

TEST(VectorIndexTest, HnswHonoursExclusionsBeyondItsEf) {
  auto data = RandomVectors(500, 8, 3);
  auto ann = VectorIndex::Build(data, 500, 8,
                                {.metric = Metric::kCosine, .exact_threshold = 0, .ef_search = 10});
  ASSERT_THAT(ann, IsOk());
  std::span<const float> query(data.data(), 8);
  auto first = (*ann)->Search(query, 20);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->size(), 20u);
  EXPECT_EQ((*first)[0].id, 0) << "a vector is its own nearest neighbour";
  std::vector<int64_t> exclude;
  for (const auto& n : *first) exclude.push_back(n.id);
  std::sort(exclude.begin(), exclude.end());
  auto second = (*ann)->Search(query, 20, exclude);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->size(), 20u);
  for (const auto& n : *second) {
    EXPECT_FALSE(std::binary_search(exclude.begin(), exclude.end(), n.id)) << n.id;
  }
}

TEST(VectorIndexTest, ConcurrentSearchesAgreeWithSequentialOnes) {
  // Searches share the graph; those whose k + exclusions exceed ef take the exclusive path.
  auto data = RandomVectors(2000, 16, 4);
  auto ann = VectorIndex::Build(data, 2000, 16,
                                {.metric = Metric::kCosine, .exact_threshold = 0, .ef_search = 20});
  ASSERT_THAT(ann, IsOk());
  std::vector<int64_t> many;  // 30 exclusions: 10 + 30 > ef
  for (int64_t i = 0; i < 60; i += 2) many.push_back(i);
  auto search = [&](int q) {
    std::span<const float> query(data.data() + q * 16, 16);
    auto exclude = q % 2 == 0 ? std::span<const int64_t>(many) : std::span<const int64_t>();
    auto r = (*ann)->Search(query, 10, exclude);
    std::vector<int64_t> ids;
    if (r.ok()) {
      for (const auto& n : *r) ids.push_back(n.id);
    }
    return ids;
  };
  std::vector<std::vector<int64_t>> sequential(100);
  for (int q = 0; q < 100; ++q) sequential[q] = search(q);
  std::vector<std::vector<int64_t>> parallel(100);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int q = t; q < 100; q += 4) parallel[q] = search(q);
    });
  }
  for (auto& t : threads) t.join();
  for (int q = 0; q < 100; ++q) {
    EXPECT_EQ(parallel[q], sequential[q]) << "query " << q;
    EXPECT_EQ(parallel[q].size(), 10u) << "query " << q;
  }
}

TEST(VectorIndexTest, RejectsBadInput) {
  std::vector<float> v = {1, 2, 3, 4};
  EXPECT_THAT(VectorIndex::Build(v, 3, 2, {}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(VectorIndex::Build(v, 2, 0, {}), StatusIs(Code::kInvalidArgument));
  std::vector<float> bad = {1, std::nanf("")};
  EXPECT_THAT(VectorIndex::Build(bad, 1, 2, {}), StatusIs(Code::kInvalidArgument));
  auto index = VectorIndex::Build(v, 2, 2, {});
  ASSERT_THAT(index, IsOk());
  std::vector<float> q = {1, 2, 3};
  EXPECT_THAT((*index)->Search(q, 1), StatusIs(Code::kInvalidArgument));
}

}  // namespace
}  // namespace sonora::recommend
