#include "recommend/internal/als_solver.h"

#include <Eigen/Dense>

namespace sonora::recommend::internal {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;
using Vector = Eigen::VectorXf;
using ConstVectorMap = Eigen::Map<const Vector>;

ConstVectorMap RowOf(const float* base, int32_t row, int factors) {
  return ConstVectorMap(base + static_cast<int64_t>(row) * factors, factors);
}

}  // namespace

void Gram(const float* y, int64_t rows, int factors, float lambda, std::vector<float>& out) {
  ConstRowMap m(y, rows, factors);
  RowMatrix g = RowMatrix::Zero(factors, factors);
  g.selfadjointView<Eigen::Lower>().rankUpdate(m.transpose());
  g.triangularView<Eigen::StrictlyUpper>() = g.transpose();
  g.diagonal().array() += lambda;
  out.assign(g.data(), g.data() + static_cast<int64_t>(factors) * factors);
}

void SolveRowCg(const float* gram, const float* other, int factors, std::span<const int32_t> cols,
                std::span<const float> values, std::span<const float> confidence, float ridge,
                int steps, float* x_out) {
  ConstRowMap g(gram, factors, factors);
  Eigen::Map<Vector> x(x_out, factors);

  // Residual r = b - A x, accumulated entry by entry so A is never formed:
  // A x = G x + ridge x + sum (c - 1)(y.x) y and b = sum c p y.
  Vector r = -(g * x) - ridge * x;
  for (size_t k = 0; k < cols.size(); ++k) {
    auto y = RowOf(other, cols[k], factors);
    const float c = confidence[k];
    const float p = values[k] > 0 ? 1.0f : 0.0f;
    r.noalias() += (c * p - (c - 1.0f) * y.dot(x)) * y;
  }
  Vector p = r;
  float rs_old = r.squaredNorm();
  if (rs_old < 1e-20f) return;
  Vector ap(factors);
  for (int step = 0; step < steps; ++step) {
    ap.noalias() = g * p;
    if (ridge != 0.0f) ap.noalias() += ridge * p;
    for (size_t k = 0; k < cols.size(); ++k) {
      auto y = RowOf(other, cols[k], factors);
      ap.noalias() += ((confidence[k] - 1.0f) * y.dot(p)) * y;
    }
    const float step_size = rs_old / p.dot(ap);
    x.noalias() += step_size * p;
    r.noalias() -= step_size * ap;
    const float rs_new = r.squaredNorm();
    if (rs_new < 1e-20f) break;
    p = r + (rs_new / rs_old) * p;
    rs_old = rs_new;
  }
}

void SolveRowExact(const float* gram, const float* other, int factors,
                   std::span<const int32_t> cols, std::span<const float> values,
                   std::span<const float> confidence, float ridge, float* x_out) {
  Eigen::MatrixXd a = ConstRowMap(gram, factors, factors).cast<double>();
  a.diagonal().array() += static_cast<double>(ridge);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(factors);
  for (size_t k = 0; k < cols.size(); ++k) {
    Eigen::VectorXd y = RowOf(other, cols[k], factors).cast<double>();
    const double c = confidence[k];
    a.noalias() += (c - 1.0) * y * y.transpose();
    if (values[k] > 0) b.noalias() += c * y;
  }
  Eigen::VectorXd x = a.ldlt().solve(b);
  Eigen::Map<Vector>(x_out, factors) = x.cast<float>();
}

void InnerProducts(const float* y, int64_t rows, int factors, const float* query, float* out) {
  Eigen::Map<Vector>(out, rows).noalias() =
      ConstRowMap(y, rows, factors) * ConstVectorMap(query, factors);
}

double QuadraticSum(const float* x, int64_t rows, int factors, const float* g) {
  ConstRowMap xm(x, rows, factors);
  ConstRowMap gm(g, factors, factors);
  RowMatrix xg = xm * gm;
  return static_cast<double>(xg.cwiseProduct(xm).cast<double>().sum());
}

}  // namespace sonora::recommend::internal
