// Implicit ALS: the CG row solve agrees with a direct Cholesky solve, the loss falls, the planted
// clusters come back, training repeats exactly, and factor files round-trip and reject junk.
#include "recommend/cf_model.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "recommend/internal/als_solver.h"
#include "recommend/recommender.h"
#include "recommend/synthetic.h"
#include "small_population.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::recommend {
namespace {

using testing::IsOk;
using testing::StatusIs;

TEST(AlsSolverTest, ConjugateGradientMatchesCholesky) {
  constexpr int kFactors = 8;
  constexpr int kOther = 40;
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  std::vector<float> other(kOther * kFactors);
  for (auto& v : other) v = normal(rng);
  std::vector<float> gram;
  internal::Gram(other.data(), kOther, kFactors, 0.1f, gram);
  // Positive plays of several strengths and two skips (negative evidence).
  std::vector<int32_t> cols = {1, 4, 5, 9, 13, 20, 22, 31, 38};
  std::vector<float> values = {1, 3, 1, 7, -2, 1, 2, -1, 4};
  AlsOptions options{.alpha = 10.0f};
  std::vector<float> confidence;
  for (float v : values) confidence.push_back(CellConfidence(options, v));
  std::vector<float> exact(kFactors), cg(kFactors, 0.0f);
  internal::SolveRowExact(gram.data(), other.data(), kFactors, cols, values, confidence, 0.0f,
                          exact.data());
  // CG on an n x n SPD system converges in n steps in exact arithmetic; allow a few more.
  internal::SolveRowCg(gram.data(), other.data(), kFactors, cols, values, confidence, 0.0f,
                       kFactors + 4, cg.data());
  double err = 0, norm = 0;
  for (int d = 0; d < kFactors; ++d) {
    err += (cg[d] - exact[d]) * (cg[d] - exact[d]);
    norm += exact[d] * exact[d];
  }
  ASSERT_GT(norm, 0.01);
  EXPECT_LT(std::sqrt(err / norm), 1e-3) << "relative error of CG against Cholesky";

  // A warm start with 3 steps (as training runs) already lands close.
  std::vector<float> warm(kFactors);
  for (int d = 0; d < kFactors; ++d) warm[d] = exact[d] * 0.8f;
  internal::SolveRowCg(gram.data(), other.data(), kFactors, cols, values, confidence, 0.0f, 3,
                       warm.data());
  double warm_err = 0;
  for (int d = 0; d < kFactors; ++d) warm_err += (warm[d] - exact[d]) * (warm[d] - exact[d]);
  EXPECT_LT(std::sqrt(warm_err / norm), 0.05);
}

TEST(AlsTest, LossFallsAndClustersAreRecovered) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  std::vector<double> losses;
  auto model = TrainAls(m, {.factors = 16, .iterations = 10, .regularization = 0.1f, .alpha = 5},
                        [&](const AlsIteration& it) { losses.push_back(it.loss); });
  ASSERT_THAT(model, IsOk());
  ASSERT_EQ(losses.size(), 10u);
  for (size_t k = 1; k < losses.size(); ++k) {
    // ALS never increases the objective with exact solves; 3 CG steps may wobble a hair.
    EXPECT_LE(losses[k], losses[k - 1] * 1.001) << "iteration " << k + 1;
  }
  EXPECT_LT(losses.back(), losses.front() * 0.9);

  // Recommendations stay inside each user's two planted clusters (90% of their plays; two of
  // five clusters would be 40% by chance).
  auto als = MakeFactorRecommender(m, *model, "als");
  ASSERT_THAT(als, IsOk());
  int in_taste = 0, total = 0;
  for (int32_t u = 0; u < data.users; ++u) {
    for (const auto& s : (*als)->Recommend(u, 10)) {
      int c = data.item_cluster[static_cast<size_t>(s.item)];
      in_taste += (c == data.user_cluster[u] || c == data.user_secondary_cluster[u]) ? 1 : 0;
      ++total;
    }
  }
  EXPECT_GT(static_cast<double>(in_taste) / total, 0.85);

  // Item factors: an item's nearest item (by cosine) is usually from its own cluster (20% by
  // chance).
  int same = 0;
  for (int32_t i = 0; i < data.items; ++i) {
    double best = -2;
    int32_t best_j = -1;
    auto yi = model->Item(i);
    for (int32_t j = 0; j < data.items; ++j) {
      if (j == i) continue;
      auto yj = model->Item(j);
      double dot = 0, ni = 0, nj = 0;
      for (int d = 0; d < model->factors; ++d) {
        dot += yi[d] * yj[d], ni += yi[d] * yi[d], nj += yj[d] * yj[d];
      }
      double cosine = dot / std::sqrt(ni * nj + 1e-12);
      if (cosine > best) best = cosine, best_j = j;
    }
    same += data.item_cluster[i] == data.item_cluster[best_j] ? 1 : 0;
  }
  EXPECT_GT(same, data.items * 7 / 10);
}

TEST(AlsTest, DeterministicGivenSeedWhateverTheThreadCount) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  auto one = TrainAls(m, {.factors = 8, .iterations = 3, .threads = 1, .seed = 5});
  auto two = TrainAls(m, {.factors = 8, .iterations = 3, .threads = 2, .seed = 5});
  auto other = TrainAls(m, {.factors = 8, .iterations = 3, .threads = 2, .seed = 6});
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(two, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(one->user_factors, two->user_factors);
  EXPECT_EQ(one->item_factors, two->item_factors);
  EXPECT_NE(one->item_factors, other->item_factors);
}

TEST(AlsTest, ASkipLowersTheItemForThatUser) {
  // Users play items 0..4 and, for half of them, item 5. The same data is trained twice: once
  // with user 0 simply not having item 5, once with user 0 having skipped it. The skip
  // (p = 0 at confidence 1 + alpha * 3) must lower user 0's score for item 5.
  std::vector<Interaction> xs;
  for (int32_t u = 0; u < 40; ++u) {
    for (int32_t i = 0; i < 5; ++i) {
      if ((u + i) % 3 != 0) xs.push_back({u, i, 2, 0});
    }
    if (u % 2 == 1) xs.push_back({u, 5, 2, 0});
  }
  auto plain = InteractionMatrix::FromInteractions(xs, 40, 6);
  xs.push_back({0, 5, -3, 0});
  auto skipped = InteractionMatrix::FromInteractions(xs, 40, 6);
  AlsOptions o{.factors = 3, .iterations = 10, .regularization = 0.1f, .alpha = 5};
  auto a = TrainAls(plain, o);
  auto b = TrainAls(skipped, o);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  auto score = [](const FactorModel& m, int32_t u, int32_t i) {
    float s = 0;
    for (int d = 0; d < m.factors; ++d) s += m.User(u)[d] * m.Item(i)[d];
    return s;
  };
  EXPECT_LT(score(*b, 0, 5), score(*a, 0, 5) - 0.05f)
      << "without skip " << score(*a, 0, 5) << ", with skip " << score(*b, 0, 5);
  EXPECT_LT(std::abs(score(*b, 0, 5)), 0.2f) << "a confident p = 0 pins the score near 0";
}

TEST(AlsTest, RejectsBadOptions) {
  InteractionMatrix m = InteractionMatrix::FromInteractions({}, 2, 2);
  struct Case {
    const char* name;
    AlsOptions options;
  } cases[] = {
      {"factors 0", {.factors = 0}},
      {"factors too many", {.factors = 5000}},
      {"negative iterations", {.iterations = -1}},
      {"negative lambda", {.regularization = -1}},
      {"nan alpha", {.alpha = std::nanf("")}},
      {"no cg steps", {.cg_steps = 0}},
      {"no threads", {.threads = 0}},
      {"zero epsilon", {.epsilon = 0}},
      {"nan epsilon", {.epsilon = std::nanf("")}},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(TrainAls(m, c.options), StatusIs(Code::kInvalidArgument)) << c.name;
  }
  auto wrong_shape = InitialFactors(3, 2, {});
  EXPECT_THAT(TrainAls(m, wrong_shape, {}, {}), StatusIs(Code::kInvalidArgument));
}

TEST(AlsSolverTest, ConjugateGradientMatchesCholeskyWithARowRidge) {
  // The nnz-scaled regularization adds lambda * nnz to the row's diagonal: CG and the direct
  // solve must agree on that system too, and it must differ from the system without it.
  constexpr int kFactors = 6;
  constexpr int kOther = 30;
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  std::vector<float> other(kOther * kFactors);
  for (auto& v : other) v = normal(rng);
  std::vector<float> gram;
  internal::Gram(other.data(), kOther, kFactors, 0.0f, gram);
  std::vector<int32_t> cols = {0, 3, 7, 11, 19, 25};
  std::vector<float> values = {2, 1, 5, -1, 3, 1};
  AlsOptions options{.alpha = 4.0f, .confidence = AlsConfidence::kLog, .epsilon = 0.5f};
  std::vector<float> confidence;
  for (float v : values) confidence.push_back(CellConfidence(options, v));
  const float ridge = 0.7f * static_cast<float>(cols.size());
  std::vector<float> exact(kFactors), plain(kFactors), cg(kFactors, 0.0f);
  internal::SolveRowExact(gram.data(), other.data(), kFactors, cols, values, confidence, ridge,
                          exact.data());
  internal::SolveRowExact(gram.data(), other.data(), kFactors, cols, values, confidence, 0.0f,
                          plain.data());
  internal::SolveRowCg(gram.data(), other.data(), kFactors, cols, values, confidence, ridge,
                       kFactors + 4, cg.data());
  double err = 0, norm = 0, moved = 0;
  for (int d = 0; d < kFactors; ++d) {
    err += (cg[d] - exact[d]) * (cg[d] - exact[d]);
    norm += exact[d] * exact[d];
    moved += (plain[d] - exact[d]) * (plain[d] - exact[d]);
  }
  ASSERT_GT(norm, 1e-4);
  EXPECT_LT(std::sqrt(err / norm), 1e-3);
  EXPECT_GT(std::sqrt(moved / norm), 0.05) << "the ridge must change the solution";
}

TEST(AlsTest, CellConfidenceIsLinearOrLogInTheMagnitude) {
  AlsOptions linear{.alpha = 2.0f};
  EXPECT_FLOAT_EQ(CellConfidence(linear, 3.0f), 7.0f);
  EXPECT_FLOAT_EQ(CellConfidence(linear, -3.0f), 7.0f) << "a skip counts by its magnitude";
  AlsOptions log{.alpha = 2.0f, .confidence = AlsConfidence::kLog, .epsilon = 0.5f};
  EXPECT_FLOAT_EQ(CellConfidence(log, 3.0f), 1.0f + 2.0f * std::log(1.0f + 3.0f / 0.5f));
  EXPECT_FLOAT_EQ(CellConfidence(log, -1.0f), 1.0f + 2.0f * std::log(3.0f));
  EXPECT_LT(CellConfidence(log, 100.0f), CellConfidence(linear, 100.0f) / 10)
      << "log scaling damps heavy play counts";
}

// The objective summed over every cell of a small matrix, straight from its definition.
double BruteForceLoss(const InteractionMatrix& m, const FactorModel& model, const AlsOptions& o) {
  double total = 0;
  for (int32_t u = 0; u < m.users(); ++u) {
    auto cols = m.by_user().Cols(u);
    auto values = m.by_user().Values(u);
    for (int32_t i = 0; i < m.items(); ++i) {
      double c = 1, p = 0;
      for (size_t k = 0; k < cols.size(); ++k) {
        if (cols[k] == i) c = CellConfidence(o, values[k]), p = values[k] > 0 ? 1 : 0;
      }
      double s = 0;
      for (int d = 0; d < model.factors; ++d) s += model.User(u)[d] * model.Item(i)[d];
      total += c * (p - s) * (p - s);
    }
  }
  auto reg = [&](const SparseRows& rows, auto row_of) {
    double sum = 0;
    for (int32_t r = 0; r < rows.rows(); ++r) {
      double norm = 0;
      for (float x : row_of(r)) norm += static_cast<double>(x) * x;
      const double w = o.scale_regularization ? std::max<size_t>(1, rows.Cols(r).size()) : 1.0;
      sum += w * norm;
    }
    return sum;
  };
  total += o.regularization * (reg(m.by_user(), [&](int32_t r) { return model.User(r); }) +
                               reg(m.by_item(), [&](int32_t r) { return model.Item(r); }));
  return total / (static_cast<double>(m.users()) * m.items());
}

TEST(AlsTest, LossMatchesTheObjectiveForEveryConfidenceAndRegularization) {
  auto data = GenerateSynthetic(
      {.users = 30, .items = 20, .clusters = 3, .mean_interactions = 6, .seed = 4});
  std::vector<Interaction> xs = data.interactions;
  xs.push_back({0, 1, -2, 99});  // one skip
  auto m = InteractionMatrix::FromInteractions(xs, data.users, data.items);
  AlsOptions variants[] = {
      {.factors = 4, .regularization = 0.5f, .alpha = 3.0f},
      {.factors = 4, .regularization = 0.5f, .alpha = 3.0f, .confidence = AlsConfidence::kLog},
      {.factors = 4,
       .regularization = 0.5f,
       .alpha = 3.0f,
       .confidence = AlsConfidence::kLog,
       .epsilon = 0.25f,
       .scale_regularization = true},
  };
  for (const auto& o : variants) {
    auto start = InitialFactors(m.users(), m.items(), o);
    for (auto& x : start.user_factors) x *= 30;  // away from 0, so every term matters
    for (auto& x : start.item_factors) x *= 30;
    const double expected = BruteForceLoss(m, start, o);
    EXPECT_NEAR(AlsLoss(m, start, o), expected, 1e-9 + expected * 1e-5);

    // Training lowers that same objective, sweep after sweep (3 CG steps may wobble a hair).
    std::vector<double> losses;
    AlsOptions train = o;
    train.iterations = 8;
    auto model =
        TrainAls(m, start, train, [&](const AlsIteration& it) { losses.push_back(it.loss); });
    ASSERT_THAT(model, IsOk());
    EXPECT_NEAR(losses.back(), BruteForceLoss(m, *model, o), losses.back() * 1e-5);
    for (size_t k = 1; k < losses.size(); ++k) EXPECT_LE(losses[k], losses[k - 1] * 1.001);
    EXPECT_LT(losses.back(), expected);
  }
}

TEST(AlsTest, ScaledRegularizationShrinksHeavyRowsMore) {
  // Weighted-lambda: with lambda scaled by each row's entry count (30 for user 0), the heavy
  // user's factors shrink relative to an unscaled run with the same base lambda.
  std::vector<Interaction> xs;
  for (int32_t i = 0; i < 30; ++i) xs.push_back({0, i, 1, 0});  // heavy
  xs.push_back({1, 0, 1, 0});                                   // light
  for (int32_t u = 2; u < 20; ++u)
    for (int32_t i = u % 5; i < 30; i += 5) xs.push_back({u, i, 1, 0});
  auto m = InteractionMatrix::FromInteractions(xs, 20, 30);
  AlsOptions plain{.factors = 4, .iterations = 10, .regularization = 0.5f, .alpha = 2.0f};
  AlsOptions scaled = plain;
  scaled.scale_regularization = true;
  auto a = TrainAls(m, plain);
  auto b = TrainAls(m, scaled);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  auto norm = [](std::span<const float> v) {
    double s = 0;
    for (float x : v) s += static_cast<double>(x) * x;
    return std::sqrt(s);
  };
  EXPECT_LT(norm(b->User(0)), 0.8 * norm(a->User(0)));
}

TEST(AlsTest, ItemScoresAreTheDotProducts) {
  auto model = InitialFactors(3, 50, {.factors = 7, .seed = 2});
  std::vector<float> query = {0.5f, -1, 2, 0, 3, -0.25f, 1};
  std::vector<float> scores = {42};  // resized, not appended to
  ItemScores(model, query, scores);
  ASSERT_EQ(scores.size(), 50u);
  for (int32_t i = 0; i < 50; ++i) {
    double dot = 0;
    for (int d = 0; d < 7; ++d) dot += query[static_cast<size_t>(d)] * model.Item(i)[d];
    EXPECT_NEAR(scores[static_cast<size_t>(i)], dot, 1e-5) << "item " << i;
  }
}

TEST(FactorFileTest, SaveLoadRoundTripAndJunk) {
  testing::TempDir dir;
  auto model = InitialFactors(3, 2, {.factors = 4, .seed = 9});
  model.user_ids = {"u1", "u2", "u-three"};
  model.item_ids = {"t1", "t2"};
  const std::string path = FactorModelPath(dir.path());
  EXPECT_EQ(path, dir.path() + "/recommend/als_factors.bin");
  ASSERT_THAT(SaveFactorModel(model, path), IsOk());
  auto loaded = LoadFactorModel(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->factors, 4);
  EXPECT_EQ(loaded->users, 3);
  EXPECT_EQ(loaded->items, 2);
  EXPECT_EQ(loaded->user_ids, model.user_ids);
  EXPECT_EQ(loaded->item_ids, model.item_ids);
  EXPECT_EQ(loaded->user_factors, model.user_factors);
  EXPECT_EQ(loaded->item_factors, model.item_factors);

  // Without ids.
  model.user_ids.clear();
  model.item_ids.clear();
  ASSERT_THAT(SaveFactorModel(model, dir.path() + "/plain.bin"), IsOk());
  auto plain = LoadFactorModel(dir.path() + "/plain.bin");
  ASSERT_THAT(plain, IsOk());
  EXPECT_TRUE(plain->user_ids.empty());
  EXPECT_EQ(plain->item_factors, model.item_factors);

  // Ids that do not match the rows are refused.
  model.user_ids = {"only-one"};
  EXPECT_THAT(SaveFactorModel(model, dir.path() + "/bad.bin"), StatusIs(Code::kInvalidArgument));

  EXPECT_THAT(LoadFactorModel(dir.path() + "/missing.bin"), StatusIs(Code::kNotFound));
  std::ofstream(dir.path() + "/junk.bin") << "definitely not factors";
  EXPECT_THAT(LoadFactorModel(dir.path() + "/junk.bin"), StatusIs(Code::kFailedPrecondition));

  // Every truncation of a good file is refused, never read past its end.
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t keep : {size_t{4}, size_t{12}, size_t{25}, size_t{30}, bytes.size() - 1}) {
    std::ofstream(dir.path() + "/cut.bin", std::ios::binary | std::ios::trunc)
        << bytes.substr(0, keep);
    EXPECT_THAT(LoadFactorModel(dir.path() + "/cut.bin"), StatusIs(Code::kFailedPrecondition))
        << "kept " << keep << " bytes";
  }
  // Another version is refused.
  std::string other = bytes;
  other[8] = 2;
  std::ofstream(dir.path() + "/v2.bin", std::ios::binary | std::ios::trunc) << other;
  EXPECT_THAT(LoadFactorModel(dir.path() + "/v2.bin"), StatusIs(Code::kFailedPrecondition));
}

}  // namespace
}  // namespace sonora::recommend
