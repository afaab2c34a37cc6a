#include "recommend/recommender.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include "recommend/internal/parallel.h"

namespace sonora::recommend {

namespace {

// Better first: higher score, then lower item index (so results are deterministic).
bool Better(const ScoredItem& a, const ScoredItem& b) {
  return a.score != b.score ? a.score > b.score : a.item < b.item;
}

}  // namespace

std::vector<ScoredItem> TopK(std::span<const float> scores, std::span<const int32_t> exclude,
                             int k) {
  std::vector<ScoredItem> heap;  // the current best k, worst on top
  if (k <= 0) return heap;
  heap.reserve(static_cast<size_t>(k) + 1);
  size_t e = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    auto item = static_cast<int32_t>(i);
    while (e < exclude.size() && exclude[e] < item) ++e;
    if (e < exclude.size() && exclude[e] == item) continue;
    ScoredItem candidate{item, scores[i]};
    if (heap.size() < static_cast<size_t>(k)) {
      heap.push_back(candidate);
      std::push_heap(heap.begin(), heap.end(), Better);
    } else if (Better(candidate, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.back() = candidate;
      std::push_heap(heap.begin(), heap.end(), Better);
    }
  }
  std::sort(heap.begin(), heap.end(), Better);
  return heap;
}

namespace {

class PopularityRecommender final : public Recommender {
 public:
  explicit PopularityRecommender(const InteractionMatrix& train)
      : train_(train), scores_(static_cast<size_t>(train.items()), 0.0f) {
    for (int32_t i = 0; i < train.items(); ++i) {
      for (float v : train.by_item().Values(i)) {
        if (v > 0) scores_[static_cast<size_t>(i)] += 1.0f;
      }
    }
  }
  std::string_view name() const override { return "popularity"; }
  std::vector<ScoredItem> Recommend(int32_t user, int k) const override {
    return TopK(scores_, train_.by_user().Cols(user), k);
  }

 private:
  const InteractionMatrix& train_;
  std::vector<float> scores_;
};

float KnnWeight(float v) { return v > 0 ? std::log1p(v) : 0.0f; }

class ItemKnnRecommender final : public Recommender {
 public:
  ItemKnnRecommender(const InteractionMatrix& train, const ItemKnnOptions& options)
      : train_(train), neighbors_(static_cast<size_t>(train.items())) {
    const int32_t items = train.items();
    std::vector<float> norms(static_cast<size_t>(items), 0.0f);
    for (int32_t i = 0; i < items; ++i) {
      double s = 0;
      for (float v : train.by_item().Values(i)) s += KnnWeight(v) * KnnWeight(v);
      norms[static_cast<size_t>(i)] = static_cast<float>(std::sqrt(s));
    }
    const int keep = std::max(1, options.neighbors);
    struct Scratch {
      std::vector<float> dot;
      std::vector<int32_t> touched;
    };
    std::vector<Scratch> scratch(static_cast<size_t>(std::max(1, options.threads)));
    for (auto& s : scratch) s.dot.assign(static_cast<size_t>(items), 0.0f);
    internal::ParallelChunks(
        items, options.threads, 16, [&](int worker, int64_t begin, int64_t end) {
          auto& s = scratch[static_cast<size_t>(worker)];
          for (int64_t ii = begin; ii < end; ++ii) {
            auto i = static_cast<int32_t>(ii);
            if (norms[ii] == 0) continue;
            auto users = train.by_item().Cols(i);
            auto wi = train.by_item().Values(i);
            for (size_t a = 0; a < users.size(); ++a) {
              float w = KnnWeight(wi[a]);
              if (w == 0) continue;
              auto cols = train.by_user().Cols(users[a]);
              auto vals = train.by_user().Values(users[a]);
              for (size_t b = 0; b < cols.size(); ++b) {
                float wj = KnnWeight(vals[b]);
                if (wj == 0 || cols[b] == i) continue;
                if (s.dot[cols[b]] == 0) s.touched.push_back(cols[b]);
                s.dot[cols[b]] += w * wj;
              }
            }
            std::vector<ScoredItem> sims;
            sims.reserve(s.touched.size());
            for (int32_t j : s.touched) {
              sims.push_back({j, s.dot[j] / (norms[ii] * norms[j])});
              s.dot[j] = 0;
            }
            s.touched.clear();
            if (sims.size() > static_cast<size_t>(keep)) {
              std::nth_element(sims.begin(), sims.begin() + keep, sims.end(), Better);
              sims.resize(static_cast<size_t>(keep));
            }
            neighbors_[ii] = std::move(sims);
          }
        });
  }
  std::string_view name() const override { return "item_knn"; }
  std::vector<ScoredItem> Recommend(int32_t user, int k) const override {
    std::vector<float> scores(static_cast<size_t>(train_.items()), 0.0f);
    auto cols = train_.by_user().Cols(user);
    auto vals = train_.by_user().Values(user);
    for (size_t a = 0; a < cols.size(); ++a) {
      float w = KnnWeight(vals[a]);
      if (w == 0) continue;
      for (const auto& n : neighbors_[static_cast<size_t>(cols[a])]) scores[n.item] += w * n.score;
    }
    return TopK(scores, cols, k);
  }

 private:
  const InteractionMatrix& train_;
  std::vector<std::vector<ScoredItem>> neighbors_;  // per item, its strongest cosines
};

class FactorRecommender final : public Recommender {
 public:
  FactorRecommender(const InteractionMatrix& train, const FactorModel& model, std::string name)
      : train_(train), model_(model), name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  std::vector<ScoredItem> Recommend(int32_t user, int k) const override {
    std::vector<float> scores;
    ItemScores(model_, model_.User(user), scores);
    return TopK(scores, train_.by_user().Cols(user), k);
  }

 private:
  const InteractionMatrix& train_;
  const FactorModel& model_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Recommender> MakePopularityRecommender(const InteractionMatrix& train) {
  return std::make_unique<PopularityRecommender>(train);
}

std::unique_ptr<Recommender> MakeItemKnnRecommender(const InteractionMatrix& train,
                                                    const ItemKnnOptions& options) {
  return std::make_unique<ItemKnnRecommender>(train, options);
}

Result<std::unique_ptr<Recommender>> MakeFactorRecommender(const InteractionMatrix& train,
                                                           const FactorModel& model,
                                                           std::string name) {
  if (model.users != train.users() || model.items != train.items()) {
    return Status::InvalidArgument("model", "factor model shape does not match the matrix");
  }
  return std::unique_ptr<Recommender>(
      std::make_unique<FactorRecommender>(train, model, std::move(name)));
}

}  // namespace sonora::recommend
