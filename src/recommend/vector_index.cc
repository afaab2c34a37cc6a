#include "recommend/vector_index.h"

#include <algorithm>
#include <cmath>

#include "recommend/internal/als_solver.h"
#include "recommend/internal/hnsw_backend.h"

namespace sonora::recommend {

namespace {

void Normalize(float* v, int dim) {
  double norm = 0;
  for (int d = 0; d < dim; ++d) norm += static_cast<double>(v[d]) * v[d];
  if (norm <= 0) return;
  const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (int d = 0; d < dim; ++d) v[d] *= inv;
}

}  // namespace

VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Build(std::span<const float> vectors,
                                                        int64_t rows, int dim,
                                                        const VectorIndexOptions& options) {
  if (dim < 1) return Status::InvalidArgument("dim", "dimension must be at least 1");
  if (rows < 0 || vectors.size() != static_cast<size_t>(rows) * static_cast<size_t>(dim)) {
    return Status::InvalidArgument("vectors", "expected rows * dim values");
  }
  for (float x : vectors) {
    if (!std::isfinite(x)) return Status::InvalidArgument("vectors", "values must be finite");
  }
  std::unique_ptr<VectorIndex> index(new VectorIndex());
  index->metric_ = options.metric;
  index->rows_ = rows;
  index->dim_ = dim;
  std::vector<float> data(vectors.begin(), vectors.end());
  if (options.metric == Metric::kCosine) {
    for (int64_t r = 0; r < rows; ++r) Normalize(data.data() + r * dim, dim);
  }
  if (rows >= options.exact_threshold && rows > 0) {
    auto backend = internal::BuildHnsw(data, rows, dim, options);
    if (!backend.ok()) return backend.status();
    index->backend_ = std::move(backend).value();
  } else {
    index->vectors_ = std::move(data);
  }
  return index;
}

bool VectorIndex::approximate() const { return backend_ != nullptr; }

Result<std::vector<Neighbor>> VectorIndex::Search(std::span<const float> query, int k,
                                                  std::span<const int64_t> exclude) const {
  if (query.size() != static_cast<size_t>(dim_)) {
    return Status::InvalidArgument("query", "query has the wrong dimension");
  }
  if (k <= 0 || rows_ == 0) return std::vector<Neighbor>{};
  std::vector<float> q(query.begin(), query.end());
  if (metric_ == Metric::kCosine) Normalize(q.data(), dim_);
  if (backend_) return internal::SearchHnsw(*backend_, q, k, exclude);
  return SearchExact(q, k, exclude);
}

Result<std::vector<Neighbor>> VectorIndex::SearchExact(std::span<const float> query, int k,
                                                       std::span<const int64_t> exclude) const {
  // Every score in one vectorized matrix-vector product (Eigen, behind als_solver.h), then the
  // k best by a partial sort of the row numbers.
  std::vector<float> scores(static_cast<size_t>(rows_));
  internal::InnerProducts(vectors_.data(), rows_, dim_, query.data(), scores.data());
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(rows_));
  for (int64_t r = 0; r < rows_; ++r) {
    if (!std::binary_search(exclude.begin(), exclude.end(), r)) ids.push_back(r);
  }
  auto closer = [&scores](int64_t a, int64_t b) {
    const float x = scores[static_cast<size_t>(a)], y = scores[static_cast<size_t>(b)];
    return x != y ? x > y : a < b;
  };
  const size_t keep = std::min(ids.size(), static_cast<size_t>(k));
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(keep), ids.end(),
                    closer);
  std::vector<Neighbor> out;
  out.reserve(keep);
  for (size_t i = 0; i < keep; ++i) out.push_back({ids[i], scores[static_cast<size_t>(ids[i])]});
  return out;
}

}  // namespace sonora::recommend
