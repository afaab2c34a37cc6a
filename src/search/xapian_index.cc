// The local search index on Xapian: the only file that includes xapian.h (STYLE.md 3.2).
//
// Terms (prefixes are single capitals, the word follows folded by text.h):
//   N name words (title, artists, album; field weight as wdf)   L lyrics, description
//   P edge n-grams of the name words, for as-you-type prefixes
//   X the whole folded name (exact-match boost)      Q unique id
//   K kind   G genre   R artist id   M! restricted + M<country> where sold   E1 explicit
//   Y release year
// Value slots: see kSlot* below. The document data holds the fields highlights are cut from.
// docs/formats/search-index.md describes the layout; docs/decisions/0011-search.md the ranking.
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
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
// descriptions keep their own list ("L"), weighted below names.
constexpr Xapian::termcount kTitleWdf = 6;
constexpr Xapian::termcount kArtistWdf = 4;
constexpr Xapian::termcount kAlbumWdf = 3;
constexpr double kTextScale = 0.5;
constexpr double kBm25K1 = 20.0;
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
constexpr size_t kMaxStoredText = 4096;
constexpr size_t kLyricsFragment = 100;  // seed 004 §3: lyrics fragment_size 100

constexpr char kListSep = '\x1f';
constexpr char kFieldSep = '\x1e';
constexpr const char* kSchemaKey = "sonora.schema";
constexpr const char* kSchemaVersion = "1";

std::string KindTerm(DocKind k) { return "K" + std::string(KindName(k)); }

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(kListSep);
    out += v[i];
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

std::string EncodeStored(const SearchDocument& d) {
  std::string text = d.text.substr(0, kMaxStoredText);
  return d.id + std::string(1, kFieldSep) + d.name + kFieldSep + JoinList(d.artist_names) +
         kFieldSep + d.album_title + kFieldSep + text + kFieldSep + d.payload;
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

// Counts genres, artists and release years over the documents the match looked at.
class FacetSpy : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document& doc, double) override {
    for (const auto& g : SplitList(doc.get_value(kSlotGenres))) ++genres[g];
    for (const auto& a : SplitList(doc.get_value(kSlotArtists))) ++artists[a];
    std::string y = doc.get_value(kSlotYearText);
    if (!y.empty()) ++years[y];
  }
  std::string name() const override { return "sonora.FacetSpy"; }

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
};
constexpr size_t kFacetValues = 10;  // buckets per facet (ES terms aggregation default)

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

Status FromXapian(const Xapian::Error& e) {
  return Status::Unavailable(std::string("search index: ") + e.get_type() + ": " + e.get_msg());
}

class XapianIndex final : public SearchIndex {
 public:
  XapianIndex(std::string dir, XapianOptions options) : dir_(std::move(dir)), options_(options) {}

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
    for (const auto& w : Words(d.text.substr(0, kMaxStoredText))) doc.add_term("L" + w);
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
    q.kinds = {DocKind::kArtist, DocKind::kTrack, DocKind::kAlbum, DocKind::kPlaylist};
    q.limit = static_cast<int64_t>(limit);
    q.market = std::string(market);
    q.facets = false;
    q.highlight = false;
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

  // A word in names or text, its typo corrections (weighted down), and for the last word the
  // edge n-gram that completes it.
  // `*size` is the longest of its posting lists: a lower bound on the documents it matches.
  Xapian::Query WordQuery(const Xapian::Database& db, const std::string& word, bool last,
                          MatchWords* m, Xapian::doccount* size) {
    std::vector<Xapian::Query> parts;
    parts.emplace_back("N" + word);
    *size = db.get_termfreq("N" + word);
    parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("L" + word), kTextScale);
    m->words.insert(word);
    std::vector<std::string> fuzzy;
    {
      std::shared_lock lock(dict_mu_);
      fuzzy = dictionary_.Lookup(word, kMaxFuzzyCandidates);
    }
    for (const auto& c : fuzzy) {
      parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("N" + c), kFuzzyScale);
      m->words.insert(c);
      *size = std::max(*size, db.get_termfreq("N" + c));
    }
    if (last) {
      // One edge n-gram term. It is boolean (no weight of its own), so a completed word never
      // outranks the same word typed in full, and bare completions rank by popularity.
      parts.emplace_back("P" + PrefixKey(word));
      m->prefix = word;
      *size = std::max(*size, db.get_termfreq("P" + PrefixKey(word)));
    }
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  }

  static Xapian::Query AnyOf(const std::vector<std::string>& terms) {
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }

  // Filters that apply to `kind`: what every match must have, and what none may have. Long
  // posting lists are avoided where a short one says the same: most documents are tracks, are
  // clean and are sold everywhere, so those filters exclude the few others instead.
  struct FilterSet {
    std::vector<Xapian::Query> require;
    std::vector<Xapian::Query> exclude;
  };
  static FilterSet Filters(const Xapian::Database& db, const SearchQuery& q, DocKind kind) {
    FilterSet f;
    const std::string kind_term = KindTerm(kind);
    if (db.get_termfreq(kind_term) * 2 > db.get_doccount()) {
      for (DocKind other : kAllKinds) {
        if (other != kind) f.exclude.emplace_back(KindTerm(other));
      }
    } else {
      f.require.emplace_back(kind_term);
    }
    const bool has_genres =
        kind == DocKind::kTrack || kind == DocKind::kAlbum || kind == DocKind::kArtist;
    if (has_genres && !q.genres.empty()) {
      std::vector<std::string> terms;
      for (const auto& g : q.genres) terms.push_back("G" + Join(Words(g), " "));
      f.require.push_back(AnyOf(terms));
    }
    const bool dated = kind == DocKind::kTrack || kind == DocKind::kAlbum;
    if (dated && (q.year_min || q.year_max)) {
      const int lo = q.year_min.value_or(0), hi = q.year_max.value_or(9999);
      if (hi >= lo && hi - lo < kMaxYearTerms) {
        // A short range as year terms: posting lists are cheaper to intersect than values.
        std::vector<std::string> years;
        for (int y = lo; y <= hi; ++y) years.push_back("Y" + std::to_string(y));
        f.require.push_back(AnyOf(years));
      } else {
        f.require.emplace_back(Xapian::Query::OP_VALUE_RANGE, kSlotYear,
                               Xapian::sortable_serialise(lo), Xapian::sortable_serialise(hi));
      }
    }
    if (kind == DocKind::kTrack && (q.duration_min_ms || q.duration_max_ms)) {
      f.require.emplace_back(
          Xapian::Query::OP_VALUE_RANGE, kSlotDuration,
          Xapian::sortable_serialise(static_cast<double>(q.duration_min_ms.value_or(0))),
          Xapian::sortable_serialise(static_cast<double>(q.duration_max_ms.value_or(INT64_MAX))));
    }
    if (kind == DocKind::kTrack && q.explicit_content) {
      if (*q.explicit_content)
        f.require.emplace_back("E1");
      else
        f.exclude.emplace_back("E1");
    }
    if (dated && !q.market.empty()) {
      // Restricted documents (M!) not sold in this market.
      f.exclude.emplace_back(Xapian::Query::OP_AND_NOT, Xapian::Query("M!"),
                             Xapian::Query("M" + ToUpper(q.market)));
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
    add("artist", Join(Split(s.artists, kListSep), ", "), 0);
    add("album", s.album, 0);
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
    std::vector<Xapian::Query> word_queries;
    Xapian::doccount rarest = db.get_doccount();  // the smallest word's match count
    for (size_t i = 0; i < words.size(); ++i) {
      Xapian::doccount size = 0;
      word_queries.push_back(WordQuery(db, words[i], i + 1 == words.size(), &match, &size));
      rarest = std::min(rarest, size);
    }
    const std::string exact = "X" + Join(words, " ").substr(0, kMaxExactTermBytes);
    auto* popularity = new Xapian::ValueWeightPostingSource(kSlotPopularity);
    Xapian::Query boosts(
        Xapian::Query::OP_OR,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(exact), kExactNameWeight),
        Xapian::Query(popularity->release()));

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
        enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, 0.5, 0.5));
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
        FacetSpy spy;
        const bool facets = q.facets && kind == DocKind::kTrack;
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
          results.facets.genres = FacetSpy::Top(spy.genres, kFacetValues);
          results.facets.artists = FacetSpy::Top(spy.artists, kFacetValues);
          results.facets.release_years = FacetSpy::Top(spy.years, kFacetValues);
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
