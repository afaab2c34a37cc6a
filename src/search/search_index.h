// search::SearchIndex: the full-text index over the catalog (issue 6). The interface has one
// implementation today, the local Xapian index (xapian_index.cc, OpenXapianIndex); the module
// table reserves a second, a sharded remote index, for the scale-out deployment.
//
// Documents are kinds of things a listener searches for: tracks, artists, albums, public
// playlists, podcast shows and episodes (docs/decisions/0011-search.md, 0015-podcasts.md).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace sonora::search {

enum class DocKind { kTrack, kArtist, kAlbum, kPlaylist, kShow, kEpisode };
inline constexpr DocKind kAllKinds[] = {DocKind::kTrack,    DocKind::kArtist, DocKind::kAlbum,
                                        DocKind::kPlaylist, DocKind::kShow,   DocKind::kEpisode};
// "track", "artist", ... (the outbox's and the API's `type` words).
std::string_view KindName(DocKind kind);
std::optional<DocKind> ParseKind(std::string_view name);

// What the index stores about one thing. Fields a kind lacks stay empty.
struct SearchDocument {
  DocKind kind = DocKind::kTrack;
  std::string id;    // catalog id: track_…, artist_…, album_…, playlist_…, show_…, episode_…
  std::string name;  // title (track, album, show, episode), name (artist, playlist)
  std::vector<std::string> artist_names;  // track and album credits, primary first; a show's
                                          // publisher
  std::vector<std::string> artist_ids;    // same order; the artist's own id for an artist doc
  std::string album_title;                // tracks; an episode's show
  std::string text;  // lyrics (tracks), description (playlists, shows, episodes); kMaxTextBytes
  std::vector<std::string> genres;
  int year = 0;             // release year; 0 unknown
  int64_t duration_ms = 0;  // tracks, episodes
  bool explicit_content = false;
  int popularity = 0;                // 0..100
  std::vector<std::string> markets;  // ISO country codes; empty: available everywhere
  std::string payload;               // opaque, returned with hits (playlist display fields)
};

// SearchDocument.text beyond this many bytes is neither indexed nor kept for highlights (cut at
// a character boundary). The longest real lyrics come to about 8 KiB.
inline constexpr size_t kMaxTextBytes = 16 << 10;

// The caller's taste for personalization (seed 004 §3's function score).
struct Taste {
  std::unordered_set<std::string> genres;      // folded genre names
  std::unordered_set<std::string> artist_ids;  // followed or most-played artists
  bool empty() const { return genres.empty() && artist_ids.empty(); }
};

// Seed 004 §3: preferred genres x1.5, favourite artists x2.0, multiplied when both apply.
inline constexpr double kGenreBoost = 1.5;
inline constexpr double kArtistBoost = 2.0;
// Popularity adds at most this much weight (BM25 weights of a one-word title match are ~5-15).
inline constexpr double kMaxPopularityWeight = 2.0;
// Personalization re-orders this many of the best matches per kind (or offset + limit if more).
inline constexpr int64_t kRerankWindow = 200;
// Query bounds: hostile input is cut, never refused (issue 6: any length or content).
inline constexpr size_t kMaxQueryWords = 12;
inline constexpr size_t kMaxQueryBytes = 1024;
inline constexpr int64_t kMaxOffset = 1000;  // deeper pages: 400 (ES's max_result_window idea)

struct SearchQuery {
  std::string text;  // raw user text; folded and tokenized by the index
  std::vector<DocKind> kinds = {DocKind::kTrack, DocKind::kArtist, DocKind::kAlbum,
                                DocKind::kPlaylist};
  int64_t limit = 20;  // per kind
  int64_t offset = 0;
  // Filters (a filter a kind lacks excludes nothing of that kind): genre applies to tracks,
  // albums, artists and shows; year to tracks, albums and episodes; duration to tracks and
  // episodes; explicit to tracks, shows and episodes; market to tracks, albums, shows and
  // episodes.
  std::vector<std::string> genres;  // any of
  std::optional<int> year_min, year_max;
  std::optional<int64_t> duration_min_ms, duration_max_ms;
  std::optional<bool> explicit_content;
  std::string market;  // ISO code; empty: no market filter
  Taste taste;
  bool facets = true;
  bool highlight = true;
  // Whether lyrics and descriptions match; names always do. Suggest turns it off: completions
  // name what the user is typing.
  bool match_text = true;
};

// A matched field with the matched words wrapped in <em>…</em> (HTML-escaped text).
struct Highlight {
  std::string field;  // "title", "name", "artist", "album", "lyrics", "description";
                      // "publisher" (shows), "show" (episodes)
  std::string fragment;
};

struct Hit {
  std::string id;
  std::string name;  // the document's name, for suggestions
  double score = 0;
  std::vector<Highlight> highlights;
  std::string payload;
};

struct KindHits {
  std::vector<Hit> hits;
  int64_t total = 0;  // Xapian's estimate of all matches of this kind
};

// Counts over the matching tracks (seed 004 §3 aggregations), most frequent first.
struct FacetCount {
  std::string value;
  int64_t count = 0;
};
struct Facets {
  std::vector<FacetCount> genres, artists, release_years;
  // True when the counts cover a sample of the matches (the XapianOptions::facet_sample most
  // popular, or those examined before the match budget ended the match), not all of them.
  bool estimated = false;
};

struct SearchResults {
  std::map<DocKind, KindHits> kinds;
  Facets facets;
  bool relaxed = false;  // no document held every word; matched any word instead
};

struct Suggestion {
  std::string text;
  DocKind kind = DocKind::kTrack;
  std::string id;
};

// Thread-safety: every method may be called from any thread. Writes (Put, Remove, Commit) are
// serialized; searches run in parallel with each other and with writes, and see the last
// committed state.
class SearchIndex {
 public:
  virtual ~SearchIndex() = default;

  // Adds or replaces the document (kind, id). Visible to searches after Commit.
  virtual Status Put(const SearchDocument& doc) = 0;
  // Removes it; absent is fine.
  virtual Status Remove(DocKind kind, const std::string& id) = 0;
  // Makes every Put and Remove since the last Commit durable and visible, together with
  // `metadata` (written in the same commit: the outbox position lives here).
  virtual Status Commit(const std::map<std::string, std::string>& metadata) = 0;
  // A value stored by Commit; "" when never set.
  virtual Result<std::string> GetMetadata(const std::string& key) = 0;

  // Errors: none for any query text (hostile input is cut to the bounds above);
  // kUnavailable when the index cannot be read.
  virtual Result<SearchResults> Search(const SearchQuery& query) = 0;
  // As-you-type: names of tracks, artists, albums, public playlists and podcast shows whose
  // words start with the query's words (the last one as a prefix), best first. Lyrics and
  // descriptions are not searched.
  virtual Result<std::vector<Suggestion>> Suggest(std::string_view text, std::string_view market,
                                                  size_t limit) = 0;

  virtual Result<int64_t> DocumentCount() = 0;
};

struct XapianOptions {
  // Parallel readers kept open for searches. Default: 8.
  int readers = 8;
  // Documents counted for facets (and examined at least: Xapian's check_at_least). Counts are
  // exact for queries with fewer matches; above, they count the most popular this many.
  int64_t facet_sample = 500;
  // Candidates one kind's match may examine before it stops (Elasticsearch's terminate_after);
  // documents are written most popular first, so a query matching more ranks the most popular
  // of its matches. Totals are estimates beyond it.
  int64_t match_budget = 4'000;
  // The static tier: a query whose rarest word is in more documents than this searches only
  // the most popular documents, as many as keep that word's list about this long.
  int64_t tier_postings = 8'000;
  // The memory cache of the newest index revision (docs/decisions/0011-search.md): terms (and a
  // filter's terms together) in at least this many documents are searched from in-memory lists
  // (bitmaps, or sorted ids when sparse), and document lengths, popularity and facet values are
  // read from memory; built by a background thread, rebuilt after commits (at most once per 5 s),
  // never waited for; answers are the same with it off. 0 disables it.
  int64_t cache_min_docs = 1'000;
  // Bytes of term lists the cache may hold (columns come on top: ~30 bytes per document).
  int64_t cache_max_bytes = 128 << 20;
  // Builds items in the query that misses them instead of in the background (tests).
  bool cache_inline = false;
  // Opens read-only (tools such as the benchmark's peer runs share the directory).
  bool read_only = false;
};

// Opens (or creates) the Xapian database in `dir`. Errors: kFailedPrecondition when another
// process holds the write lock (a running server); kUnavailable for I/O and corruption.
Result<std::unique_ptr<SearchIndex>> OpenXapianIndex(const std::string& dir,
                                                     const XapianOptions& options = {});

}  // namespace sonora::search
