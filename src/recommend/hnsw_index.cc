// The hnswlib adapter (STYLE.md rule 8): the only file that includes hnswlib. hnswlib reports
// errors by throwing std::runtime_error; every call into it is wrapped here and turned into a
// Status.
//
// Under AddressSanitizer the SSE paths are switched off: hnswlib 0.6.2's searchBaseLayer
// prefetches the link *after* the last one, a 4-byte read past its malloc'd list
// (nmslib/hnswlib#107, #578; harmless on real hardware, but ASan stops the test run).
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_MANUAL_VECTORIZATION
#endif
#endif
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "recommend/internal/hnsw_backend.h"

namespace sonora::recommend::internal {

namespace {

class HnswBackend final : public VectorIndex::Backend {
 public:
  HnswBackend(int dim, int64_t rows, const VectorIndexOptions& o)
      : space_(static_cast<size_t>(dim)),
        graph_(&space_, static_cast<size_t>(rows), static_cast<size_t>(o.m),
               static_cast<size_t>(o.ef_construction), static_cast<size_t>(o.seed)),
        ef_search_(o.ef_search) {}

  // Inner-product space: hnswlib's distance is 1 - a.b, so smaller is closer.
  hnswlib::InnerProductSpace space_;
  hnswlib::HierarchicalNSW<float> graph_;
  int ef_search_;
  // hnswlib's ef is one field of the graph, not a per-query argument. Searches at the default
  // ef share this lock; one that needs a larger ef holds it exclusively while it raises and
  // restores the field, so no search ever reads ef while it changes.
  mutable std::shared_mutex ef_mu_;
};

}  // namespace

Result<std::unique_ptr<VectorIndex::Backend>> BuildHnsw(std::span<const float> vectors,
                                                        int64_t rows, int dim,
                                                        const VectorIndexOptions& options) {
  try {
    auto backend = std::make_unique<HnswBackend>(dim, std::max<int64_t>(rows, 1), options);
    backend->graph_.setEf(static_cast<size_t>(options.ef_search));
    // One thread inserts. hnswlib 0.6.2's concurrent addPoint needs the first element inserted
    // alone and takes per-node locks in an order ThreadSanitizer reports as a potential
    // deadlock (a lock-order inversion between addPoint and searchBaseLayer); the index is
    // built once per model, so correctness wins over build time.
    const int64_t step = std::max<int64_t>(1, rows / 10);
    for (int64_t r = 0; r < rows; ++r) {
      backend->graph_.addPoint(vectors.data() + r * dim, static_cast<hnswlib::labeltype>(r));
      if (options.progress && ((r + 1) % step == 0 || r + 1 == rows)) options.progress(r + 1, rows);
    }
    return std::unique_ptr<VectorIndex::Backend>(std::move(backend));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("hnswlib: ") + e.what());
  }
}

Result<std::vector<Neighbor>> SearchHnsw(const VectorIndex::Backend& base,
                                         std::span<const float> query, int k,
                                         std::span<const int64_t> exclude) {
  const auto& backend = static_cast<const HnswBackend&>(base);
  const size_t want = static_cast<size_t>(k) + exclude.size();
  try {
    std::priority_queue<std::pair<float, hnswlib::labeltype>> found;
    if (want > static_cast<size_t>(backend.ef_search_)) {
      std::unique_lock lock(backend.ef_mu_);
      auto& graph = const_cast<hnswlib::HierarchicalNSW<float>&>(backend.graph_);
      graph.setEf(want);
      found = graph.searchKnn(query.data(), want);
      graph.setEf(static_cast<size_t>(backend.ef_search_));
    } else {
      std::shared_lock lock(backend.ef_mu_);
      found = backend.graph_.searchKnn(query.data(), want);
    }
    std::vector<Neighbor> out;
    out.reserve(found.size());
    while (!found.empty()) {  // farthest first
      auto [distance, label] = found.top();
      found.pop();
      auto id = static_cast<int64_t>(label);
      if (std::binary_search(exclude.begin(), exclude.end(), id)) continue;
      out.push_back({id, 1.0f - distance});
    }
    std::reverse(out.begin(), out.end());
    if (out.size() > static_cast<size_t>(k)) out.resize(static_cast<size_t>(k));
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("hnswlib: ") + e.what());
  }
}

}  // namespace sonora::recommend::internal
