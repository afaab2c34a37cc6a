// The aspect model (latent topics by variational Bayes): the bound never falls, the planted
// clusters come back as topics, training repeats exactly for any thread count, restarts keep
// the best bound, an ensemble of the best restarts averages their scores, a new user's topics
// come from fold-in, skips are not draws, the factor form scores as the model does, and the
// ALS + aspect blend is one factor model.
#include "recommend/aspect_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "recommend/recommender.h"
#include "recommend/synthetic.h"
#include "small_population.h"
#include "support/status_matchers.h"

namespace sonora::recommend {
namespace {

using testing::IsOk;
using testing::StatusIs;

// The topic with the largest weight in `row`.
int TopTopic(std::span<const float> row) {
  return static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
}

TEST(AspectTest, BoundRisesAndPlantedClustersAreRecovered) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  std::vector<double> bounds;
  auto model = TrainAspect(m, {.topics = 5, .iterations = 40, .alpha = 0.3f, .beta = 1.0f},
                           [&](const AspectIteration& it) {
                             EXPECT_EQ(it.restart, 0);
                             EXPECT_EQ(it.iteration, static_cast<int>(bounds.size()) + 1);
                             bounds.push_back(it.bound);
                           });
  ASSERT_THAT(model, IsOk());
  ASSERT_EQ(bounds.size(), 40u);
  for (size_t k = 1; k < bounds.size(); ++k) {
    // Every update maximizes the bound in its own variables: it can only rise (float noise
    // aside).
    EXPECT_GE(bounds[k], bounds[k - 1] - 1e-6 * std::abs(bounds[k - 1])) << "iteration " << k + 1;
  }
  EXPECT_GT(bounds.back(), bounds.front());
  EXPECT_DOUBLE_EQ(model->bound, bounds.back());

  // Distributions: each user row and each topic (item column) sums to 1.
  for (int32_t u = 0; u < data.users; ++u) {
    auto row = model->User(u);
    EXPECT_NEAR(std::accumulate(row.begin(), row.end(), 0.0), 1.0, 1e-4);
  }
  for (int k = 0; k < model->topics; ++k) {
    double sum = 0;
    for (int32_t i = 0; i < data.items; ++i) sum += model->Item(i)[k];
    EXPECT_NEAR(sum, 1.0, 1e-4);
  }

  // Each planted cluster maps to one topic: the items' top topic agrees with their cluster's
  // majority top topic for nearly all items (20% by chance), and the five clusters use five
  // different topics.
  std::vector<std::vector<int>> votes(5, std::vector<int>(5, 0));
  std::vector<int> item_topic(static_cast<size_t>(data.items));
  for (int32_t i = 0; i < data.items; ++i) {
    // An item's topic: the one that gives it the most probability, P(k | i) ~ P(i | k).
    item_topic[i] = TopTopic(model->Item(i));
    ++votes[data.item_cluster[i]][item_topic[i]];
  }
  std::vector<int> cluster_topic(5);
  for (int c = 0; c < 5; ++c) {
    cluster_topic[c] =
        static_cast<int>(std::max_element(votes[c].begin(), votes[c].end()) - votes[c].begin());
  }
  auto distinct = cluster_topic;
  std::sort(distinct.begin(), distinct.end());
  EXPECT_EQ(std::unique(distinct.begin(), distinct.end()), distinct.end())
      << "two clusters share a topic";
  int agree = 0;
  for (int32_t i = 0; i < data.items; ++i) {
    agree += item_topic[i] == cluster_topic[data.item_cluster[i]] ? 1 : 0;
  }
  EXPECT_GT(agree, data.items * 9 / 10);

  // A user's heaviest topic is the primary cluster's for most users (70% of their draws).
  int primary = 0;
  for (int32_t u = 0; u < data.users; ++u) {
    primary += TopTopic(model->User(u)) == cluster_topic[data.user_cluster[u]] ? 1 : 0;
  }
  EXPECT_GT(primary, data.users * 8 / 10);

  // And its recommendations stay inside the user's two clusters, as ALS's do.
  auto factors = AspectFactors(*model);
  auto rec = MakeFactorRecommender(m, factors, "als");
  ASSERT_THAT(rec, IsOk());
  int in_taste = 0, total = 0;
  for (int32_t u = 0; u < data.users; ++u) {
    for (const auto& s : (*rec)->Recommend(u, 10)) {
      const int c = data.item_cluster[static_cast<size_t>(s.item)];
      in_taste += (c == data.user_cluster[u] || c == data.user_secondary_cluster[u]) ? 1 : 0;
      ++total;
    }
  }
  EXPECT_GT(static_cast<double>(in_taste) / total, 0.85);
}

TEST(AspectTest, DeterministicGivenSeedWhateverTheThreadCount) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  AspectOptions o{.topics = 5, .iterations = 5, .threads = 1, .seed = 5};
  auto one = TrainAspect(m, o);
  o.threads = 3;
  auto three = TrainAspect(m, o);
  o.seed = 6;
  auto other = TrainAspect(m, o);
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(three, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(one->user_topics, three->user_topics);
  EXPECT_EQ(one->item_topics, three->item_topics);
  EXPECT_NE(one->item_topics, other->item_topics);
}

TEST(AspectTest, RestartsKeepTheBestBound) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  std::vector<double> final_bound(4, 0.0);
  auto model = TrainAspect(m, {.topics = 8, .iterations = 10, .restarts = 4, .seed = 3},
                           [&](const AspectIteration& it) {
                             if (it.iteration == 10) final_bound[it.restart] = it.bound;
                           });
  ASSERT_THAT(model, IsOk());
  const auto best = std::max_element(final_bound.begin(), final_bound.end());
  EXPECT_EQ(model->restart, static_cast<int>(best - final_bound.begin()));
  EXPECT_DOUBLE_EQ(model->bound, *best);
  // Restart r is seeded with seed + r: restart 2 alone is the same model.
  auto alone = TrainAspect(m, {.topics = 8, .iterations = 10, .restarts = 1, .seed = 5});
  ASSERT_THAT(alone, IsOk());
  EXPECT_DOUBLE_EQ(alone->bound, final_bound[2]);
}

TEST(AspectTest, RestartEnsembleKeepsTheBestBoundsAndAveragesTheirScores) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  const AspectOptions o{.topics = 6, .iterations = 8, .restarts = 4, .seed = 9};
  std::vector<double> final_bound(4, 0.0);
  auto kept = TrainAspectRestarts(m, o, 3, [&](const AspectIteration& it) {
    if (it.iteration == 8) final_bound[it.restart] = it.bound;
  });
  ASSERT_THAT(kept, IsOk());
  ASSERT_EQ(kept->size(), 3u);
  // The three best final bounds, best first, each the model of the restart it names.
  std::vector<double> sorted = final_bound;
  std::sort(sorted.rbegin(), sorted.rend());
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_DOUBLE_EQ((*kept)[r].bound, sorted[r]) << r;
    EXPECT_DOUBLE_EQ((*kept)[r].bound, final_bound[(*kept)[r].restart]) << r;
  }
  // The first is what TrainAspect keeps.
  auto best = TrainAspect(m, o);
  ASSERT_THAT(best, IsOk());
  EXPECT_EQ(best->restart, (*kept)[0].restart);
  EXPECT_EQ(best->item_topics, (*kept)[0].item_topics);

  // The ensemble scores every item with the mean of the members' scores: still a distribution
  // over the items for every user.
  auto f = AspectEnsembleFactors(*kept);
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ(f->factors, 18);
  EXPECT_EQ(f->users, data.users);
  EXPECT_EQ(f->items, data.items);
  std::vector<float> scores, member;
  for (int32_t u : {0, 41, 399}) {
    ItemScores(*f, f->User(u), scores);
    std::vector<double> mean(static_cast<size_t>(data.items), 0.0);
    for (const AspectModel& a : *kept) {
      const FactorModel one = AspectFactors(a);
      ItemScores(one, one.User(u), member);
      for (int32_t i = 0; i < data.items; ++i) mean[i] += member[i] / 3.0;
    }
    for (int32_t i = 0; i < data.items; ++i) EXPECT_NEAR(scores[i], mean[i], 1e-7) << u << " " << i;
    EXPECT_NEAR(std::accumulate(scores.begin(), scores.end(), 0.0), 1.0, 1e-4) << u;
  }

  // Members with different topic counts combine too; one member is that model's factors.
  auto wider = TrainAspect(m, {.topics = 3, .iterations = 4});
  ASSERT_THAT(wider, IsOk());
  std::vector<AspectModel> mixed = {(*kept)[0], *wider};
  auto g = AspectEnsembleFactors(mixed);
  ASSERT_THAT(g, IsOk());
  EXPECT_EQ(g->factors, 9);
  auto single = AspectEnsembleFactors(std::span<const AspectModel>(kept->data(), 1));
  ASSERT_THAT(single, IsOk());
  EXPECT_EQ(single->user_factors, AspectFactors((*kept)[0]).user_factors);
  EXPECT_EQ(single->item_factors, AspectFactors((*kept)[0]).item_factors);

  EXPECT_THAT(TrainAspectRestarts(m, o, 0), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspectRestarts(m, o, 5), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspectRestarts(m, {.topics = 0}, 1), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(AspectEnsembleFactors({}), StatusIs(Code::kInvalidArgument));
  auto other_shape = TrainAspect(
      InteractionMatrix::FromInteractions(data.interactions, data.users, data.items + 1),
      {.topics = 2, .iterations = 1});
  ASSERT_THAT(other_shape, IsOk());
  std::vector<AspectModel> mismatched = {(*kept)[0], *other_shape};
  EXPECT_THAT(AspectEnsembleFactors(mismatched), StatusIs(Code::kInvalidArgument));
}

TEST(AspectTest, FoldInPlacesANewUserInTheirClusters) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  auto model = TrainAspect(m, {.topics = 5, .iterations = 40, .alpha = 0.3f, .beta = 1.0f});
  ASSERT_THAT(model, IsOk());
  // Items of cluster 2 only (its 8 most drawn), plus one out-of-range id that is ignored.
  std::vector<std::pair<double, int32_t>> popular;
  for (int32_t i = 0; i < data.items; ++i) {
    if (data.item_cluster[i] == 2) popular.emplace_back(-data.item_weight[i], i);
  }
  std::sort(popular.begin(), popular.end());
  std::vector<int32_t> cols;
  for (size_t k = 0; k < 8; ++k) cols.push_back(popular[k].second);
  std::sort(cols.begin(), cols.end());
  cols.push_back(data.items + 7);
  std::vector<float> values(cols.size(), 2.0f);
  auto theta = FoldInAspectUser(*model, cols, values, AspectWeighting::kBinary);
  ASSERT_EQ(theta.size(), 5u);
  EXPECT_NEAR(std::accumulate(theta.begin(), theta.end(), 0.0), 1.0, 1e-5);
  const int topic = TopTopic(theta);
  EXPECT_GT(theta[topic], 0.8f);
  // The same topic the model gives those items.
  EXPECT_EQ(topic, TopTopic(model->Item(cols[0])));

  // Nothing positive: the prior mean, uniform.
  std::vector<float> skips(cols.size(), -1.0f);
  auto prior = FoldInAspectUser(*model, cols, skips, AspectWeighting::kBinary);
  for (float t : prior) EXPECT_NEAR(t, 0.2f, 1e-6);
}

TEST(AspectTest, SkipsAreNotDrawsAndWeightingsDiffer) {
  EXPECT_EQ(AspectCellWeight(AspectWeighting::kBinary, 4.0f), 1.0f);
  EXPECT_FLOAT_EQ(AspectCellWeight(AspectWeighting::kLog, 4.0f), std::log1p(4.0f));
  EXPECT_EQ(AspectCellWeight(AspectWeighting::kCount, 4.0f), 4.0f);
  for (auto w : {AspectWeighting::kBinary, AspectWeighting::kLog, AspectWeighting::kCount}) {
    EXPECT_EQ(AspectCellWeight(w, -3.0f), 0.0f);
    EXPECT_EQ(AspectCellWeight(w, 0.0f), 0.0f);
  }
  // A matrix with a skip gives the same model as the matrix without that cell.
  auto data = SmallPopulation();
  std::vector<Interaction> with_skip = data.interactions;
  with_skip.push_back({0, 199, -5.0f, 1000});
  std::vector<Interaction> without = data.interactions;
  // User 0 must not already have item 199 for the comparison to hold.
  for (const auto& x : data.interactions) ASSERT_FALSE(x.user == 0 && x.item == 199);
  auto a = TrainAspect(InteractionMatrix::FromInteractions(with_skip, data.users, data.items),
                       {.topics = 4, .iterations = 5});
  auto b = TrainAspect(InteractionMatrix::FromInteractions(without, data.users, data.items),
                       {.topics = 4, .iterations = 5});
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->item_topics, b->item_topics);
  EXPECT_EQ(a->user_topics, b->user_topics);
}

TEST(AspectTest, RejectsBadOptionsAndAnEmptyMatrix) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  EXPECT_THAT(TrainAspect(m, {.topics = 0}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.topics = 1025}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.iterations = -1}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.inner_steps = 0}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.restarts = 0}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.alpha = 0}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.beta = -1}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.alpha = NAN}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(TrainAspect(m, {.threads = 0}), StatusIs(Code::kInvalidArgument));
  // Only skips: nothing to fit.
  auto skips = InteractionMatrix::FromInteractions(
      std::vector<Interaction>{{0, 0, -1.0f, 0}, {1, 1, -2.0f, 0}}, 2, 2);
  EXPECT_THAT(TrainAspect(skips, {.topics = 2}), StatusIs(Code::kInvalidArgument));
}

TEST(AspectTest, FactorsScoreAsTheModelAndTheBlendIsOneFactorModel) {
  auto data = SmallPopulation();
  auto m = InteractionMatrix::FromInteractions(data.interactions, data.users, data.items);
  auto aspect = TrainAspect(m, {.topics = 5, .iterations = 10});
  auto als = TrainAls(m, {.factors = 6, .iterations = 3});
  ASSERT_THAT(aspect, IsOk());
  ASSERT_THAT(als, IsOk());
  const FactorModel f = AspectFactors(*aspect);
  std::vector<float> scores;
  ItemScores(f, f.User(3), scores);
  for (int32_t i : {0, 17, 199}) {
    double expected = 0;
    for (int k = 0; k < 5; ++k) expected += aspect->User(3)[k] * aspect->Item(i)[k];
    EXPECT_NEAR(scores[i], expected, 1e-7);
  }

  const float w = 0.3f;
  auto blend = BlendFactorModels(*als, f, w);
  ASSERT_THAT(blend, IsOk());
  EXPECT_EQ(blend->factors, 11);
  std::vector<float> sa, sb, sblend;
  for (int32_t u : {0, 5, 399}) {
    ItemScores(*als, als->User(u), sa);
    ItemScores(f, f.User(u), sb);
    ItemScores(*blend, blend->User(u), sblend);
    const float ma = *std::max_element(sa.begin(), sa.end());
    const float mb = *std::max_element(sb.begin(), sb.end());
    for (int32_t i = 0; i < data.items; ++i) {
      EXPECT_NEAR(sblend[i], (1 - w) * sa[i] / ma + w * sb[i] / mb, 1e-5) << u << " " << i;
    }
  }
  // w = 0 is ALS's ranking, w = 1 the aspect model's.
  auto only_als = BlendFactorModels(*als, f, 0.0f);
  ASSERT_THAT(only_als, IsOk());
  ItemScores(*only_als, only_als->User(7), sblend);
  ItemScores(*als, als->User(7), sa);
  EXPECT_EQ(TopK(sblend, {}, 10).front().item, TopK(sa, {}, 10).front().item);

  EXPECT_THAT(BlendFactorModels(*als, f, 1.5f), StatusIs(Code::kInvalidArgument));
  auto smaller =
      TrainAls(InteractionMatrix::FromInteractions(data.interactions, data.users, data.items + 1),
               {.factors = 2, .iterations = 1});
  ASSERT_THAT(smaller, IsOk());
  EXPECT_THAT(BlendFactorModels(*smaller, f, 0.5f), StatusIs(Code::kInvalidArgument));
}

}  // namespace
}  // namespace sonora::recommend
