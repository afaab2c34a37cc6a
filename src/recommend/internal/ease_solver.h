// The dense linear algebra of EASE (ease_model.h), behind plain pointers so that only
// recommend/internal/*.cc includes Eigen (STYLE.md 3.2).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace sonora::recommend::internal {

// EASE's closed form from the item Gram matrix G = X^T X (n x n, row-major, symmetric):
// P = (G + lambda I)^-1 and B = I - P diag(1 / diag(P)), that is
//   B_ij = -P_ij / P_jj for i != j,  B_jj = 0,
// written row-major to `b` (n x n), so row i holds what item i adds to every item's score.
// Solved in double precision through a Cholesky (LLT) factorization. Returns false (and leaves
// `b` empty) when G + lambda I is not positive definite, which for a Gram matrix means
// lambda <= 0 on a rank-deficient G.
bool EaseWeights(std::span<const double> gram, int n, double lambda, std::vector<float>& b);

}  // namespace sonora::recommend::internal
