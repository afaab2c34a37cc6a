// Spherical k-means for Daily Mix (seed 000 §8: k-means over the user's recent tracks, k at most
// 6, chosen by the data). Points are unit-length rows of `dim` floats compared by cosine;
// weights (play counts) pull centroids toward what the user plays most. Seeding is k-means++
// from a seeded generator, so one user's clusters are the same for the same input.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace sonora::recommend {

struct Clustering {
  int k = 0;
  std::vector<int32_t> assignment;  // point -> cluster in [0, k)
  std::vector<float> centroids;     // k x dim, unit length (zero for an empty cluster)
  // Mean simplified silhouette over the points (see ChooseClustering); 0 when k == 1.
  double silhouette = 0;
};

// Lloyd iterations of spherical k-means: assign each point to the centroid of highest cosine,
// recompute centroids as the normalized weighted mean, until no assignment changes or
// `max_iterations`. k is clamped to [1, points]. Zero rows join cluster 0.
Clustering SphericalKMeans(std::span<const float> points, int dim, std::span<const double> weights,
                           int k, uint64_t seed, int max_iterations = 30);

// Mean simplified silhouette: per point, a = 1 - cos(own centroid), b = 1 - cos(best other
// centroid), s = (b - a) / max(a, b) (0 when both are 0). O(points x k x dim).
double SimplifiedSilhouette(std::span<const float> points, int dim, const Clustering& c);

struct ClusterChoice {
  int max_k = 6;
  // Every cluster of the chosen k holds at least this many points.
  int min_cluster_size = 4;
  // Below this mean silhouette the points are read as one group (k = 1).
  double min_silhouette = 0.15;
  // Clusters must be distinct: no two centroids closer than this cosine. (The silhouette is
  // scale-free, so a tight single group split by noise can still score well; this is the
  // absolute test that keeps it one group.)
  double max_centroid_cosine = 0.8;
};

// Runs k = 2 .. max_k (as far as min_cluster_size allows) and keeps the one with the highest
// mean simplified silhouette whose clusters are all large enough and pairwise distinct; k = 1
// when none qualifies or the best silhouette is under min_silhouette.
Clustering ChooseClustering(std::span<const float> points, int dim, std::span<const double> weights,
                            const ClusterChoice& choice, uint64_t seed);

}  // namespace sonora::recommend
