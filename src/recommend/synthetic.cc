#include "recommend/synthetic.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace sonora::recommend {

SyntheticData GenerateSynthetic(const SyntheticOptions& o) {
  std::mt19937_64 rng(o.seed);
  SyntheticData d;
  d.users = o.users;
  d.items = o.items;
  const int clusters = std::max(1, std::min(o.clusters, std::max(1, o.items)));

  // Items go to clusters round-robin after a shuffle, so every cluster has items and item
  // indices carry no cluster information.
  std::vector<int32_t> order(static_cast<size_t>(o.items));
  for (int32_t i = 0; i < o.items; ++i) order[static_cast<size_t>(i)] = i;
  std::shuffle(order.begin(), order.end(), rng);
  d.item_cluster.assign(static_cast<size_t>(o.items), 0);
  std::vector<std::vector<int32_t>> members(static_cast<size_t>(clusters));
  for (size_t k = 0; k < order.size(); ++k) {
    int c = static_cast<int>(k % static_cast<size_t>(clusters));
    d.item_cluster[static_cast<size_t>(order[k])] = c;
    members[static_cast<size_t>(c)].push_back(order[k]);
  }
  std::vector<std::discrete_distribution<size_t>> popularity;
  d.item_weight.assign(static_cast<size_t>(o.items), 0.0);
  for (const auto& m : members) {
    std::vector<double> w(m.size());
    double total = 0;
    for (size_t r = 0; r < m.size(); ++r) {
      w[r] = 1.0 / std::pow(static_cast<double>(r) + 1, o.zipf);
      total += w[r];
    }
    for (size_t r = 0; r < m.size(); ++r) d.item_weight[static_cast<size_t>(m[r])] = w[r] / total;
    popularity.emplace_back(w.begin(), w.end());
  }

  std::uniform_int_distribution<int> pick_cluster(0, clusters - 1);
  std::uniform_int_distribution<int32_t> pick_any(0, std::max(0, o.items - 1));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::geometric_distribution<int> extra_plays(0.5);
  const int low = std::max(1, o.mean_interactions / 4);
  const int high = std::max(low, o.mean_interactions * 7 / 4);
  std::uniform_int_distribution<int> draws(low, high);
  d.user_cluster.resize(static_cast<size_t>(o.users));
  d.user_secondary_cluster.resize(static_cast<size_t>(o.users));
  d.interactions.reserve(static_cast<size_t>(o.users) * static_cast<size_t>(o.mean_interactions));
  for (int32_t u = 0; u < o.users; ++u) {
    const int primary = pick_cluster(rng);
    int secondary = pick_cluster(rng);
    if (clusters > 1) {
      while (secondary == primary) secondary = pick_cluster(rng);
    }
    d.user_cluster[static_cast<size_t>(u)] = primary;
    d.user_secondary_cluster[static_cast<size_t>(u)] = secondary;
    const int n = draws(rng);
    for (int t = 0; t < n && o.items > 0; ++t) {
      const double x = unit(rng);
      int32_t item;
      if (x < o.primary_share + o.secondary_share) {
        const int c = x < o.primary_share ? primary : secondary;
        const auto& m = members[static_cast<size_t>(c)];
        item = m[popularity[static_cast<size_t>(c)](rng)];
      } else {
        item = pick_any(rng);
      }
      d.interactions.push_back(
          {u, item, static_cast<float>(1 + extra_plays(rng)), static_cast<int64_t>(t)});
    }
  }
  return d;
}

namespace {

class OracleRecommender final : public Recommender {
 public:
  OracleRecommender(const SyntheticData& data, const SyntheticOptions& options,
                    const InteractionMatrix& train)
      : data_(data), options_(options), train_(train) {}
  std::string_view name() const override { return "oracle"; }
  std::vector<ScoredItem> Recommend(int32_t user, int k) const override {
    const int primary = data_.user_cluster[static_cast<size_t>(user)];
    const int secondary = data_.user_secondary_cluster[static_cast<size_t>(user)];
    const double noise =
        (1.0 - options_.primary_share - options_.secondary_share) / std::max(1, data_.items);
    std::vector<float> scores(static_cast<size_t>(data_.items));
    for (int32_t i = 0; i < data_.items; ++i) {
      const int c = data_.item_cluster[static_cast<size_t>(i)];
      const double w = data_.item_weight[static_cast<size_t>(i)];
      double p = noise;
      if (c == primary) p += options_.primary_share * w;
      if (c == secondary) p += options_.secondary_share * w;
      scores[static_cast<size_t>(i)] = static_cast<float>(p);
    }
    return TopK(scores, train_.by_user().Cols(user), k);
  }

 private:
  const SyntheticData& data_;
  SyntheticOptions options_;
  const InteractionMatrix& train_;
};

}  // namespace

std::unique_ptr<Recommender> MakeOracleRecommender(const SyntheticData& data,
                                                   const SyntheticOptions& options,
                                                   const InteractionMatrix& train) {
  return std::make_unique<OracleRecommender>(data, options, train);
}

}  // namespace sonora::recommend
