#include "recommend/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <random>
#include <unordered_set>

#include "recommend/internal/parallel.h"

namespace sonora::recommend {

namespace {

bool Contains(std::span<const int32_t> sorted, int32_t x) {
  return std::binary_search(sorted.begin(), sorted.end(), x);
}

}  // namespace

Split SplitLeaveLastOut(std::span<const Interaction> interactions, int32_t users, int32_t items,
                        bool by_time, const SplitOptions& options) {
  // Per user: item -> (net value, latest time).
  struct Seen {
    float value = 0;
    int64_t time = 0;
  };
  std::vector<std::map<int32_t, Seen>> per_user(static_cast<size_t>(users));
  for (const auto& x : interactions) {
    auto& s = per_user[static_cast<size_t>(x.user)][x.item];
    s.value += x.value;
    s.time = std::max(s.time, x.time);
  }
  Split split;
  split.held_out.resize(static_cast<size_t>(users));
  for (int32_t u = 0; u < users; ++u) {
    const auto& seen = per_user[static_cast<size_t>(u)];
    std::vector<std::pair<int64_t, int32_t>> order;  // (time or shuffle rank, item)
    order.reserve(seen.size());
    for (const auto& [item, s] : seen) order.emplace_back(s.time, item);
    if (by_time) {
      std::stable_sort(order.begin(), order.end());
    } else {
      std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(u));
      std::shuffle(order.begin(), order.end(), rng);
    }
    std::vector<int32_t> held;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (static_cast<int>(held.size()) == options.holdout) break;
      if (seen.at(it->second).value > 0) held.push_back(it->second);
    }
    if (static_cast<int64_t>(seen.size() - held.size()) < options.min_train || held.empty()) {
      held.clear();
    }
    std::sort(held.begin(), held.end());
    if (!held.empty()) ++split.evaluated_users;
    split.held_out[static_cast<size_t>(u)] = std::move(held);
  }
  std::vector<Interaction> train;
  train.reserve(interactions.size());
  for (const auto& x : interactions) {
    if (!Contains(split.held_out[static_cast<size_t>(x.user)], x.item)) train.push_back(x);
  }
  split.train = InteractionMatrix::FromInteractions(train, users, items);
  return split;
}

double PrecisionAtK(std::span<const int32_t> recommended, std::span<const int32_t> relevant,
                    int k) {
  if (k <= 0) return 0;
  int hits = 0;
  for (size_t r = 0; r < recommended.size() && r < static_cast<size_t>(k); ++r) {
    if (Contains(relevant, recommended[r])) ++hits;
  }
  return static_cast<double>(hits) / k;
}

double RecallAtK(std::span<const int32_t> recommended, std::span<const int32_t> relevant, int k) {
  if (relevant.empty()) return 0;
  int hits = 0;
  for (size_t r = 0; r < recommended.size() && r < static_cast<size_t>(k); ++r) {
    if (Contains(relevant, recommended[r])) ++hits;
  }
  return static_cast<double>(hits) / static_cast<double>(relevant.size());
}

double NdcgAtK(std::span<const int32_t> recommended, std::span<const int32_t> relevant, int k) {
  if (relevant.empty() || k <= 0) return 0;
  double dcg = 0, ideal = 0;
  for (size_t r = 0; r < recommended.size() && r < static_cast<size_t>(k); ++r) {
    if (Contains(relevant, recommended[r])) dcg += 1.0 / std::log2(static_cast<double>(r) + 2);
  }
  const size_t best = std::min(relevant.size(), static_cast<size_t>(k));
  for (size_t r = 0; r < best; ++r) ideal += 1.0 / std::log2(static_cast<double>(r) + 2);
  return dcg / ideal;
}

double IntraListDiversity(std::span<const int32_t> recommended, const InteractionMatrix& matrix) {
  if (recommended.size() < 2) return 0;
  const auto& by_item = matrix.by_item();
  double sum = 0;
  int pairs = 0;
  for (size_t a = 0; a < recommended.size(); ++a) {
    for (size_t b = a + 1; b < recommended.size(); ++b) {
      auto ua = by_item.Cols(recommended[a]);
      auto ub = by_item.Cols(recommended[b]);
      double cosine = 0;
      if (!ua.empty() && !ub.empty()) {
        // Binary co-listening vectors: |A and B| / sqrt(|A| |B|), by merging sorted user lists.
        size_t i = 0, j = 0, common = 0;
        while (i < ua.size() && j < ub.size()) {
          if (ua[i] < ub[j]) {
            ++i;
          } else if (ub[j] < ua[i]) {
            ++j;
          } else {
            ++common, ++i, ++j;
          }
        }
        cosine = static_cast<double>(common) /
                 std::sqrt(static_cast<double>(ua.size()) * static_cast<double>(ub.size()));
      }
      sum += 1.0 - cosine;
      ++pairs;
    }
  }
  return sum / pairs;
}

ModelMetrics Evaluate(const Recommender& recommender, const Split& split, int threads) {
  auto start = std::chrono::steady_clock::now();
  ModelMetrics m;
  m.model = std::string(recommender.name());
  std::mutex mu;
  std::vector<char> recommended_any(static_cast<size_t>(split.train.items()), 0);
  double precision = 0, recall = 0, ndcg = 0, diversity = 0;
  internal::ParallelChunks(split.train.users(), threads, 32, [&](int, int64_t begin, int64_t end) {
    double p = 0, r = 0, n = 0, d = 0;
    std::vector<int32_t> items_seen;
    for (int64_t uu = begin; uu < end; ++uu) {
      auto u = static_cast<int32_t>(uu);
      const auto& relevant = split.held_out[static_cast<size_t>(u)];
      if (relevant.empty()) continue;
      std::vector<int32_t> list;
      for (const auto& s : recommender.Recommend(u, kEvalCutoff)) list.push_back(s.item);
      p += PrecisionAtK(list, relevant, kEvalCutoff);
      r += RecallAtK(list, relevant, kEvalCutoff);
      n += NdcgAtK(list, relevant, kEvalCutoff);
      d += IntraListDiversity(list, split.train);
      items_seen.insert(items_seen.end(), list.begin(), list.end());
    }
    std::lock_guard lock(mu);
    precision += p, recall += r, ndcg += n, diversity += d;
    for (int32_t i : items_seen) recommended_any[static_cast<size_t>(i)] = 1;
  });
  const double users = static_cast<double>(std::max<int64_t>(1, split.evaluated_users));
  m.precision = precision / users;
  m.recall = recall / users;
  m.ndcg = ndcg / users;
  m.diversity = diversity / users;
  int64_t covered = std::count(recommended_any.begin(), recommended_any.end(), 1);
  m.coverage = split.train.items() > 0 ? static_cast<double>(covered) / split.train.items() : 0;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

}  // namespace sonora::recommend
