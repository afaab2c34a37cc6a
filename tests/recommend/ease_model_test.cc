// EASE (closed-form item-item weights): B solves the constrained ridge problem (zero diagonal,
// (G + Lambda)(I - B) diagonal), with or without the per-item diagonal penalty; a strong
// penalty tends to plain co-occurrence and a strong diagonal one to co-occurrence over the
// item's listeners; the planted clusters come back; skips and bad options are ignored or
// refused as documented; and the evaluation runs the ease and ease_blend rows.
#include "recommend/ease_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recommend/eval_runner.h"
#include "recommend/synthetic.h"
#include "small_population.h"
#include "support/status_matchers.h"

namespace sonora::recommend {
namespace {

using testing::IsOk;
using testing::StatusIs;

// G = X^T X with cells weighted as `weighting`, computed directly from the interactions'
// matrix, independently of TrainEase.
std::vector<double> Gram(const InteractionMatrix& m, EaseWeighting weighting) {
  const auto n = static_cast<size_t>(m.items());
  std::vector<double> g(n * n, 0.0);
  for (int32_t u = 0; u < m.users(); ++u) {
    auto cols = m.by_user().Cols(u);
    auto values = m.by_user().Values(u);
    for (size_t a = 0; a < cols.size(); ++a) {
      for (size_t b = 0; b < cols.size(); ++b) {
        g[cols[a] * n + cols[b]] += static_cast<double>(EaseCellWeight(weighting, values[a])) *
                                    EaseCellWeight(weighting, values[b]);
      }
    }
  }
  return g;
}

TEST(EaseTest, WeightsSolveTheZeroDiagonalRidgeProblem) {
  auto data = GenerateSynthetic({.users = 120, .items = 40, .clusters = 4, .seed = 3});
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  struct Case {
    EaseWeighting weighting;
    float diagonal;
  };
  for (Case c : {Case{EaseWeighting::kBinary, 0.0f}, Case{EaseWeighting::kLog, 0.0f},
                 Case{EaseWeighting::kCount, 0.0f}, Case{EaseWeighting::kBinary, 2.5f},
                 Case{EaseWeighting::kLog, 0.4f}}) {
    const EaseWeighting weighting = c.weighting;
    const float lambda = 7.5f;
    auto model = TrainEase(m, {.lambda = lambda, .weighting = weighting, .diagonal = c.diagonal});
    ASSERT_THAT(model, IsOk());
    const int32_t n = m.items();
    ASSERT_EQ(model->items, n);
    ASSERT_EQ(model->weights.size(), static_cast<size_t>(n) * n);
    // The constraint: no item predicts itself.
    for (int32_t j = 0; j < n; ++j) EXPECT_EQ(model->Row(j)[j], 0.0f) << "item " << j;
    // The optimality condition of min ||X - XB||^2 + ||Lambda^1/2 B||^2 s.t. diag(B) = 0, with
    // Lambda = lambda I + diagonal diag(G): the Lagrange multipliers sit on the diagonal only,
    // so (G + Lambda)(I - B) is diagonal (and its diagonal, 1 / P_jj, is positive). Random
    // weights, a ridge solution without the constraint (B = I - lambda P, whose diagonal is not
    // zero) or a penalty that ignores `diagonal` fail here.
    auto g = Gram(m, weighting);
    double off = 0, on = 0;
    for (int32_t i = 0; i < n; ++i) {
      for (int32_t j = 0; j < n; ++j) {
        double v = 0;  // row i of (G + Lambda) times column j of (I - B)
        for (int32_t k = 0; k < n; ++k) {
          const double gik = g[static_cast<size_t>(i) * n + k];
          const double lhs = gik + (i == k ? lambda + c.diagonal * gik : 0.0);
          const double rhs = (k == j ? 1.0 : 0.0) - model->Row(k)[j];
          v += lhs * rhs;
        }
        if (i == j) {
          EXPECT_GT(v, 0) << "diagonal " << i;
          on = std::max(on, std::abs(v));
        } else {
          off = std::max(off, std::abs(v));
        }
      }
    }
    EXPECT_LT(off, 1e-4 * on) << "weighting " << static_cast<int>(weighting) << " diagonal "
                              << c.diagonal;
  }
}

TEST(EaseTest, AStrongPenaltyTendsToCoOccurrence) {
  // lambda >> ||G||: P ~ (I - G / lambda) / lambda, so lambda B_ij ~ G_ij off the diagonal.
  auto data = GenerateSynthetic({.users = 80, .items = 30, .clusters = 3, .seed = 5});
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  const float lambda = 1e6f;
  auto model = TrainEase(m, {.lambda = lambda, .weighting = EaseWeighting::kBinary});
  ASSERT_THAT(model, IsOk());
  auto g = Gram(m, EaseWeighting::kBinary);
  const auto n = static_cast<size_t>(m.items());
  double worst = 0, largest = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      worst =
          std::max(worst, std::abs(lambda * model->Row(static_cast<int32_t>(i))[j] - g[i * n + j]));
      largest = std::max(largest, g[i * n + j]);
    }
  }
  ASSERT_GT(largest, 1.0);
  EXPECT_LT(worst, 0.01 * largest);
}

TEST(EaseTest, AStrongDiagonalPenaltyTendsToCoOccurrenceOverListeners) {
  // diagonal >> 1: G + Lambda ~ (1 + diagonal) diag(G), so (1 + diagonal) B_ij ~ G_ij / G_ii,
  // the share of item i's listeners who also have j (binary cells).
  auto data = GenerateSynthetic({.users = 80, .items = 30, .clusters = 3, .seed = 5});
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  const float diagonal = 1e5f;
  auto model =
      TrainEase(m, {.lambda = 1.0f, .weighting = EaseWeighting::kBinary, .diagonal = diagonal});
  ASSERT_THAT(model, IsOk());
  auto g = Gram(m, EaseWeighting::kBinary);
  const auto n = static_cast<size_t>(m.items());
  double worst = 0, largest = 0;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_GT(g[i * n + i], 0) << "every item has a listener";
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double share = g[i * n + j] / g[i * n + i];
      const double scaled = (1.0 + diagonal) * model->Row(static_cast<int32_t>(i))[j];
      worst = std::max(worst, std::abs(scaled - share));
      largest = std::max(largest, share);
    }
  }
  ASSERT_GT(largest, 0.1);
  EXPECT_LT(worst, 0.01 * largest);
}

TEST(EaseTest, PlantedClustersAreRecovered) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  auto model = TrainEase(m, {.lambda = 100.0f, .weighting = EaseWeighting::kBinary});
  ASSERT_THAT(model, IsOk());
  auto ease = MakeEaseRecommender(m, *model);
  ASSERT_THAT(ease, IsOk());
  EXPECT_EQ((*ease)->name(), "ease");
  // Recommendations stay inside each user's two planted clusters (90% of their plays; two of
  // five clusters would be 40% by chance), and never repeat what the user has.
  int in_taste = 0, total = 0;
  for (int32_t u = 0; u < data.users; ++u) {
    auto recs = (*ease)->Recommend(u, 10);
    ASSERT_EQ(recs.size(), 10u);
    auto seen = m.by_user().Cols(u);
    for (size_t r = 0; r < recs.size(); ++r) {
      EXPECT_FALSE(std::binary_search(seen.begin(), seen.end(), recs[r].item));
      if (r > 0) {
        EXPECT_GE(recs[r - 1].score, recs[r].score);
      }
      int c = data.item_cluster[static_cast<size_t>(recs[r].item)];
      in_taste += (c == data.user_cluster[u] || c == data.user_secondary_cluster[u]) ? 1 : 0;
      ++total;
    }
  }
  EXPECT_GT(static_cast<double>(in_taste) / total, 0.85);

  // Item to item: an item's strongest positive weight points into its own cluster for most
  // items (20% by chance).
  int same = 0;
  for (int32_t i = 0; i < data.items; ++i) {
    auto row = model->Row(i);
    auto best = static_cast<size_t>(std::max_element(row.begin(), row.end()) - row.begin());
    same += data.item_cluster[best] == data.item_cluster[static_cast<size_t>(i)] ? 1 : 0;
  }
  EXPECT_GT(same, data.items * 8 / 10);
}

TEST(EaseTest, ScoresWeightTheUsersCellsAndIgnoreSkips) {
  EXPECT_EQ(EaseCellWeight(EaseWeighting::kBinary, 3.0f), 1.0f);
  EXPECT_FLOAT_EQ(EaseCellWeight(EaseWeighting::kLog, 3.0f), std::log1p(3.0f));
  EXPECT_EQ(EaseCellWeight(EaseWeighting::kCount, 3.0f), 3.0f);
  for (EaseWeighting w : {EaseWeighting::kBinary, EaseWeighting::kLog, EaseWeighting::kCount}) {
    EXPECT_EQ(EaseCellWeight(w, -2.0f), 0.0f);
    EXPECT_EQ(EaseCellWeight(w, 0.0f), 0.0f);
  }

  // Three users over four items; user 2's skip of item 3 (a negative cell) is not evidence.
  std::vector<Interaction> base = {{0, 0, 2, 0}, {0, 1, 1, 1}, {1, 1, 4, 0},
                                   {1, 2, 1, 1}, {2, 0, 1, 0}, {2, 2, 3, 1}};
  std::vector<Interaction> with_skip = base;
  with_skip.push_back({2, 3, -1, 2});
  auto plain = InteractionMatrix::FromInteractions(base, 3, 4);
  auto skipped = InteractionMatrix::FromInteractions(with_skip, 3, 4);
  ASSERT_EQ(skipped.nnz(), plain.nnz() + 1);
  auto a = TrainEase(plain, {.lambda = 2.0f, .weighting = EaseWeighting::kCount});
  auto b = TrainEase(skipped, {.lambda = 2.0f, .weighting = EaseWeighting::kCount});
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->weights, b->weights);

  // scores = sum over the row of w(r) * B[item]; skips and unknown items add nothing.
  std::vector<float> scores;
  const int32_t cols[] = {0, 2, 3, 9};
  const float values[] = {2.0f, 3.0f, -1.0f, 5.0f};
  EaseScores(*a, cols, values, scores);
  ASSERT_EQ(scores.size(), 4u);
  for (int32_t j = 0; j < 4; ++j) {
    EXPECT_FLOAT_EQ(scores[j], 2.0f * a->Row(0)[j] + 3.0f * a->Row(2)[j]) << j;
  }
  // Items 0 and 2 share user 2, so each lifts the other.
  EXPECT_GT(a->Row(0)[2], 0.0f);
  EXPECT_GT(a->Row(2)[0], 0.0f);
}

TEST(EaseTest, BadOptionsAndInputsAreRefused) {
  auto data = GenerateSynthetic({.users = 30, .items = 20, .clusters = 3, .seed = 4});
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  for (float lambda : {0.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(),
                       std::numeric_limits<float>::infinity()}) {
    EXPECT_THAT(TrainEase(m, {.lambda = lambda}), StatusIs(Code::kInvalidArgument)) << lambda;
  }
  for (float diagonal :
       {-0.5f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    EXPECT_THAT(TrainEase(m, {.lambda = 1.0f, .diagonal = diagonal}),
                StatusIs(Code::kInvalidArgument))
        << diagonal;
  }
  // Nothing positive to learn from.
  std::vector<Interaction> skips = {{0, 0, -1, 0}, {1, 1, -2, 0}};
  EXPECT_THAT(TrainEase(InteractionMatrix::FromInteractions(skips, 2, 2), {}),
              StatusIs(Code::kInvalidArgument));
  // A model for another catalog.
  auto model = TrainEase(m, {.lambda = 10.0f});
  ASSERT_THAT(model, IsOk());
  auto other = InteractionMatrix::FromInteractions(skips, 2, 2);
  EXPECT_THAT(MakeEaseRecommender(other, *model), StatusIs(Code::kInvalidArgument));
}

TEST(EvalRunnerTest, EaseRowsLeadTheTableAndBeatPopularity) {
  auto data = GenerateSynthetic({.users = 300, .items = 120, .clusters = 4, .seed = 8});
  EvalOptions o;
  o.split.holdout = 3;
  o.als.factors = 8;
  o.als.iterations = 3;
  o.model = EvalModel::kEase;
  o.ease = {.lambda = 50.0f, .weighting = EaseWeighting::kLog};
  auto report = RunEvaluation(data.interactions, data.users, data.items, true, o, {});
  ASSERT_THAT(report, IsOk());
  ASSERT_EQ(report->models.size(), 4u);
  EXPECT_EQ(report->models[0].model, "ease");
  EXPECT_EQ(report->models[1].model, "als");
  EXPECT_EQ(report->models[2].model, "popularity");
  EXPECT_EQ(report->models[3].model, "item_knn");
  EXPECT_GT(report->models[0].ndcg, 1.5 * report->models[2].ndcg) << "vs popularity";

  // The blend: its own row first, then ALS and EASE; w = 1 ranks exactly as EASE alone (each
  // score divided by the same positive top score).
  o.model = EvalModel::kEaseBlend;
  o.blend_weight = 1.0f;
  auto blend = RunEvaluation(data.interactions, data.users, data.items, true, o, {});
  ASSERT_THAT(blend, IsOk());
  ASSERT_EQ(blend->models.size(), 5u);
  EXPECT_EQ(blend->models[0].model, "ease_blend");
  EXPECT_EQ(blend->models[1].model, "als");
  EXPECT_EQ(blend->models[2].model, "ease");
  EXPECT_DOUBLE_EQ(blend->models[0].ndcg, blend->models[2].ndcg);
  EXPECT_DOUBLE_EQ(blend->models[2].ndcg, report->models[0].ndcg);
  // w = 0 is ALS alone; in between is a third ranking.
  o.blend_weight = 0.0f;
  auto als_only = RunEvaluation(data.interactions, data.users, data.items, true, o, {});
  ASSERT_THAT(als_only, IsOk());
  EXPECT_DOUBLE_EQ(als_only->models[0].ndcg, als_only->models[1].ndcg);
  o.blend_weight = 0.5f;
  auto half = RunEvaluation(data.interactions, data.users, data.items, true, o, {});
  ASSERT_THAT(half, IsOk());
  EXPECT_NE(half->models[0].precision, half->models[2].precision);

  // The diagonal penalty reaches the model: another ranking.
  o.model = EvalModel::kEase;
  o.ease.diagonal = 30.0f;
  auto emphasized = RunEvaluation(data.interactions, data.users, data.items, true, o, {});
  ASSERT_THAT(emphasized, IsOk());
  EXPECT_NE(emphasized->models[0].coverage, report->models[0].coverage);

  // Penalties out of range are refused before anything is trained.
  o.ease.diagonal = -1.0f;
  EXPECT_THAT(RunEvaluation(data.interactions, data.users, data.items, true, o, {}),
              StatusIs(Code::kInvalidArgument));
  o.ease.diagonal = 0.0f;
  o.ease.lambda = 0.0f;
  EXPECT_THAT(RunEvaluation(data.interactions, data.users, data.items, true, o, {}),
              StatusIs(Code::kInvalidArgument));
}

}  // namespace
}  // namespace sonora::recommend
