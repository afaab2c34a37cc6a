// A generated listening population with planted taste clusters and known ground truth, for
// tests, `sonora recommend eval --synthetic` and bench/recommend: items belong to one of
// `clusters` taste clusters; each user has a primary and a secondary cluster and draws plays
// mostly from those, with popularity falling off inside each cluster (Zipf) and some noise from
// anywhere. Deterministic given the seed.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "recommend/interactions.h"
#include "recommend/recommender.h"

namespace sonora::recommend {

struct SyntheticOptions {
  int32_t users = 2000;
  int32_t items = 1000;
  int clusters = 10;
  // Mean interactions drawn per user (each user draws between mean/4 and 7*mean/4).
  int mean_interactions = 30;
  // Where a draw comes from: the primary cluster, the secondary cluster, else any item.
  double primary_share = 0.7;
  double secondary_share = 0.2;
  // Zipf exponent of popularity inside a cluster (0: uniform).
  double zipf = 0.8;
  uint64_t seed = 1;
};

struct SyntheticData {
  int32_t users = 0, items = 0;
  // One per draw: value is a play count (1 + geometric), time is the draw order per user.
  // Repeated (user, item) draws stay separate; matrix builders sum them.
  std::vector<Interaction> interactions;
  std::vector<int> user_cluster;            // primary cluster per user
  std::vector<int> user_secondary_cluster;  // secondary cluster per user
  std::vector<int> item_cluster;            // cluster per item
  std::vector<double> item_weight;          // P(item | its cluster), the Zipf weight
};

SyntheticData GenerateSynthetic(const SyntheticOptions& options);

// The ground-truth ranking ("oracle"): scores each item by the probability that the generator
// draws it for the user (primary share x Zipf weight in the primary cluster + secondary share
// x weight in the secondary cluster + noise share / items), excluding training items. No
// recommender can beat it in expectation, so it is the ceiling the others are read against.
// `data` and `train` must outlive the result.
std::unique_ptr<Recommender> MakeOracleRecommender(const SyntheticData& data,
                                                   const SyntheticOptions& options,
                                                   const InteractionMatrix& train);

}  // namespace sonora::recommend
