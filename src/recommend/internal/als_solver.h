// The numeric kernels of implicit ALS, behind plain pointers so that only
// recommend/internal/als_solver.cc includes Eigen (STYLE.md 3.2). Used by cf_model.cc and by
// tests that check the CG solve against a direct one.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace sonora::recommend::internal {

// out = Y^T Y + lambda I for Y (rows x factors, row-major); out is factors x factors.
void Gram(const float* y, int64_t rows, int factors, float lambda, std::vector<float>& out);

// One row of an ALS sweep: the system
//   (gram + ridge I + sum_k (c_k - 1) y_k y_k^T) x = sum_k c_k p_k y_k
// over the row's entries k (columns `cols` into `other`, values `values`: p = value > 0;
// `confidence` holds c_k >= 1, one per entry, as cf_model.cc maps them), where `gram` =
// Y^T Y + lambda I of the whole other side and `ridge` is this row's extra diagonal (the
// nnz-scaled regularization; 0 without it).
//
// SolveRowCg runs `steps` conjugate-gradient steps starting from the current `x` (updated in
// place), never forming the row's matrix: each step costs O(nnz * factors + factors^2).
void SolveRowCg(const float* gram, const float* other, int factors, std::span<const int32_t> cols,
                std::span<const float> values, std::span<const float> confidence, float ridge,
                int steps, float* x);

// Forms the row's matrix and solves it with a Cholesky (LDLT) factorization: the exact answer
// that SolveRowCg converges to. O(nnz * factors^2 + factors^3).
void SolveRowExact(const float* gram, const float* other, int factors,
                   std::span<const int32_t> cols, std::span<const float> values,
                   std::span<const float> confidence, float ridge, float* x);

// out[i] = y_i . query for every row i of Y (rows x factors, row-major); out has `rows` entries.
// A vectorized matrix-vector product: the per-user scoring of the serving path and of
// FactorRecommender.
void InnerProducts(const float* y, int64_t rows, int factors, const float* query, float* out);

// sum over rows u of x_u^T g x_u, for X (rows x factors) and g (factors x factors).
double QuadraticSum(const float* x, int64_t rows, int factors, const float* g);

}  // namespace sonora::recommend::internal
