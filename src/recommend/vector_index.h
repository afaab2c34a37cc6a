// Nearest-neighbour search over dense vectors (ALS item factors, audio-feature vectors) for
// candidate generation: exact brute force for small catalogs, an HNSW graph (hnswlib, behind
// recommend/hnsw_index.cc) above a size threshold. Both return the same shape, so callers do
// not care which one answered.
//
// Built once, then immutable: Search() is const and safe from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "core/result.h"

namespace sonora::recommend {

enum class Metric {
  kInnerProduct,  // score = a . b (ALS: x_u . y_i is the model's own score)
  kCosine,        // score = a . b / (|a| |b|) (audio features); vectors are normalized on input
};

// Below this many vectors a brute-force scan answers in well under a millisecond at 64
// dimensions and is exact, so no graph is built (docs/recommendations.md, "ANN").
inline constexpr int64_t kExactSearchThreshold = 20000;

struct VectorIndexOptions {
  Metric metric = Metric::kInnerProduct;
  // Use the HNSW graph when the index holds at least this many vectors. Default:
  // kExactSearchThreshold. 0 forces HNSW; a huge value forces exact search.
  int64_t exact_threshold = kExactSearchThreshold;
  // HNSW graph degree (hnswlib's M). Default: 16.
  int m = 16;
  // Candidate list while building (ef_construction). Default: 200.
  int ef_construction = 200;
  // Candidate list while searching (ef); raised to k when smaller. Default: 100.
  int ef_search = 100;
  // Seeds the graph's level assignment. Default: 100.
  uint64_t seed = 100;
  // Called while the HNSW graph is built, with (vectors inserted, total) about every tenth of
  // the way and once at the end; not called for exact search. Default: none.
  std::function<void(int64_t, int64_t)> progress = {};
};

struct Neighbor {
  int64_t id = 0;   // the row of the vector in Build's input
  float score = 0;  // by the metric; higher is closer
};

class VectorIndex {
 public:
  // Indexes `rows` vectors of `dim` floats (row-major in `vectors`), ids 0..rows-1.
  // Errors: kInvalidArgument when dim < 1, vectors.size() != rows * dim, or a value is not
  // finite; kInternal when hnswlib fails (its exception's message, caught in the adapter).
  static Result<std::unique_ptr<VectorIndex>> Build(std::span<const float> vectors, int64_t rows,
                                                    int dim, const VectorIndexOptions& options);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // The k closest vectors to `query` (dim floats), closest first; fewer when the index is
  // smaller. Ids in `exclude` (sorted ascending) are skipped. An HNSW answer is approximate.
  // Errors: kInvalidArgument when query.size() != dim.
  Result<std::vector<Neighbor>> Search(std::span<const float> query, int k,
                                       std::span<const int64_t> exclude = {}) const;

  bool approximate() const;
  int64_t size() const { return rows_; }
  int dim() const { return dim_; }

  class Backend;  // the HNSW graph (hnsw_index.cc)

 private:
  VectorIndex() = default;
  Result<std::vector<Neighbor>> SearchExact(std::span<const float> query, int k,
                                            std::span<const int64_t> exclude) const;

  Metric metric_ = Metric::kInnerProduct;
  int64_t rows_ = 0;
  int dim_ = 0;
  std::vector<float> vectors_;        // exact search only (normalized for kCosine)
  std::unique_ptr<Backend> backend_;  // HNSW only
};

}  // namespace sonora::recommend
