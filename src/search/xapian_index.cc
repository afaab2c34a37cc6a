// The local search index on Xapian: the only file that includes xapian.h (STYLE.md 3.2).
//
// Terms (prefixes are single capitals, the word follows folded by text.h):
//   N name words (title, artists, album; field weight as wdf)
//   L lyrics, description (wdf 0: a flat weight per word, see TextQuery)
//   P edge n-grams of the name words, for as-you-type prefixes
//   X the whole folded name (exact-match boost)      Q unique id
//   K kind   G genre   R artist id   M! restricted + M<country> where sold   E1 explicit
//   Y release year
// Value slots: see kSlot* below. The document data holds the fields highlights are cut from.
// docs/formats/search-index.md describes the layout; docs/decisions/0011-search.md the ranking
// and the memory cache (IndexCache below) that keeps the newest revision's long lists, document
// lengths, popularity and facet values in memory for the p99 target.
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "core/strings.h"
#include "search/search_index.h"
#include "search/text.h"

namespace sonora::search {

namespace {

constexpr Xapian::valueno kSlotYear = 0;        // sortable_serialise(year)
constexpr Xapian::valueno kSlotDuration = 1;    // sortable_serialise(duration_ms)
constexpr Xapian::valueno kSlotPopularity = 2;  // sortable_serialise(0..kMaxPopularityWeight)
constexpr Xapian::valueno kSlotGenres = 3;      // genres as written, '\x1f'-joined
constexpr Xapian::valueno kSlotArtists = 4;     // artist names as written, '\x1f'-joined
constexpr Xapian::valueno kSlotArtistIds = 5;   // artist ids, '\x1f'-joined
constexpr Xapian::valueno kSlotYearText = 6;    // "1997"

// Field weights, seed 004 §3: title^3 artist^2 album^1.5 lyrics^1. Title, artist and album
// words share one term list ("N") with the weights carried as within-document frequencies
// (6, 4, 3: the same ratios in integers), so a query word costs one posting list, not one per
// field; BM25's k1 is raised so those frequencies are not flattened by saturation. Lyrics and
// descriptions keep their own list ("L"), written with wdf 0 so that they add nothing to the
// document length BM25 normalises names by (a track's lyrics are hundreds of words: counted,
// they would sink every track that has lyrics below every track that has none for a title
// word). A text word instead scores a flat kTextScale x its idf (TextQuery), about a tenth of
// the same word in a title.
constexpr Xapian::termcount kTitleWdf = 6;
constexpr Xapian::termcount kArtistWdf = 4;
constexpr Xapian::termcount kAlbumWdf = 3;
constexpr double kTextScale = 0.5;
constexpr double kBm25K1 = 20.0;
constexpr double kBm25B = 0.5;           // length normalisation
constexpr double kBm25MinNormLen = 0.5;  // Xapian's default floor on normalised length
// Year ranges up to this many years filter on Y terms; longer ones on the year value.
constexpr int kMaxYearTerms = 30;
// Exact words above typo corrections above bare prefix completions (issue 6).
constexpr double kFuzzyScale = 0.5;
constexpr double kExactNameWeight = 2.0;
constexpr size_t kMaxFuzzyCandidates = 4;
// As-you-type completion uses edge n-grams written at index time ("P" + the first 1..10
// letters of every name word), so a prefix costs one posting list instead of a wildcard
// expansion over many terms (docs/decisions/0011-search.md measures the difference).
constexpr size_t kMaxPrefixLetters = 10;
constexpr size_t kMaxExactTermBytes = 200;
constexpr size_t kLyricsFragment = 100;  // seed 004 §3: lyrics fragment_size 100

constexpr char kListSep = '\x1f';
constexpr char kFieldSep = '\x1e';
constexpr const char* kSchemaKey = "sonora.schema";
constexpr const char* kSchemaVersion = "1";

std::string KindTerm(DocKind k) { return "K" + std::string(KindName(k)); }

// `s` with the two separator bytes of the stored data made spaces, so a name that holds them
// (nothing stops a tag from it) stays one field and one list item.
std::string WithoutSeparators(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == kListSep || c == kFieldSep) c = ' ';
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(kListSep);
    out += WithoutSeparators(v[i]);
  }
  return out;
}

std::vector<std::string> SplitList(const std::string& s) {
  if (s.empty()) return {};
  return Split(s, kListSep);
}

// The fields kept in the document data, for hits and highlights.
struct Stored {
  std::string id, name, artists, album, text, payload;
};

// The first kMaxTextBytes of `text`, ending on a whole UTF-8 sequence.
std::string_view TextToIndex(const std::string& text) { return Utf8Prefix(text, kMaxTextBytes); }

std::string EncodeStored(const SearchDocument& d) {
  const std::string text = WithoutSeparators(TextToIndex(d.text));
  return WithoutSeparators(d.id) + kFieldSep + WithoutSeparators(d.name) + kFieldSep +
         JoinList(d.artist_names) + kFieldSep + WithoutSeparators(d.album_title) + kFieldSep +
         text + kFieldSep + d.payload;
}

Stored DecodeStored(const std::string& data) {
  auto parts = Split(data, kFieldSep);
  parts.resize(6);
  return {parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]};
}

// The first kMaxPrefixLetters letters of `word` (whole UTF-8 sequences).
std::string PrefixKey(const std::string& word) {
  size_t letters = 0, i = 0;
  for (; i < word.size(); ++i) {
    if ((static_cast<unsigned char>(word[i]) & 0xC0) == 0x80) continue;
    if (letters++ == kMaxPrefixLetters) break;
  }
  return word.substr(0, i);
}

// Every prefix of `word` of 1..kMaxPrefixLetters letters, the word itself included.
std::vector<std::string> EdgePrefixes(const std::string& word) {
  std::vector<std::string> out;
  size_t letters = 0;
  for (size_t i = 1; i <= word.size() && letters < kMaxPrefixLetters; ++i) {
    if (i < word.size() && (static_cast<unsigned char>(word[i]) & 0xC0) == 0x80) continue;
    out.push_back(word.substr(0, i));
    ++letters;
  }
  return out;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// The words a query matched with, for highlighting.
struct MatchWords {
  std::unordered_set<std::string> words;  // exact and typo-corrected words
  std::string prefix;                     // the last word, completed as-you-type
  bool Matches(const std::string& w) const {
    if (words.count(w)) return true;
    return !prefix.empty() && w.size() >= prefix.size() && w.compare(0, prefix.size(), prefix) == 0;
  }
};

// Wraps matched words of `text` in <em>; "" when nothing matched. With `window`, cuts a
// fragment of about that many bytes around the first match.
std::string HighlightText(const std::string& text, const MatchWords& m, size_t window) {
  auto tokens = Tokenize(text);
  std::vector<const Token*> hits;
  for (const auto& t : tokens) {
    if (m.Matches(t.word)) hits.push_back(&t);
  }
  if (hits.empty()) return "";
  size_t begin = 0, end = text.size();
  if (window > 0 && text.size() > window) {
    begin = hits.front()->begin > window / 3 ? hits.front()->begin - window / 3 : 0;
    end = std::min(text.size(), begin + window);
    // Snap to token edges so no UTF-8 sequence is cut.
    for (const auto& t : tokens) {
      if (t.begin < begin && t.end > begin) begin = t.begin;
      if (t.begin < end && t.end > end) end = t.end;
    }
    while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) --begin;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  }
  std::string out;
  if (begin > 0) out += "…";
  size_t pos = begin;
  for (const Token* t : hits) {
    if (t->begin < begin || t->end > end) continue;
    out += HtmlEscape(text.substr(pos, t->begin - pos));
    out += "<em>" + HtmlEscape(text.substr(t->begin, t->end - t->begin)) + "</em>";
    pos = t->end;
  }
  out += HtmlEscape(text.substr(pos, end - pos));
  if (end < text.size()) out += "…";
  return out;
}

// A work budget for the matcher, like Elasticsearch's terminate_after: a filter that matches
// every document but reports its end once the match has offered it `budget` candidates, which
// ends the AND it sits in. Rebuilds write documents most popular first, so the candidates a
// very common query ranks are the most popular matches. Queries with fewer matches than the
// budget are exact.
//
// It also applies the static tier: with `tier` < 1, only the first `tier` share of document
// ids (the most popular documents) is searched. Run() lowers the tier for queries made only of
// very common words, whose intersections would otherwise be walked in full.
class BudgetSource : public Xapian::PostingSource {
 public:
  BudgetSource(Xapian::doccount budget, double tier) : budget_(budget), tier_(tier) {}
  void init(const Xapian::Database& db) override {
    last_ = db.get_lastdocid();
    if (tier_ < 1.0) {
      last_ = std::max<Xapian::docid>(1, static_cast<Xapian::docid>(last_ * tier_));
    }
    total_ = db.get_doccount();
    current_ = 0;
    seen_ = 0;
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return total_; }
  Xapian::doccount get_termfreq_max() const override { return total_; }
  Xapian::docid get_docid() const override { return current_; }
  void next(double) override { Advance(current_ + 1); }
  void skip_to(Xapian::docid did, double) override { Advance(std::max(did, current_ + 1)); }
  bool check(Xapian::docid did, double) override {
    Advance(std::max(did, current_));
    return true;
  }
  bool at_end() const override { return current_ > last_ || seen_ > budget_; }
  std::string name() const override { return "sonora.BudgetSource"; }
  bool exhausted() const { return seen_ > budget_; }

 private:
  void Advance(Xapian::docid did) {
    current_ = did;
    ++seen_;
  }
  const Xapian::doccount budget_;
  const double tier_;
  Xapian::docid last_ = 0, current_ = 0;
  Xapian::doccount total_ = 0, seen_ = 0;
};

// The in-memory cache of one index revision (docs/decisions/0011-search.md, "Memory cache").
// Xapian reads posting lists, document lengths and values from disk blocks on every candidate;
// for a query whose few thousand candidates are spread over a million documents that meant
// decoding most of the longest lists each time. Measured on 1,000,000 tracks ("scream love":
// "scream" in 5,500 documents, "love" in 620,000): 14 ms of CPU, of which ~4 ms reading the
// popularity values, ~3 ms the facet values, ~2 ms document lengths and most of the rest
// skipping through the "love" lists. The cache holds, for the newest revision:
//   - hot lists: a term in at least min_docs documents as a bitmap, plus each document's wdf
//     for weighted terms;
//   - document lengths (BM25 on hot lists), the popularity boost, and the facet values.
// Items are built by one background thread, asked for by the queries that miss them; a query
// never waits for a build, it reads Xapian's own lists until the item is there. Items asked for
// once are rebuilt after every commit (a new revision), so the working set survives writes.

// A term's postings, dense or sparse: a bitmap (bit d set when document d holds the term) for
// terms in at least 1/32 of the documents, else the sorted document ids. Weighted terms also
// keep each holder's wdf in document order (`rank` finds a holder's position in a bitmap).
struct HotList {
  bool dense = false;
  std::vector<uint64_t> bits;         // dense
  std::vector<uint32_t> rank;         // dense and weighted: holders before each word of bits
  std::vector<Xapian::docid> docids;  // sparse
  std::vector<uint8_t> wdf;           // weighted: min(wdf, 255) of each holder
  Xapian::docid last = 0;             // the index's last document id when built
  Xapian::doccount count = 0;
  Xapian::termcount max_wdf = 0;
  bool weighted = false;

  size_t Bytes() const {
    return bits.size() * 8 + rank.size() * 4 + docids.size() * 4 + wdf.size();
  }
};

// Document lengths by id (BM25's length normalisation for hot lists).
struct DocLengths {
  std::vector<uint32_t> length;
  Xapian::termcount min_length = 0;
};

// The popularity boost of every document (kSlotPopularity decoded), NaN where a document has
// none.
struct PopularityColumn {
  std::vector<float> boost;
  float max_boost = 0;
};

// Facet values by document: document d's values are ids[start[d] .. start[d + 1]) into
// FacetColumns::values.
struct FacetColumn {
  std::vector<uint32_t> start;
  std::vector<uint32_t> ids;
};
struct FacetColumns {
  std::vector<std::string> values;  // interned, shared by the three columns
  FacetColumn genres, artists, years;
};

class IndexCache {
 public:
  static constexpr std::chrono::seconds kRebuildPause{5};
  // Starts and separates the terms of a Union's key (no term contains it).
  static constexpr char kUnionMark = '\x1d';

  IndexCache(std::string dir, Xapian::doccount min_docs, size_t max_bytes, bool inline_builds)
      : dir_(std::move(dir)), min_docs_(min_docs), max_bytes_(max_bytes), inline_(inline_builds) {
    if (enabled() && !inline_) builder_ = std::thread([this] { Loop(); });
  }
  ~IndexCache() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (builder_.joinable()) builder_.join();
  }
  IndexCache(const IndexCache&) = delete;
  IndexCache& operator=(const IndexCache&) = delete;

  bool enabled() const { return min_docs_ > 0; }

  // The in-memory list of `term` at `db`'s revision, or null: the term is in fewer than
  // min_docs documents (Xapian's list is cheap enough), or the list is not built (yet).
  std::shared_ptr<const HotList> List(const Xapian::Database& db, const std::string& term,
                                      bool weighted) {
    if (!enabled() || db.get_termfreq(term) < min_docs_) return nullptr;
    return Lookup<HotList>(db, [&](Items& items) -> std::shared_ptr<const HotList>& {
      auto& slot = items.lists[term];
      if (slot && weighted && !slot->weighted) slot.reset();  // rebuild with wdf
      if (!slot) wanted_lists_[term] = wanted_lists_[term] || weighted;
      return slot;
    });
  }
  // The documents holding any of `terms` (a filter's years or genres) as one boolean list,
  // or null as for List.
  std::shared_ptr<const HotList> Union(const Xapian::Database& db,
                                       const std::vector<std::string>& terms) {
    if (!enabled()) return nullptr;
    Xapian::doccount total = 0;
    std::string key(1, kUnionMark);
    for (const auto& t : terms) {
      total += db.get_termfreq(t);
      key += t + kUnionMark;
    }
    if (total < min_docs_) return nullptr;
    return Lookup<HotList>(db, [&](Items& items) -> std::shared_ptr<const HotList>& {
      auto& slot = items.lists[key];
      if (!slot) wanted_lists_[key] = false;
      return slot;
    });
  }
  std::shared_ptr<const DocLengths> Lengths(const Xapian::Database& db) {
    return Lookup<DocLengths>(db, [&](Items& items) -> std::shared_ptr<const DocLengths>& {
      want_lengths_ = true;
      return items.lengths;
    });
  }
  std::shared_ptr<const PopularityColumn> Popularity(const Xapian::Database& db) {
    return Lookup<PopularityColumn>(db,
                                    [&](Items& items) -> std::shared_ptr<const PopularityColumn>& {
                                      want_popularity_ = true;
                                      return items.popularity;
                                    });
  }
  std::shared_ptr<const FacetColumns> Facets(const Xapian::Database& db) {
    return Lookup<FacetColumns>(db, [&](Items& items) -> std::shared_ptr<const FacetColumns>& {
      want_facets_ = true;
      return items.facets;
    });
  }

 private:
  struct Items {
    std::unordered_map<std::string, std::shared_ptr<const HotList>> lists;
    std::shared_ptr<const DocLengths> lengths;
    std::shared_ptr<const PopularityColumn> popularity;
    std::shared_ptr<const FacetColumns> facets;
    size_t bytes = 0;
  };

  // The item `pick` selects for db's revision; a miss is recorded (by `pick`) and, unless
  // builds are inline, handed to the builder.
  template <typename T, typename Pick>
  std::shared_ptr<const T> Lookup(const Xapian::Database& db, Pick pick) {
    if (!enabled()) return nullptr;
    const Xapian::rev rev = db.get_revision();
    {
      std::lock_guard lock(mu_);
      if (rev < revision_) return nullptr;  // an older reader: Xapian's lists
      if (rev > revision_) {
        if (!inline_) {
          pick(items_);  // records the wish; the stale item itself is not used
          Wake();        // the builder reopens and moves forward
          return nullptr;
        }
        MoveTo(rev);
      }
      auto& slot = pick(items_);
      if (slot) return slot;
      if (!inline_) {
        Wake();
        return nullptr;
      }
    }
    BuildWanted(db);  // inline: build now, in this query
    std::lock_guard lock(mu_);
    if (revision_ != rev) return nullptr;
    return pick(items_);
  }

  // Requires mu_.
  void Wake() {
    if (pending_) return;
    pending_ = true;
    cv_.notify_one();
  }

  // Forgets the items of the old revision; what was wanted is wanted again.
  void MoveTo(Xapian::rev rev) {
    revision_ = rev;
    items_ = Items{};
  }

  // The builder: sleeps until a query misses, then reopens the index at its newest revision and
  // builds what is wanted. Moving to a new revision rebuilds everything wanted, so after one it
  // rests kRebuildPause before moving again: a burst of commits (an ingest) costs at most one
  // rebuild per pause, and queries read Xapian's lists meanwhile.
  void Loop() {
    std::optional<Xapian::Database> db;
    auto last_move = std::chrono::steady_clock::now() - kRebuildPause;
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || pending_; });
      if (stop_) break;
      pending_ = false;
      lock.unlock();
      try {
        if (!db) {
          db.emplace(dir_);
        } else {
          db->reopen();
        }
        bool move = false;
        {
          std::lock_guard relock(mu_);
          move = db->get_revision() > revision_ || !started_;
        }
        if (move) {
          // A new revision: rebuild everything wanted, but not sooner than kRebuildPause after
          // the last move; queries read Xapian's lists meanwhile.
          const auto rest = last_move + kRebuildPause - std::chrono::steady_clock::now();
          if (rest > std::chrono::steady_clock::duration::zero()) {
            std::unique_lock pause(mu_);
            if (cv_.wait_for(pause, rest, [&] { return stop_; })) break;
            pause.unlock();
            db->reopen();
          }
          std::lock_guard relock(mu_);
          MoveTo(db->get_revision());
          started_ = true;
          last_move = std::chrono::steady_clock::now();
        }
        BuildWanted(*db);
      } catch (const Xapian::Error&) {
        db.reset();  // modified or unreadable: queries keep using Xapian; retried on next miss
      }
      lock.lock();
    }
  }

  // Builds every wanted item missing at db's revision (dropped if the revision moves meanwhile).
  void BuildWanted(const Xapian::Database& db) {
    const Xapian::rev rev = db.get_revision();
    std::vector<std::pair<std::string, bool>> lists;
    bool lengths = false, popularity = false, facets = false;
    {
      std::lock_guard lock(mu_);
      if (rev != revision_) return;
      for (const auto& [term, weighted] : wanted_lists_) {
        auto it = items_.lists.find(term);
        if (it == items_.lists.end() || !it->second || (weighted && !it->second->weighted))
          lists.emplace_back(term, weighted);
      }
      lengths = want_lengths_ && !items_.lengths;
      popularity = want_popularity_ && !items_.popularity;
      facets = want_facets_ && !items_.facets;
    }
    auto keep = [&](auto build, auto store) {
      auto item = build();
      std::lock_guard lock(mu_);
      if (rev == revision_) store(std::move(item));
    };
    if (popularity) {
      keep([&] { return BuildPopularity(db); },
           [&](auto item) {
             items_.bytes += item->boost.size() * sizeof(float);
             items_.popularity = std::move(item);
           });
    }
    if (lengths) {
      keep([&] { return BuildLengths(db); },
           [&](auto item) {
             items_.bytes += item->length.size() * sizeof(uint32_t);
             items_.lengths = std::move(item);
           });
    }
    if (facets) {
      keep([&] { return BuildFacets(db); },
           [&](auto item) {
             items_.bytes += (item->genres.ids.size() + item->artists.ids.size() +
                              item->years.ids.size() + 3 * item->genres.start.size()) *
                             sizeof(uint32_t);
             items_.facets = std::move(item);
           });
    }
    for (const auto& [term, weighted] : lists) {
      {
        std::lock_guard lock(mu_);
        if (items_.bytes >= max_bytes_) break;  // full until the next revision
      }
      keep(
          [&] {
            return term[0] == kUnionMark ? BuildUnion(db, term) : BuildList(db, term, weighted);
          },
          [&](auto item) {
            items_.bytes += item->Bytes();
            items_.lists[term] = std::move(item);
          });
    }
  }

  static std::shared_ptr<const HotList> BuildList(const Xapian::Database& db,
                                                  const std::string& term, bool weighted) {
    auto list = std::make_shared<HotList>();
    list->weighted = weighted;
    const Xapian::docid last = db.get_lastdocid();
    list->last = last;
    list->dense = static_cast<uint64_t>(db.get_termfreq(term)) * 32 >= last;
    if (list->dense) list->bits.assign(last / 64 + 1, 0);
    if (list->dense && weighted) list->rank.assign(last / 64 + 1, 0);
    if (!list->dense) list->docids.reserve(db.get_termfreq(term));
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
      const Xapian::docid did = *it;
      if (did > last) break;  // cannot happen within one revision; keeps the bitmap in range
      if (list->dense) {
        list->bits[did / 64] |= uint64_t{1} << (did % 64);
      } else {
        list->docids.push_back(did);
      }
      if (weighted) {
        const Xapian::termcount wdf = std::min<Xapian::termcount>(it.get_wdf(), 255);
        list->wdf.push_back(static_cast<uint8_t>(wdf));
        list->max_wdf = std::max(list->max_wdf, wdf);
      }
      ++list->count;
    }
    if (list->dense && weighted) {
      uint32_t before = 0;
      for (size_t w = 0; w < list->bits.size(); ++w) {
        list->rank[w] = before;
        before += static_cast<uint32_t>(__builtin_popcountll(list->bits[w]));
      }
    }
    return list;
  }

  // A Union key back into its terms, and their documents as one boolean list.
  static std::shared_ptr<const HotList> BuildUnion(const Xapian::Database& db,
                                                   const std::string& key) {
    auto list = std::make_shared<HotList>();
    const Xapian::docid last = db.get_lastdocid();
    list->last = last;
    std::vector<Xapian::docid> ids;
    for (const auto& term : Split(key.substr(1), kUnionMark, true)) {
      for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
        if (*it <= last) ids.push_back(*it);
      }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    list->count = static_cast<Xapian::doccount>(ids.size());
    list->dense = static_cast<uint64_t>(ids.size()) * 32 >= last;
    if (list->dense) {
      list->bits.assign(last / 64 + 1, 0);
      for (Xapian::docid did : ids) list->bits[did / 64] |= uint64_t{1} << (did % 64);
    } else {
      list->docids = std::move(ids);
    }
    return list;
  }

  static std::shared_ptr<const DocLengths> BuildLengths(const Xapian::Database& db) {
    auto lengths = std::make_shared<DocLengths>();
    lengths->length.assign(db.get_lastdocid() + 1, 0);
    lengths->min_length = db.get_doclength_lower_bound();
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      if (*it < lengths->length.size()) lengths->length[*it] = it.get_doclength();
    }
    return lengths;
  }

  static std::shared_ptr<const PopularityColumn> BuildPopularity(const Xapian::Database& db) {
    auto column = std::make_shared<PopularityColumn>();
    column->boost.assign(db.get_lastdocid() + 1, std::numeric_limits<float>::quiet_NaN());
    for (auto it = db.valuestream_begin(kSlotPopularity); it != db.valuestream_end(kSlotPopularity);
         ++it) {
      if (it.get_docid() >= column->boost.size()) break;
      const auto v = static_cast<float>(Xapian::sortable_unserialise(*it));
      column->boost[it.get_docid()] = v;
      column->max_boost = std::max(column->max_boost, v);
    }
    return column;
  }

  static std::shared_ptr<const FacetColumns> BuildFacets(const Xapian::Database& db) {
    auto columns = std::make_shared<FacetColumns>();
    std::unordered_map<std::string, uint32_t> ids;
    const Xapian::docid last = db.get_lastdocid();
    auto fill = [&](Xapian::valueno slot, bool list, FacetColumn& out) {
      out.start.assign(last + 2, 0);
      Xapian::docid next = 0;  // documents before this have their start set
      for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
        const Xapian::docid did = it.get_docid();
        if (did > last) break;
        for (; next <= did; ++next) out.start[next] = static_cast<uint32_t>(out.ids.size());
        std::vector<std::string> values = list ? SplitList(*it) : std::vector<std::string>{*it};
        for (auto& v : values) {
          if (v.empty()) continue;
          auto [pos, added] = ids.emplace(v, static_cast<uint32_t>(columns->values.size()));
          if (added) columns->values.push_back(std::move(v));
          out.ids.push_back(pos->second);
        }
      }
      for (; next <= last + 1; ++next) out.start[next] = static_cast<uint32_t>(out.ids.size());
    };
    fill(kSlotGenres, true, columns->genres);
    fill(kSlotArtists, true, columns->artists);
    fill(kSlotYearText, false, columns->years);
    return columns;
  }

  const std::string dir_;
  const Xapian::doccount min_docs_;
  const size_t max_bytes_;
  const bool inline_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;         // guarded by mu_
  bool pending_ = false;      // a query missed since the builder last looked; guarded by mu_
  bool started_ = false;      // the builder has moved to a revision once; guarded by mu_
  Xapian::rev revision_ = 0;  // of items_; guarded by mu_
  Items items_;               // guarded by mu_
  // What queries asked for (term -> weighted), kept across revisions; guarded by mu_.
  std::unordered_map<std::string, bool> wanted_lists_;
  bool want_lengths_ = false, want_popularity_ = false, want_facets_ = false;  // guarded by mu_
  std::thread builder_;  // last: starts after the members it reads
};

// Counts genres, artists and release years over the first `sample` documents the match looks
// at. The matcher offers candidates in document id order, which is most popular first after a
// rebuild, so above the sample the counts are those of the most popular matches. Each counted
// document costs three value reads from disk (counting every candidate of a common word cost
// ~3 ms per query) unless the memory cache has the facet columns: then the spy only notes the
// document ids and Count() reads the columns.
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(Xapian::doccount sample, std::shared_ptr<const FacetColumns> columns)
      : sample_(sample), columns_(std::move(columns)) {}
  void operator()(const Xapian::Document& doc, double) override {
    if (counted >= sample_) {
      ++skipped;
      return;
    }
    ++counted;
    if (columns_) {
      docids_.push_back(doc.get_docid());
      return;
    }
    for (const auto& g : SplitList(doc.get_value(kSlotGenres))) ++genres[g];
    for (const auto& a : SplitList(doc.get_value(kSlotArtists))) ++artists[a];
    std::string y = doc.get_value(kSlotYearText);
    if (!y.empty()) ++years[y];
  }
  std::string name() const override { return "sonora.FacetSpy"; }

  // Fills genres, artists and years from the columns for the documents noted (no-op without).
  void Count() {
    if (!columns_) return;
    auto count = [&](const FacetColumn& column, std::unordered_map<std::string, int64_t>& out) {
      std::unordered_map<uint32_t, int64_t> by_id;
      for (Xapian::docid did : docids_) {
        if (did + 1 >= column.start.size()) continue;  // newer than the columns
        for (uint32_t i = column.start[did]; i < column.start[did + 1]; ++i) ++by_id[column.ids[i]];
      }
      for (const auto& [id, n] : by_id) out[columns_->values[id]] += n;
    };
    count(columns_->genres, genres);
    count(columns_->artists, artists);
    count(columns_->years, years);
  }

  static std::vector<FacetCount> Top(const std::unordered_map<std::string, int64_t>& m, size_t n) {
    std::vector<FacetCount> v;
    for (const auto& [value, count] : m) v.push_back({value, count});
    std::sort(v.begin(), v.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (v.size() > n) v.resize(n);
    return v;
  }

  std::unordered_map<std::string, int64_t> genres, artists, years;
  Xapian::doccount counted = 0, skipped = 0;

 private:
  const Xapian::doccount sample_;
  const std::shared_ptr<const FacetColumns> columns_;
  std::vector<Xapian::docid> docids_;
};
constexpr size_t kFacetValues = 10;  // buckets per facet (ES terms aggregation default)

// BM25's parameters as Sonora uses them (k1 raised so field weights carried as wdf survive
// saturation; see kBm25K1), shared by Xapian's BM25Weight and the hot-list source below.
struct Bm25 {
  double k1, b, min_normlen;
};

// BM25's inverse document frequency as Xapian's BM25Weight computes it, for a term in `n` of
// `total` documents.
double Bm25Idf(double total, double n) {
  double tw = (total - n + 0.5) / (n + 0.5);
  if (tw < 2) tw = tw * 0.5 + 1;  // Xapian's floor: common terms keep a small weight
  return std::log(tw);
}

// A hot list as a posting source. Weighted lists score each document with the same BM25
// formula Xapian's BM25Weight applies to the on-disk list (idf from the term's document count,
// length normalised by the average length), so a query ranks the same with or without the cache
// (tests/search/cache_test.cc compares hits and scores).
class HotSource : public Xapian::PostingSource {
 public:
  HotSource(std::shared_ptr<const HotList> list, std::shared_ptr<const DocLengths> lengths,
            Bm25 bm25)
      : list_(std::move(list)), lengths_(std::move(lengths)), bm25_(bm25) {}

  void init(const Xapian::Database& db) override {
    last_ = list_->last;
    current_ = 0;
    pos_ = 0;
    termweight_ = 0;
    if (list_->weighted && lengths_) {
      // Query-side factor (k3 + 1) * wqf / (k3 + wqf) with k3 = 1 is 1: Xapian gives every leaf of
      // the query wqf 1, also when a word repeats ("love love lips"; cache_test checks).
      termweight_ = Bm25Idf(db.get_doccount(), list_->count);
      const double avg = db.get_avlength();
      inv_avg_ = avg > 0 ? 1.0 / avg : 0;
      // Upper bound: the largest wdf in the shortest document.
      set_maxweight(Weigh(list_->max_wdf, lengths_->min_length));
    } else {
      set_maxweight(0);
    }
  }
  Xapian::doccount get_termfreq_min() const override { return list_->count; }
  Xapian::doccount get_termfreq_est() const override { return list_->count; }
  Xapian::doccount get_termfreq_max() const override { return list_->count; }
  Xapian::docid get_docid() const override { return current_; }
  double get_weight() const override {
    if (termweight_ == 0) return 0;
    return Weigh(list_->wdf[WdfIndex()], lengths_->length[current_]);
  }
  void next(double) override { current_ = NextFrom(current_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    if (did > current_) current_ = NextFrom(did);
  }
  // check() is PostingSource's default: skip_to, which a bitmap or a gallop answers cheaply.
  bool at_end() const override { return current_ > last_; }
  std::string name() const override { return "sonora.HotSource"; }

 private:
  // The position of the current document's wdf.
  size_t WdfIndex() const {
    if (!list_->dense) return pos_;
    const uint64_t below = list_->bits[current_ / 64] & ((uint64_t{1} << (current_ % 64)) - 1);
    return list_->rank[current_ / 64] + static_cast<size_t>(__builtin_popcountll(below));
  }
  // The first document >= did holding the term, or last_ + 1. Sparse lists gallop forward from
  // the current position (candidates arrive in increasing order).
  Xapian::docid NextFrom(Xapian::docid did) {
    if (did > last_) return last_ + 1;
    if (!list_->dense) {
      const auto& ids = list_->docids;
      size_t lo = pos_, step = 1, hi = pos_;
      while (hi < ids.size() && ids[hi] < did) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      hi = std::min(hi, ids.size());
      pos_ =
          static_cast<size_t>(std::lower_bound(ids.begin() + static_cast<std::ptrdiff_t>(lo),
                                               ids.begin() + static_cast<std::ptrdiff_t>(hi), did) -
                              ids.begin());
      return pos_ < ids.size() ? ids[pos_] : last_ + 1;
    }
    size_t word = did / 64;
    uint64_t bits = list_->bits[word] & (~uint64_t{0} << (did % 64));
    while (bits == 0) {
      if (++word == list_->bits.size()) return last_ + 1;
      bits = list_->bits[word];
    }
    return static_cast<Xapian::docid>(word * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
  }
  double Weigh(Xapian::termcount wdf, Xapian::termcount length) const {
    if (wdf == 0) return 0;
    const double normlen = std::max(length * inv_avg_, bm25_.min_normlen);
    const double k = bm25_.k1 * (normlen * bm25_.b + (1 - bm25_.b));
    return termweight_ * wdf * (bm25_.k1 + 1) / (k + wdf);
  }

  const std::shared_ptr<const HotList> list_;
  const std::shared_ptr<const DocLengths> lengths_;
  const Bm25 bm25_;
  Xapian::docid last_ = 0, current_ = 0;
  size_t pos_ = 0;  // sparse: index of current_ in list_->docids
  double termweight_ = 0, inv_avg_ = 0;
};

// The popularity boost from the in-memory column: the documents with a value, weighted by it
// (what Xapian's ValueWeightPostingSource does from disk).
class PopularitySource : public Xapian::PostingSource {
 public:
  explicit PopularitySource(std::shared_ptr<const PopularityColumn> column)
      : column_(std::move(column)) {}
  void init(const Xapian::Database&) override {
    current_ = 0;
    set_maxweight(column_->max_boost);
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override {
    return static_cast<Xapian::doccount>(column_->boost.size());
  }
  Xapian::doccount get_termfreq_max() const override {
    return static_cast<Xapian::doccount>(column_->boost.size());
  }
  Xapian::docid get_docid() const override { return current_; }
  double get_weight() const override { return column_->boost[current_]; }
  void next(double) override { current_ = NextFrom(current_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    if (did > current_) current_ = NextFrom(did);
  }
  bool at_end() const override { return current_ >= column_->boost.size(); }
  std::string name() const override { return "sonora.PopularitySource"; }

 private:
  Xapian::docid NextFrom(Xapian::docid did) const {
    while (did < column_->boost.size() && std::isnan(column_->boost[did])) ++did;
    return did;
  }
  const std::shared_ptr<const PopularityColumn> column_;
  Xapian::docid current_ = 0;
};

Status FromXapian(const Xapian::Error& e) {
  return Status::Unavailable(std::string("search index: ") + e.get_type() + ": " + e.get_msg());
}

class XapianIndex final : public SearchIndex {
 public:
  XapianIndex(std::string dir, XapianOptions options)
      : dir_(std::move(dir)),
        options_(options),
        cache_(dir_, static_cast<Xapian::doccount>(std::max<int64_t>(0, options.cache_min_docs)),
               static_cast<size_t>(std::max<int64_t>(0, options.cache_max_bytes)),
               options.cache_inline) {}

  Status Open() {
    try {
      if (!options_.read_only) {
        writer_.emplace(dir_, Xapian::DB_CREATE_OR_OPEN);
        if (writer_->get_metadata(kSchemaKey).empty()) {
          writer_->set_metadata(kSchemaKey, kSchemaVersion);
          writer_->commit();
        }
      }
      Xapian::Database db(dir_);
      LoadDictionary(db);
      readers_.push_back(std::make_unique<Reader>(Reader{std::move(db), 0}));
    } catch (const Xapian::DatabaseLockError& e) {
      return Status::FailedPrecondition(
          "index_locked",
          "the search index at " + dir_ + " is held by another process (a running server?)");
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
    return Status();
  }

  Status Put(const SearchDocument& d) override {
    if (!writer_)
      return Status::FailedPrecondition("read_only", "the search index is open read-only");
    Xapian::Document doc;
    const std::string kind(KindName(d.kind));
    std::vector<std::string> names;  // words the fuzzy dictionary learns at commit
    auto add_names = [&](const std::string& text, Xapian::termcount wdf) {
      for (auto& w : Words(text)) {
        doc.add_term("N" + w, wdf);
        for (const auto& p : EdgePrefixes(w)) doc.add_boolean_term("P" + p);
        names.push_back(std::move(w));
      }
    };
    add_names(d.name, kTitleWdf);
    for (const auto& a : d.artist_names) add_names(a, kArtistWdf);
    add_names(d.album_title, kAlbumWdf);
    for (const auto& w : Words(TextToIndex(d.text))) doc.add_term("L" + w, 0);
    std::string exact = Join(Words(d.name), " ");
    if (!exact.empty()) doc.add_boolean_term("X" + exact.substr(0, kMaxExactTermBytes));
    doc.add_boolean_term("Q" + d.id);
    doc.add_boolean_term(KindTerm(d.kind));
    std::vector<std::string> genres;  // as written, for facets
    for (const auto& g : d.genres) {
      std::string f = Join(Words(g), " ");
      if (f.empty()) continue;
      doc.add_boolean_term("G" + f.substr(0, kMaxExactTermBytes));
      genres.push_back(g);
    }
    for (const auto& a : d.artist_ids) doc.add_boolean_term("R" + a);
    if (!d.markets.empty()) {  // restricted: sold only where an M term says
      doc.add_boolean_term("M!");
      for (const auto& m : d.markets) doc.add_boolean_term("M" + ToUpper(m));
    }
    if (d.explicit_content) doc.add_boolean_term("E1");
    if (d.year > 0) {
      doc.add_boolean_term("Y" + std::to_string(d.year));
      doc.add_value(kSlotYear, Xapian::sortable_serialise(d.year));
      doc.add_value(kSlotYearText, std::to_string(d.year));
    }
    if (d.duration_ms > 0) {
      doc.add_value(kSlotDuration, Xapian::sortable_serialise(static_cast<double>(d.duration_ms)));
    }
    const double pop = std::clamp(d.popularity, 0, 100) / 100.0 * kMaxPopularityWeight;
    doc.add_value(kSlotPopularity, Xapian::sortable_serialise(pop));
    doc.add_value(kSlotGenres, JoinList(genres));
    doc.add_value(kSlotArtists, JoinList(d.artist_names));
    doc.add_value(kSlotArtistIds, JoinList(d.artist_ids));
    doc.set_data(EncodeStored(d));
    try {
      std::lock_guard lock(write_mu_);
      writer_->replace_document("Q" + d.id, doc);
      pending_words_.insert(pending_words_.end(), names.begin(), names.end());
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
    return Status();
  }

  Status Remove(DocKind, const std::string& id) override {
    if (!writer_)
      return Status::FailedPrecondition("read_only", "the search index is open read-only");
    try {
      std::lock_guard lock(write_mu_);
      writer_->delete_document("Q" + id);
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
    return Status();
  }

  Status Commit(const std::map<std::string, std::string>& metadata) override {
    if (!writer_)
      return Status::FailedPrecondition("read_only", "the search index is open read-only");
    try {
      std::lock_guard lock(write_mu_);
      for (const auto& [k, v] : metadata) writer_->set_metadata(k, v);
      writer_->commit();
      std::unique_lock dict_lock(dict_mu_);
      for (const auto& w : pending_words_) dictionary_.Add(w, 1);
      pending_words_.clear();
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
    generation_.fetch_add(1);
    return Status();
  }

  Result<std::string> GetMetadata(const std::string& key) override {
    try {
      auto reader = Checkout();
      std::string v = reader->db.get_metadata(key);
      Return(std::move(reader));
      return v;
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
  }

  Result<int64_t> DocumentCount() override {
    try {
      auto reader = Checkout();
      auto n = static_cast<int64_t>(reader->db.get_doccount());
      Return(std::move(reader));
      return n;
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
  }

  Result<SearchResults> Search(const SearchQuery& q) override {
    // A writer committing twice during a search can invalidate a reader's revision; reopen
    // and run again (Xapian's documented pattern for DatabaseModifiedError).
    for (int attempt = 0;; ++attempt) {
      try {
        auto reader = Checkout();
        SearchResults r = Run(reader->db, q);
        Return(std::move(reader));
        return r;
      } catch (const Xapian::DatabaseModifiedError& e) {
        if (attempt >= 3) return FromXapian(e);
      } catch (const Xapian::Error& e) {
        return FromXapian(e);
      }
    }
  }

  Result<std::vector<Suggestion>> Suggest(std::string_view text, std::string_view market,
                                          size_t limit) override {
    SearchQuery q;
    q.text = std::string(text);
    q.kinds = {DocKind::kArtist, DocKind::kTrack,    DocKind::kAlbum,
               DocKind::kPlaylist, DocKind::kShow};
    q.limit = static_cast<int64_t>(limit);
    q.market = std::string(market);
    q.facets = false;
    q.highlight = false;
    q.match_text = false;
    SONORA_ASSIGN_OR_RETURN(SearchResults r, Search(q));
    struct Scored {
      double score;
      Suggestion s;
    };
    std::vector<Scored> all;
    for (const auto& [kind, hits] : r.kinds) {
      for (const auto& h : hits.hits) {
        all.push_back({h.score, {h.name, kind, h.id}});
      }
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const Scored& a, const Scored& b) { return a.score > b.score; });
    std::vector<Suggestion> out;
    std::unordered_set<std::string> seen;
    for (auto& s : all) {
      if (out.size() >= limit) break;
      if (!seen.insert(Fold(s.s.text)).second) continue;
      out.push_back(std::move(s.s));
    }
    return out;
  }

 private:
  struct Reader {
    Xapian::Database db;
    uint64_t generation;
  };

  std::unique_ptr<Reader> Checkout() {
    std::unique_ptr<Reader> r;
    {
      std::lock_guard lock(pool_mu_);
      if (!readers_.empty()) {
        r = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    const uint64_t gen = generation_.load();
    if (!r) {
      r = std::make_unique<Reader>(Reader{Xapian::Database(dir_), gen});
    } else if (r->generation != gen) {
      r->db.reopen();
      r->generation = gen;
    }
    return r;
  }

  void Return(std::unique_ptr<Reader> r) {
    std::lock_guard lock(pool_mu_);
    if (readers_.size() < static_cast<size_t>(options_.readers)) readers_.push_back(std::move(r));
  }

  void LoadDictionary(Xapian::Database& db) {
    std::unique_lock lock(dict_mu_);
    dictionary_.Clear();
    for (auto it = db.allterms_begin("N"); it != db.allterms_end("N"); ++it) {
      dictionary_.Add(std::string_view(*it).substr(1), it.get_termfreq());
    }
  }

  // One term of a query word: the word itself, a typo correction or the completion n-gram.
  struct Part {
    std::string term;
    double scale = 1.0;    // OP_SCALE_WEIGHT factor (1: none)
    bool weighted = true;  // false: the term's documents carry wdf 0 (boolean terms)
    bool text = false;     // a lyrics or description word: TextQuery, `scale` x its idf
  };

  // A word in names (and in lyrics and descriptions when `text`), its typo corrections
  // (weighted down), and for the last word the edge n-gram that completes it.
  // `*size` is the longest of its posting lists: a lower bound on the documents it matches.
  std::vector<Part> WordParts(const Xapian::Database& db, const std::string& word, bool last,
                              bool text, MatchWords* m, Xapian::doccount* size) {
    std::vector<Part> parts;
    parts.push_back({"N" + word});
    *size = db.get_termfreq("N" + word);
    if (text) parts.push_back({"L" + word, kTextScale, false, true});
    m->words.insert(word);
    std::vector<std::string> fuzzy;
    {
      std::shared_lock lock(dict_mu_);
      fuzzy = dictionary_.Lookup(word, kMaxFuzzyCandidates);
    }
    for (const auto& c : fuzzy) {
      parts.push_back({"N" + c, kFuzzyScale});
      m->words.insert(c);
      *size = std::max(*size, db.get_termfreq("N" + c));
    }
    if (last) {
      // One edge n-gram term. It is boolean (no weight of its own), so a completed word never
      // outranks the same word typed in full, and bare completions rank by popularity.
      parts.push_back({"P" + PrefixKey(word), 1.0, false});
      m->prefix = word;
      *size = std::max(*size, db.get_termfreq("P" + PrefixKey(word)));
    }
    return parts;
  }

  // `term` as a query: from the memory cache when its list is long and cached (the same matches
  // and weights), else Xapian's own posting list.
  Xapian::Query TermQuery(const Xapian::Database& db, const std::string& term, bool weighted) {
    if (auto list = cache_.List(db, term, weighted)) {
      std::shared_ptr<const DocLengths> lengths;
      if (weighted) lengths = cache_.Lengths(db);
      if (!weighted || lengths) {
        auto* source = new HotSource(std::move(list), std::move(lengths),
                                     Bm25{kBm25K1, kBm25B, kBm25MinNormLen});
        return Xapian::Query(source->release());
      }
    }
    return Xapian::Query(term);
  }

  // A lyrics or description word: each document holding it scores `scale` x the word's idf
  // (BM25 of one occurrence in a document of average length), however often it occurs and
  // however long the text; the term list only selects (scale 0), the fixed source weighs.
  Xapian::Query TextQuery(const Xapian::Database& db, const std::string& term, double scale) {
    const Xapian::doccount n = db.get_termfreq(term);
    if (n == 0) return Xapian::Query(term);  // matches nothing; keeps the query's shape
    const double weight = scale * Bm25Idf(db.get_doccount(), n);
    return Xapian::Query(
        Xapian::Query::OP_AND,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, TermQuery(db, term, false), 0.0),
        Xapian::Query((new Xapian::FixedWeightPostingSource(weight))->release()));
  }

  Xapian::Query AnyOf(const Xapian::Database& db, const std::vector<std::string>& terms) {
    if (terms.size() > 1) {
      // One cached list for the whole group: a ten-year range is ten year lists otherwise,
      // each probed for every candidate.
      if (auto list = cache_.Union(db, terms)) {
        auto* source =
            new HotSource(std::move(list), nullptr, Bm25{kBm25K1, kBm25B, kBm25MinNormLen});
        return Xapian::Query(source->release());
      }
    }
    std::vector<Xapian::Query> qs;
    for (const auto& t : terms) qs.push_back(TermQuery(db, t, false));
    return Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
  }

  // Filters that apply to `kind`: what every match must have, and what none may have. Long
  // posting lists are avoided where a short one says the same: most documents are tracks, are
  // clean and are sold everywhere, so those filters exclude the few others instead.
  struct FilterSet {
    std::vector<Xapian::Query> require;
    std::vector<Xapian::Query> exclude;
  };
  FilterSet Filters(const Xapian::Database& db, const SearchQuery& q, DocKind kind) {
    FilterSet f;
    const std::string kind_term = KindTerm(kind);
    if (db.get_termfreq(kind_term) * 2 > db.get_doccount()) {
      for (DocKind other : kAllKinds) {
        if (other != kind) f.exclude.push_back(TermQuery(db, KindTerm(other), false));
      }
    } else {
      f.require.push_back(TermQuery(db, kind_term, false));
    }
    const bool has_genres = kind == DocKind::kTrack || kind == DocKind::kAlbum ||
                            kind == DocKind::kArtist || kind == DocKind::kShow;
    if (has_genres && !q.genres.empty()) {
      std::vector<std::string> terms;
      for (const auto& g : q.genres) terms.push_back("G" + Join(Words(g), " "));
      f.require.push_back(AnyOf(db, terms));
    }
    const bool dated =
        kind == DocKind::kTrack || kind == DocKind::kAlbum || kind == DocKind::kEpisode;
    const bool timed = kind == DocKind::kTrack || kind == DocKind::kEpisode;
    const bool rated = timed || kind == DocKind::kShow;  // carries an explicit flag
    const bool sold = dated || kind == DocKind::kShow;   // carries markets
    if (dated && (q.year_min || q.year_max)) {
      const int lo = q.year_min.value_or(0), hi = q.year_max.value_or(9999);
      if (hi >= lo && hi - lo < kMaxYearTerms) {
        // A short range as year terms: posting lists are cheaper to intersect than values.
        std::vector<std::string> years;
        for (int y = lo; y <= hi; ++y) years.push_back("Y" + std::to_string(y));
        f.require.push_back(AnyOf(db, years));
      } else {
        f.require.emplace_back(Xapian::Query::OP_VALUE_RANGE, kSlotYear,
                               Xapian::sortable_serialise(lo), Xapian::sortable_serialise(hi));
      }
    }
    if (timed && (q.duration_min_ms || q.duration_max_ms)) {
      f.require.emplace_back(
          Xapian::Query::OP_VALUE_RANGE, kSlotDuration,
          Xapian::sortable_serialise(static_cast<double>(q.duration_min_ms.value_or(0))),
          Xapian::sortable_serialise(static_cast<double>(q.duration_max_ms.value_or(INT64_MAX))));
    }
    if (rated && q.explicit_content) {
      if (*q.explicit_content)
        f.require.push_back(TermQuery(db, "E1", false));
      else
        f.exclude.push_back(TermQuery(db, "E1", false));
    }
    if (sold && !q.market.empty()) {
      // Restricted documents (M!) not sold in this market.
      f.exclude.emplace_back(Xapian::Query::OP_AND_NOT, TermQuery(db, "M!", false),
                             TermQuery(db, "M" + ToUpper(q.market), false));
    }
    return f;
  }

  static double TasteFactor(const Xapian::Document& doc, const Taste& taste) {
    double factor = 1.0;
    if (!taste.genres.empty()) {
      for (const auto& g : SplitList(doc.get_value(kSlotGenres))) {
        if (taste.genres.count(Join(Words(g), " "))) {
          factor *= kGenreBoost;
          break;
        }
      }
    }
    if (!taste.artist_ids.empty()) {
      for (const auto& a : SplitList(doc.get_value(kSlotArtistIds))) {
        if (taste.artist_ids.count(a)) {
          factor *= kArtistBoost;
          break;
        }
      }
    }
    return factor;
  }

  static std::vector<Highlight> Highlights(const Stored& s, DocKind kind, const MatchWords& m) {
    std::vector<Highlight> out;
    auto add = [&](const char* field, const std::string& text, size_t window) {
      std::string h = HighlightText(text, m, window);
      if (!h.empty()) out.push_back({field, std::move(h)});
    };
    add(kind == DocKind::kTrack || kind == DocKind::kAlbum ? "title" : "name", s.name, 0);
    add(kind == DocKind::kShow ? "publisher" : "artist", Join(Split(s.artists, kListSep), ", "), 0);
    add(kind == DocKind::kEpisode ? "show" : "album", s.album, 0);
    add(kind == DocKind::kTrack ? "lyrics" : "description", s.text, kLyricsFragment);
    return out;
  }

  SearchResults Run(Xapian::Database& db, const SearchQuery& q) {
    SearchResults results;
    std::string text = q.text.substr(0, kMaxQueryBytes);
    std::vector<std::string> words = Words(text);
    if (words.size() > kMaxQueryWords) words.resize(kMaxQueryWords);
    for (DocKind k : q.kinds) results.kinds[k];
    if (words.empty()) return results;

    MatchWords match;
    std::vector<std::vector<Part>> word_parts;
    Xapian::doccount rarest = db.get_doccount();  // the smallest word's match count
    for (size_t i = 0; i < words.size(); ++i) {
      Xapian::doccount size = 0;
      word_parts.push_back(
          WordParts(db, words[i], i + 1 == words.size(), q.match_text, &match, &size));
      rarest = std::min(rarest, size);
    }
    std::vector<Xapian::Query> word_queries;
    for (const auto& parts : word_parts) {
      std::vector<Xapian::Query> qs;
      for (const auto& p : parts) {
        if (p.text) {
          qs.push_back(TextQuery(db, p.term, p.scale));
          continue;
        }
        Xapian::Query t = TermQuery(db, p.term, p.weighted);
        qs.push_back(p.scale == 1.0 ? t
                                    : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, t, p.scale));
      }
      word_queries.emplace_back(Xapian::Query::OP_OR, qs.begin(), qs.end());
    }
    const std::string exact = "X" + Join(words, " ").substr(0, kMaxExactTermBytes);
    Xapian::Query popularity_boost;
    if (auto column = cache_.Popularity(db)) {
      popularity_boost = Xapian::Query((new PopularitySource(std::move(column)))->release());
    } else {
      popularity_boost =
          Xapian::Query((new Xapian::ValueWeightPostingSource(kSlotPopularity))->release());
    }
    Xapian::Query boosts(
        Xapian::Query::OP_OR,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(exact), kExactNameWeight),
        popularity_boost);

    // The static tier: when even the rarest word (with its corrections and completion) is in
    // more than options_.tier_postings
    // documents, search only the most popular share of the index that keeps the rarest list
    // near that length (documents are numbered most popular first).
    double tier = 1.0;
    if (rarest > static_cast<Xapian::doccount>(options_.tier_postings)) {
      tier = static_cast<double>(options_.tier_postings) / static_cast<double>(rarest);
    }
    const int64_t offset = std::clamp<int64_t>(q.offset, 0, kMaxOffset);
    const int64_t limit = std::clamp<int64_t>(q.limit, 0, 50);
    for (int pass = 0; pass < 2; ++pass) {
      const bool relaxed = pass == 1;
      if (relaxed && words.size() < 2) break;
      Xapian::Query matched(relaxed ? Xapian::Query::OP_OR : Xapian::Query::OP_AND,
                            word_queries.begin(), word_queries.end());
      Xapian::Query scored(Xapian::Query::OP_AND_MAYBE, matched, boosts);
      int64_t total = 0;
      for (DocKind kind : q.kinds) {
        if (kind == DocKind::kShow || kind == DocKind::kEpisode) {
          if (!db.term_exists(KindTerm(kind))) continue;  // no podcasts indexed yet
        }
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, kBm25MinNormLen));
        FilterSet filters = Filters(db, q, kind);
        auto* budget = new BudgetSource(static_cast<Xapian::doccount>(options_.match_budget), tier);
        filters.require.emplace_back(budget->release());
        Xapian::Query query(
            Xapian::Query::OP_FILTER, scored,
            Xapian::Query(Xapian::Query::OP_AND, filters.require.begin(), filters.require.end()));
        if (!filters.exclude.empty()) {
          query = Xapian::Query(
              Xapian::Query::OP_AND_NOT, query,
              Xapian::Query(Xapian::Query::OP_OR, filters.exclude.begin(), filters.exclude.end()));
        }
        enquire.set_query(query);
        const bool facets = q.facets && kind == DocKind::kTrack;
        FacetSpy spy(static_cast<Xapian::doccount>(std::max<int64_t>(1, options_.facet_sample)),
                     facets ? cache_.Facets(db) : nullptr);
        if (facets) enquire.add_matchspy(&spy);
        const bool rerank = !q.taste.empty();
        const auto window = static_cast<Xapian::doccount>(
            rerank ? std::max<int64_t>(kRerankWindow, offset + limit) : limit);
        const auto first = static_cast<Xapian::doccount>(rerank ? 0 : offset);
        const auto check = static_cast<Xapian::doccount>(
            facets ? std::max<int64_t>(options_.facet_sample, offset + limit) : 0);
        Xapian::MSet mset = enquire.get_mset(first, window, check);
        KindHits& out = results.kinds[kind];
        out.total = static_cast<int64_t>(mset.get_matches_estimated());
        total += out.total;
        struct Ranked {
          double score;
          Xapian::Document doc;
        };
        std::vector<Ranked> ranked;
        for (auto it = mset.begin(); it != mset.end(); ++it) {
          Xapian::Document doc = it.get_document();
          double score = it.get_weight();
          if (rerank) score *= TasteFactor(doc, q.taste);
          ranked.push_back({score, std::move(doc)});
        }
        if (rerank) {
          std::stable_sort(ranked.begin(), ranked.end(),
                           [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
          const auto from = std::min<size_t>(ranked.size(), static_cast<size_t>(offset));
          const auto to = std::min<size_t>(ranked.size(), static_cast<size_t>(offset + limit));
          ranked = std::vector<Ranked>(ranked.begin() + static_cast<std::ptrdiff_t>(from),
                                       ranked.begin() + static_cast<std::ptrdiff_t>(to));
        }
        for (auto& r : ranked) {
          Stored s = DecodeStored(r.doc.get_data());
          Hit h;
          h.id = s.id;
          h.name = s.name;
          h.score = r.score;
          h.payload = s.payload;
          if (q.highlight) h.highlights = Highlights(s, kind, match);
          out.hits.push_back(std::move(h));
        }
        if (facets) {
          spy.Count();
          results.facets.genres = FacetSpy::Top(spy.genres, kFacetValues);
          results.facets.artists = FacetSpy::Top(spy.artists, kFacetValues);
          results.facets.release_years = FacetSpy::Top(spy.years, kFacetValues);
          results.facets.estimated = spy.skipped > 0 || mset.get_matches_estimated() > spy.counted;
        }
      }
      results.relaxed = relaxed;
      if (total > 0) break;
    }
    return results;
  }

  const std::string dir_;
  const XapianOptions options_;
  std::optional<Xapian::WritableDatabase> writer_;  // null when read-only
  std::mutex write_mu_;                             // guards writer_ and pending_words_
  std::vector<std::string> pending_words_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Reader>> readers_;  // guarded by pool_mu_
  std::atomic<uint64_t> generation_{0};           // bumped after each commit
  IndexCache cache_;
  std::shared_mutex dict_mu_;
  FuzzyDictionary dictionary_;  // guarded by dict_mu_
};

}  // namespace

std::string_view KindName(DocKind kind) {
  switch (kind) {
    case DocKind::kTrack:
      return "track";
    case DocKind::kArtist:
      return "artist";
    case DocKind::kAlbum:
      return "album";
    case DocKind::kPlaylist:
      return "playlist";
    case DocKind::kShow:
      return "show";
    case DocKind::kEpisode:
      return "episode";
  }
  return "track";
}

std::optional<DocKind> ParseKind(std::string_view name) {
  for (DocKind k : kAllKinds) {
    if (KindName(k) == name) return k;
  }
  return std::nullopt;
}

Result<std::unique_ptr<SearchIndex>> OpenXapianIndex(const std::string& dir,
                                                     const XapianOptions& options) {
  std::error_code ec;
  if (!options.read_only) std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create " + dir + ": " + ec.message());
  auto index = std::make_unique<XapianIndex>(dir, options);
  SONORA_RETURN_IF_ERROR(index->Open());
  return std::unique_ptr<SearchIndex>(std::move(index));
}

}  // namespace sonora::search
