#include "recommend/vector_index.h"

#include <algorithm>
#include <cmath>

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

bool Closer(const Neighbor& a, const Neighbor& b) {
  return a.score != b.score ? a.score > b.score : a.id < b.id;
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
  std::vector<Neighbor> all;
  all.reserve(static_cast<size_t>(rows_));
  for (int64_t r = 0; r < rows_; ++r) {
    if (std::binary_search(exclude.begin(), exclude.end(), r)) continue;
    const float* v = vectors_.data() + r * dim_;
    float s = 0;
    for (int d = 0; d < dim_; ++d) s += v[d] * query[static_cast<size_t>(d)];
    all.push_back({r, s});
  }
  const size_t keep = std::min(all.size(), static_cast<size_t>(k));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    Closer);
  all.resize(keep);
  return all;
}

}  // namespace sonora::recommend
