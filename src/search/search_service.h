// Search for the API: owns the index and its indexer, fills in the caller's taste, caches
// results (seed 004 §3: "cache results for popular queries"), and reads the matched tracks,
// albums, artists, shows and episodes back from the catalog so results carry the catalog's own
// JSON.
//
// Thread-safety: all methods may be called from any thread once Start has returned.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_repository.h"
#include "catalog/podcast.h"
#include "catalog/podcast_repository.h"
#include "core/clock.h"
#include "core/lru_map.h"
#include "core/result.h"
#include "search/indexer.h"
#include "search/search_index.h"
#include "search/taste.h"
#include "store/database.h"

namespace sonora::search {

// The index lives in <data dir>/search (docs/formats/search-index.md).
inline constexpr const char* kIndexDirName = "search";

struct SearchServiceOptions {
  std::string index_dir;           // REQUIRED: where the Xapian database lives
  size_t cache_entries = 2048;     // LRU entries; 0 disables the cache
  int64_t cache_ttl_ms = 300'000;  // seed 004 §3: ttl=300 s
  int64_t taste_ttl_ms = 30'000;   // a user's taste is re-read at most this often
};

template <typename T>
struct Matched {
  Hit hit;
  T item;
};

struct SearchPage {
  SearchResults results;  // ids, totals, facets
  std::vector<Matched<catalog::Track>> tracks;
  std::vector<Matched<catalog::Artist>> artists;
  std::vector<Matched<catalog::Album>> albums;
  std::vector<Hit> playlists;  // payload: the playlist's JSON
  std::vector<Matched<catalog::Show>> shows;
  std::vector<Matched<catalog::Episode>> episodes;
  bool cache_hit = false;
};

// Builds a complete index of the catalog in `dir` (via a sibling "<dir>.new", then swapped in
// place), so a crash mid-build never leaves a half index under the real name. Errors:
// kFailedPrecondition when a server holds the index; the store's and the index's errors.
Status ReindexInto(store::Database& db, catalog::CatalogRepository& catalog, const std::string& dir,
                   int64_t now_ms, const ProgressFn& progress);

class SearchService {
 public:
  SearchService(store::Database& db, catalog::CatalogRepository& catalog, TasteProvider& taste,
                const Clock& clock, SearchServiceOptions options);

  // Opens the index; rebuilds it when it was never completely built or the outbox backlog is
  // larger than kRebuildBacklog; then applies the outbox. Call before serving. Errors as
  // ReindexInto.
  Status Start(const ProgressFn& progress);

  // `query.taste` is replaced by the user's. Errors: kUnavailable before Start or when the
  // index cannot be read; the store's.
  Result<SearchPage> Search(const std::string& user_id, SearchQuery query);
  Result<std::vector<Suggestion>> Suggest(std::string_view text, std::string_view market,
                                          size_t limit);

  // Null before Start.
  Indexer* indexer() { return indexer_.get(); }

 private:
  struct CacheEntry {
    SearchResults results;
    int64_t expires_at_ms;
  };
  Result<Taste> TasteFor(const std::string& user_id);
  std::optional<SearchResults> CacheGet(const std::string& key);
  void CachePut(const std::string& key, const SearchResults& r);
  Status Hydrate(SearchPage& page);

  store::Database& db_;
  catalog::CatalogRepository& catalog_;
  catalog::PodcastRepository podcasts_;
  TasteProvider& taste_;
  const Clock& clock_;
  const SearchServiceOptions options_;
  std::unique_ptr<SearchIndex> index_;  // set by Start
  std::unique_ptr<Indexer> indexer_;

  std::mutex cache_mu_;
  LruMap<std::string, CacheEntry> cache_;  // guarded by cache_mu_
  std::mutex taste_mu_;
  static constexpr size_t kMaxTastesCached = 10'000;
  LruMap<std::string, std::pair<Taste, int64_t>> tastes_{kMaxTastesCached};  // by taste_mu_
};

}  // namespace sonora::search
