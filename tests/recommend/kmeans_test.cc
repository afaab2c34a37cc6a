// Spherical k-means and the choice of k for Daily Mix: planted groups are found, k follows the
// data (one group -> 1, three groups -> 3), the cap and the minimum cluster size hold, weights
// pull centroids, and the same seed gives the same clustering.
#include "recommend/kmeans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <vector>

namespace sonora::recommend {
namespace {

// `per` unit points around each of `groups` orthogonal directions in `dim` dimensions, with
// noise of `spread`; returns the points and writes each point's true group.
std::vector<float> Planted(int groups, int per, int dim, double spread, std::vector<int>& truth) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, spread);
  std::vector<float> out;
  truth.clear();
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < per; ++i) {
      std::vector<double> v(static_cast<size_t>(dim));
      double norm = 0;
      for (int d = 0; d < dim; ++d) {
        v[static_cast<size_t>(d)] = (d == g ? 1.0 : 0.0) + noise(rng);
        norm += v[static_cast<size_t>(d)] * v[static_cast<size_t>(d)];
      }
      for (double x : v) out.push_back(static_cast<float>(x / std::sqrt(norm)));
      truth.push_back(g);
    }
  }
  return out;
}

// True when points of one planted group always share a cluster and different groups never do.
bool Recovers(const Clustering& c, const std::vector<int>& truth) {
  for (size_t i = 0; i < truth.size(); ++i) {
    for (size_t j = 0; j < truth.size(); ++j) {
      if ((truth[i] == truth[j]) != (c.assignment[i] == c.assignment[j])) return false;
    }
  }
  return true;
}

TEST(KMeansTest, FindsPlantedGroups) {
  std::vector<int> truth;
  const auto points = Planted(3, 20, 8, 0.1, truth);
  const std::vector<double> weights(truth.size(), 1.0);
  const Clustering c = SphericalKMeans(points, 8, weights, 3, 1);
  EXPECT_EQ(c.k, 3);
  EXPECT_TRUE(Recovers(c, truth));
  EXPECT_GT(c.silhouette, 0.8);
  for (int k = 0; k < 3; ++k) {
    double norm = 0;
    for (int d = 0; d < 8; ++d) norm += std::pow(c.centroids[static_cast<size_t>(k * 8 + d)], 2);
    EXPECT_NEAR(norm, 1.0, 1e-5) << "centroids are unit length";
  }
}

TEST(KMeansTest, ChoosesKFromTheData) {
  std::vector<int> truth;
  const auto three = Planted(3, 20, 8, 0.1, truth);
  const std::vector<double> w3(truth.size(), 1.0);
  const Clustering c3 = ChooseClustering(three, 8, w3, {}, 1);
  EXPECT_EQ(c3.k, 3);
  EXPECT_TRUE(Recovers(c3, truth));

  const auto one = Planted(1, 40, 8, 0.05, truth);
  const std::vector<double> w1(truth.size(), 1.0);
  EXPECT_EQ(ChooseClustering(one, 8, w1, {}, 1).k, 1) << "one tight group stays one mix";
}

TEST(KMeansTest, RespectsTheCapAndTheMinimumClusterSize) {
  std::vector<int> truth;
  const auto eight = Planted(8, 10, 8, 0.1, truth);
  const std::vector<double> w(truth.size(), 1.0);
  const Clustering capped = ChooseClustering(eight, 8, w, {.max_k = 6}, 1);
  EXPECT_LE(capped.k, 6);
  EXPECT_GE(capped.k, 2);
  // Ten points cannot make clusters of at least six.
  const auto small = Planted(2, 5, 8, 0.1, truth);
  const std::vector<double> ws(truth.size(), 1.0);
  EXPECT_EQ(ChooseClustering(small, 8, ws, {.min_cluster_size = 6}, 1).k, 1);
  EXPECT_EQ(ChooseClustering(small, 8, ws, {.min_cluster_size = 5}, 1).k, 2);
}

TEST(KMeansTest, WeightsPullTheCentroid) {
  // Two points in one cluster: the centroid leans to the heavier one.
  const std::vector<float> points = {1, 0, 0, 1};
  const Clustering light = SphericalKMeans(points, 2, std::vector<double>{1, 1}, 1, 1);
  const Clustering heavy = SphericalKMeans(points, 2, std::vector<double>{9, 1}, 1, 1);
  EXPECT_NEAR(light.centroids[0], light.centroids[1], 1e-6);
  EXPECT_GT(heavy.centroids[0], 3 * heavy.centroids[1]);
}

TEST(KMeansTest, SameSeedSameClusteringAndDegenerateInputsAreSafe) {
  std::vector<int> truth;
  const auto points = Planted(4, 12, 6, 0.3, truth);
  const std::vector<double> w(truth.size(), 1.0);
  EXPECT_EQ(SphericalKMeans(points, 6, w, 4, 99).assignment,
            SphericalKMeans(points, 6, w, 4, 99).assignment);
  const Clustering none = SphericalKMeans({}, 6, {}, 3, 1);
  EXPECT_TRUE(none.assignment.empty());
  const std::vector<float> zeros(12, 0.0f);
  const Clustering z = ChooseClustering(zeros, 6, std::vector<double>{1, 1}, {}, 1);
  EXPECT_EQ(z.k, 1);
  EXPECT_EQ(z.assignment, (std::vector<int32_t>{0, 0}));
  // More clusters than points: one per point at most.
  EXPECT_EQ(SphericalKMeans(points, 6, w, 1000, 1).k, static_cast<int>(truth.size()));
}

}  // namespace
}  // namespace sonora::recommend
