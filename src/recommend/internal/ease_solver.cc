#include "recommend/internal/ease_solver.h"

#include <Eigen/Dense>

namespace sonora::recommend::internal {

bool EaseWeights(std::span<const double> gram, int n, double lambda, std::vector<float>& b) {
  b.clear();
  if (n <= 0 || gram.size() != static_cast<size_t>(n) * static_cast<size_t>(n)) return false;
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Matrix a = Eigen::Map<const Matrix>(gram.data(), n, n);
  a.diagonal().array() += lambda;
  Eigen::LLT<Matrix> llt(a);
  if (llt.info() != Eigen::Success) return false;
  // P is symmetric: its column j is also its row j, and B's column j is -P's column j / P_jj.
  const Matrix p = llt.solve(Matrix::Identity(n, n));
  b.assign(static_cast<size_t>(n) * static_cast<size_t>(n), 0.0f);
  for (int i = 0; i < n; ++i) {
    float* row = b.data() + static_cast<size_t>(i) * static_cast<size_t>(n);
    for (int j = 0; j < n; ++j) {
      if (j != i) row[j] = static_cast<float>(-p(i, j) / p(j, j));
    }
  }
  return true;
}

}  // namespace sonora::recommend::internal
