// A generated, metadata-only catalog: artists, albums and tracks with plausible names, genres,
// release dates, popularity and a few region-restricted tracks. Used by `sonora demo` until the
// media pipeline supplies real audio, and by benchmarks that need a catalog of a given size.
#pragma once

#include <cstdint>
#include <functional>

#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "store/database.h"

namespace sonora::catalog {

struct GenerateOptions {
  int64_t tracks = 1000;        // total tracks; albums hold 8-14 each
  uint64_t seed = 42;           // same seed, same names and shapes (ids stay random)
  int64_t batch_size = 2000;    // tracks per transaction
  // Called after each batch with (tracks written, total).
  std::function<void(int64_t, int64_t)> progress;
};

struct GenerateSummary {
  int64_t artists = 0;
  int64_t albums = 0;
  int64_t tracks = 0;
};

// Writes a new catalog of options.tracks tracks. Errors: whatever the database returns; each
// batch is one transaction, so a failure leaves whole albums only.
Result<GenerateSummary> GenerateCatalog(store::Database& db, CatalogRepository& repo,
                                        const Clock& clock, const GenerateOptions& options);

}  // namespace sonora::catalog
