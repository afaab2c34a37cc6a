// The HNSW side of recommend::VectorIndex: declared here without hnswlib types, defined in
// recommend/hnsw_index.cc, the only file that includes <hnswlib/hnswlib.h>.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/result.h"
#include "recommend/vector_index.h"

namespace sonora::recommend {

// Opaque to vector_index.cc: the graph lives in a subclass in hnsw_index.cc.
class VectorIndex::Backend {
 public:
  virtual ~Backend() = default;
};

}  // namespace sonora::recommend

namespace sonora::recommend::internal {

// Builds the graph over `rows` vectors (already normalized for cosine); ids are row numbers.
// Errors: kInternal with hnswlib's message.
Result<std::unique_ptr<VectorIndex::Backend>> BuildHnsw(std::span<const float> vectors,
                                                        int64_t rows, int dim,
                                                        const VectorIndexOptions& options);

// Up to k (id, inner product) pairs, closest first, skipping `exclude` (sorted).
Result<std::vector<Neighbor>> SearchHnsw(const VectorIndex::Backend& backend,
                                         std::span<const float> query, int k,
                                         std::span<const int64_t> exclude);

}  // namespace sonora::recommend::internal
