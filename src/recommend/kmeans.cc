#include "recommend/kmeans.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace sonora::recommend {

namespace {

double Dot(const float* a, const float* b, int dim) {
  double s = 0;
  for (int d = 0; d < dim; ++d) s += static_cast<double>(a[d]) * b[d];
  return s;
}

// The centroid of highest cosine with `p` (the lowest index on ties).
int32_t Nearest(const float* p, const std::vector<float>& centroids, int k, int dim) {
  int32_t best = 0;
  double best_cos = -2;
  for (int c = 0; c < k; ++c) {
    const double cos = Dot(p, centroids.data() + static_cast<size_t>(c) * dim, dim);
    if (cos > best_cos) {
      best_cos = cos;
      best = c;
    }
  }
  return best;
}

void Normalize(float* v, int dim) {
  const double norm = std::sqrt(Dot(v, v, dim));
  if (norm <= 0) return;
  for (int d = 0; d < dim; ++d) v[d] = static_cast<float>(v[d] / norm);
}

}  // namespace

Clustering SphericalKMeans(std::span<const float> points, int dim, std::span<const double> weights,
                           int k, uint64_t seed, int max_iterations) {
  const size_t n = dim > 0 ? points.size() / static_cast<size_t>(dim) : 0;
  Clustering out;
  out.k = static_cast<int>(
      std::clamp<size_t>(static_cast<size_t>(std::max(k, 1)), 1, std::max<size_t>(n, 1)));
  out.assignment.assign(n, 0);
  out.centroids.assign(static_cast<size_t>(out.k) * static_cast<size_t>(dim), 0.0f);
  if (n == 0) return out;
  auto row = [&](size_t i) { return points.data() + i * static_cast<size_t>(dim); };
  auto weight = [&](size_t i) { return i < weights.size() ? std::max(weights[i], 0.0) : 1.0; };

  // k-means++: the first centre by weight, each next one with probability proportional to
  // weight x (1 - cos to the nearest chosen centre).
  std::mt19937_64 rng(seed);
  std::vector<double> dist(n, 2.0);
  std::vector<double> p(n);
  for (int c = 0; c < out.k; ++c) {
    for (size_t i = 0; i < n; ++i) p[i] = weight(i) * (c == 0 ? 1.0 : dist[i]);
    double total = 0;
    for (double v : p) total += v;
    size_t pick = 0;
    if (total > 0) {
      std::discrete_distribution<size_t> draw(p.begin(), p.end());
      pick = draw(rng);
    } else {
      pick = static_cast<size_t>(c) % n;  // every point already is a centre
    }
    float* centre = out.centroids.data() + static_cast<size_t>(c) * dim;
    std::copy(row(pick), row(pick) + dim, centre);
    for (size_t i = 0; i < n; ++i) {
      dist[i] = std::min(dist[i], std::max(0.0, 1.0 - Dot(row(i), centre, dim)));
    }
  }

  std::vector<int32_t> previous(n, -1);
  std::vector<double> sums(out.centroids.size());
  for (int iter = 0; iter < max_iterations; ++iter) {
    for (size_t i = 0; i < n; ++i) out.assignment[i] = Nearest(row(i), out.centroids, out.k, dim);
    if (out.assignment == previous) break;
    previous = out.assignment;
    std::fill(sums.begin(), sums.end(), 0.0);
    for (size_t i = 0; i < n; ++i) {
      double* s = sums.data() + static_cast<size_t>(out.assignment[i]) * dim;
      for (int d = 0; d < dim; ++d) s[d] += weight(i) * row(i)[d];
    }
    for (size_t j = 0; j < sums.size(); ++j) out.centroids[j] = static_cast<float>(sums[j]);
    for (int c = 0; c < out.k; ++c)
      Normalize(out.centroids.data() + static_cast<size_t>(c) * dim, dim);
  }
  out.silhouette = out.k > 1 ? SimplifiedSilhouette(points, dim, out) : 0.0;
  return out;
}

double SimplifiedSilhouette(std::span<const float> points, int dim, const Clustering& c) {
  const size_t n = dim > 0 ? points.size() / static_cast<size_t>(dim) : 0;
  if (n == 0 || c.k < 2) return 0;
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* p = points.data() + i * static_cast<size_t>(dim);
    double a = 0, b = 3;
    for (int k = 0; k < c.k; ++k) {
      const double d = 1.0 - Dot(p, c.centroids.data() + static_cast<size_t>(k) * dim, dim);
      if (k == c.assignment[i]) {
        a = d;
      } else {
        b = std::min(b, d);
      }
    }
    const double m = std::max(a, b);
    total += m > 0 ? (b - a) / m : 0.0;
  }
  return total / static_cast<double>(n);
}

Clustering ChooseClustering(std::span<const float> points, int dim, std::span<const double> weights,
                            const ClusterChoice& choice, uint64_t seed) {
  const size_t n = dim > 0 ? points.size() / static_cast<size_t>(dim) : 0;
  Clustering best = SphericalKMeans(points, dim, weights, 1, seed);
  double best_score = choice.min_silhouette;
  const int min_size = std::max(choice.min_cluster_size, 1);
  for (int k = 2; k <= choice.max_k && static_cast<size_t>(k * min_size) <= n; ++k) {
    Clustering c = SphericalKMeans(points, dim, weights, k, seed + static_cast<uint64_t>(k));
    std::vector<int> sizes(static_cast<size_t>(c.k), 0);
    for (int32_t a : c.assignment) ++sizes[static_cast<size_t>(a)];
    if (*std::min_element(sizes.begin(), sizes.end()) < min_size) continue;
    bool distinct = true;
    for (int a = 0; a < c.k && distinct; ++a) {
      for (int b = a + 1; b < c.k && distinct; ++b) {
        distinct = Dot(c.centroids.data() + static_cast<size_t>(a) * dim,
                       c.centroids.data() + static_cast<size_t>(b) * dim,
                       dim) <= choice.max_centroid_cosine;
      }
    }
    if (!distinct) continue;
    if (c.silhouette > best_score) {
      best_score = c.silhouette;
      best = std::move(c);
    }
  }
  return best;
}

}  // namespace sonora::recommend
