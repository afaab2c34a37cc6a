// Offline evaluation: metrics on hand-computed lists, the leave-last-out split, the baselines on
// tiny matrices, and a whole run on the planted population.
#include "recommend/evaluation.h"

#include <cmath>

#include "recommend/eval_runner.h"
#include "recommend/synthetic.h"
#include "support/status_matchers.h"

namespace sonora::recommend {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::IsOk;
using testing::StatusIs;

TEST(MetricsTest, HandComputedExamples) {
  // Hits at ranks 2 and 4 of 4 recommendations; 3 relevant items.
  std::vector<int32_t> recs = {5, 2, 9, 1};
  std::vector<int32_t> relevant = {1, 2, 7};
  EXPECT_DOUBLE_EQ(PrecisionAtK(recs, relevant, 10), 0.2);
  EXPECT_DOUBLE_EQ(RecallAtK(recs, relevant, 10), 2.0 / 3);
  // DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3) + 1/log2(4).
  const double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
  const double idcg = 1 + 1 / std::log2(3.0) + 0.5;
  EXPECT_NEAR(NdcgAtK(recs, relevant, 10), dcg / idcg, 1e-12);
  EXPECT_NEAR(NdcgAtK(recs, relevant, 10), 0.49819, 1e-5);

  // The cut-off applies: only the first k count.
  EXPECT_DOUBLE_EQ(PrecisionAtK(recs, relevant, 2), 0.5);
  EXPECT_DOUBLE_EQ(RecallAtK(recs, relevant, 2), 1.0 / 3);
  EXPECT_NEAR(NdcgAtK(recs, relevant, 2), (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12);

  // A perfect list scores 1; nothing relevant scores 0.
  std::vector<int32_t> perfect = {2, 4};
  std::vector<int32_t> one = {2};
  EXPECT_DOUBLE_EQ(NdcgAtK(perfect, one, 10), 1.0);
  EXPECT_DOUBLE_EQ(RecallAtK(perfect, one, 10), 1.0);
  EXPECT_DOUBLE_EQ(NdcgAtK(recs, {}, 10), 0.0);
  EXPECT_DOUBLE_EQ(PrecisionAtK({}, relevant, 10), 0.0);
}

TEST(MetricsTest, IntraListDiversityFromCoListening) {
  // item 0 and item 1 have the same listeners {0, 1}; item 2 only {2}; item 3 {0, 2}.
  std::vector<Interaction> xs = {{0, 0, 1, 0}, {1, 0, 1, 0}, {0, 1, 1, 0}, {1, 1, 1, 0},
                                 {2, 2, 1, 0}, {0, 3, 1, 0}, {2, 3, 1, 0}};
  auto m = InteractionMatrix::FromInteractions(xs, 3, 4);
  // pairs: (0,1) cos 1, (0,2) cos 0, (1,2) cos 0 -> mean(1 - cos) = 2/3.
  std::vector<int32_t> list = {0, 1, 2};
  EXPECT_NEAR(IntraListDiversity(list, m), 2.0 / 3, 1e-12);
  // (0,3): |{0}| / sqrt(2 * 2) = 0.5 -> diversity 0.5.
  std::vector<int32_t> pair = {0, 3};
  EXPECT_NEAR(IntraListDiversity(pair, m), 0.5, 1e-12);
  std::vector<int32_t> single = {0};
  EXPECT_EQ(IntraListDiversity(single, m), 0.0);
}

TEST(SplitTest, HoldsOutTheLatestPositiveItems) {
  std::vector<Interaction> xs = {
      // user 0: items 0..3 at times 10..40; item 3 (latest) was skipped: not held out.
      {0, 0, 1, 10},
      {0, 1, 2, 20},
      {0, 2, 1, 30},
      {0, 3, -1, 40},
      // user 0 plays item 0 again at time 50: item 0 is now the latest positive.
      {0, 0, 1, 50},
      // user 1: one item only: nothing would stay in training, so not evaluated.
      {1, 1, 1, 5},
  };
  Split s = SplitLeaveLastOut(xs, 2, 4, /*by_time=*/true, {.holdout = 2});
  EXPECT_THAT(s.held_out[0], ElementsAre(0, 2));
  EXPECT_THAT(s.held_out[1], IsEmpty());
  EXPECT_EQ(s.evaluated_users, 1);
  // Both rows of (0, 0) left training; the skip stayed.
  EXPECT_THAT(s.train.by_user().Cols(0), ElementsAre(1, 3));
  EXPECT_THAT(s.train.by_user().Values(0), ElementsAre(2.0f, -1.0f));
  EXPECT_THAT(s.train.by_user().Cols(1), ElementsAre(1));
}

TEST(SplitTest, RandomHoldoutRepeatsWithTheSeed) {
  auto data = GenerateSynthetic({.users = 50, .items = 40, .clusters = 4, .seed = 3});
  Split a = SplitLeaveLastOut(data.interactions, 50, 40, false, {.holdout = 3, .seed = 1});
  Split b = SplitLeaveLastOut(data.interactions, 50, 40, false, {.holdout = 3, .seed = 1});
  Split c = SplitLeaveLastOut(data.interactions, 50, 40, false, {.holdout = 3, .seed = 2});
  EXPECT_EQ(a.held_out, b.held_out);
  EXPECT_NE(a.held_out, c.held_out);
  for (int32_t u = 0; u < 50; ++u) {
    for (int32_t item : a.held_out[u]) {
      for (int32_t col : a.train.by_user().Cols(u)) EXPECT_NE(col, item) << "leaked into train";
    }
  }
}

TEST(BaselinesTest, PopularityAndItemKnnOnATinyMatrix) {
  // Items 0 and 1 are always played together; item 2 is the most popular overall.
  std::vector<Interaction> xs = {{0, 0, 1, 0}, {0, 1, 1, 0}, {1, 0, 1, 0},
                                 {1, 1, 1, 0}, {2, 2, 1, 0}, {3, 2, 1, 0},
                                 {4, 2, 1, 0}, {5, 0, 1, 0}, {4, 3, 1, 0}};
  auto m = InteractionMatrix::FromInteractions(xs, 6, 4);
  auto pop = MakePopularityRecommender(m);
  auto recs = pop->Recommend(5, 10);  // user 5 has item 0
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].item, 2);  // 3 listeners
  EXPECT_EQ(recs[1].item, 1);  // 2 listeners
  EXPECT_EQ(recs[2].item, 3);

  auto knn = MakeItemKnnRecommender(m, {});
  recs = knn->Recommend(5, 1);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].item, 1) << "item 1 is co-listened with item 0";
  EXPECT_GT(recs[0].score, 0.0f);
  EXPECT_THAT(knn->Recommend(5, 0), IsEmpty());
}

TEST(EvalRunnerTest, AlsBeatsTheBaselinesOnPlantedClusters) {
  auto data = GenerateSynthetic({.users = 600, .items = 300, .clusters = 6, .seed = 4});
  EvalOptions o;
  o.split.holdout = 3;
  o.als.factors = 16;
  o.als.iterations = 8;
  auto report = RunEvaluation(data.interactions, data.users, data.items, true, o, {});
  ASSERT_THAT(report, IsOk());
  ASSERT_EQ(report->models.size(), 3u);
  EXPECT_EQ(report->models[0].model, "als");
  EXPECT_EQ(report->models[1].model, "popularity");
  EXPECT_EQ(report->models[2].model, "item_knn");
  EXPECT_EQ(report->iterations.size(), 8u);
  EXPECT_EQ(report->evaluated_users, 600);
  for (const auto& m : report->models) {
    EXPECT_GT(m.ndcg, 0) << m.model;
    EXPECT_LE(m.ndcg, 1) << m.model;
    EXPECT_GT(m.coverage, 0) << m.model;
    EXPECT_LE(m.coverage, 1) << m.model;
  }
  EXPECT_GT(report->models[0].ndcg, 1.5 * report->models[1].ndcg);

  o.split.holdout = 0;
  EXPECT_THAT(RunEvaluation(data.interactions, data.users, data.items, true, o, {}),
              StatusIs(Code::kInvalidArgument));
  o.split.holdout = 1000;
  EXPECT_THAT(RunEvaluation(data.interactions, data.users, data.items, true, o, {}),
              StatusIs(Code::kInvalidArgument));
}

TEST(EvalRunnerTest, AspectEnsembleRowAveragesTheKeptRestartsOfEveryTopicCount) {
  auto data = GenerateSynthetic({.users = 300, .items = 120, .clusters = 4, .seed = 8});
  EvalOptions o;
  o.split.holdout = 3;
  o.als.factors = 8;
  o.als.iterations = 3;
  o.model = EvalModel::kAspect;
  o.aspect = {.iterations = 5, .restarts = 3, .alpha = 0.3f, .beta = 1.0f};
  o.aspect_ensemble = 2;
  o.aspect_topics = {3, 4};
  int calls = 0;
  o.on_aspect_iteration = [&](const AspectIteration&) { ++calls; };
  auto report = RunEvaluation(data.interactions, data.users, data.items, true, o, {});
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(calls, 2 * 3 * 5);
  EXPECT_EQ(report->aspect_iterations.size(), 30u);
  ASSERT_EQ(report->models.size(), 4u);
  EXPECT_EQ(report->models[0].model, "aspect");
  EXPECT_GT(report->models[0].ndcg, 1.5 * report->models[2].ndcg) << "vs popularity";

  // The ensemble is a different row from the best restart alone.
  EvalOptions single = o;
  single.aspect_ensemble = 1;
  auto alone = RunEvaluation(data.interactions, data.users, data.items, true, single, {});
  ASSERT_THAT(alone, IsOk());
  EXPECT_NE(alone->models[0].ndcg, report->models[0].ndcg);

  // Keeping more members than restarts, or none, is refused before anything is trained.
  calls = 0;
  o.aspect_ensemble = 4;
  EXPECT_THAT(RunEvaluation(data.interactions, data.users, data.items, true, o, {}),
              StatusIs(Code::kInvalidArgument));
  o.aspect_ensemble = 0;
  EXPECT_THAT(RunEvaluation(data.interactions, data.users, data.items, true, o, {}),
              StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace sonora::recommend
