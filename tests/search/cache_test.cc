// The index's memory cache (XapianOptions::cache_*; docs/decisions/0011-search.md, "Memory
// cache"): hot term lists, document lengths, popularity and facet columns must change how fast
// a query runs, never what it answers. Every query here runs on the same index with the cache
// off and with it on (built inline, so the cached path is the one taken), and must give the same
// hits in the same order with the same scores, the same totals and the same facets. The corpus
// is generated with a few very common words so that, with a low threshold, many lists are hot.
// Commits must never let a cached list of an older revision answer for a newer one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "search/search_index.h"
#include "support/temp_dir.h"

namespace sonora::search {
namespace {

using K = DocKind;

// 3,000 tracks, 300 albums, 60 artists. Title words are skewed so "love" is in about half the
// tracks and "night", "heart" in a fifth; genres, years and markets vary.
std::vector<SearchDocument> Corpus() {
  const std::vector<std::string> words = {"love",   "night",   "heart",   "fire",    "dance",
                                          "dream",  "river",   "summer",  "shadow",  "golden",
                                          "velvet", "thunder", "memphis", "lullaby", "canyon"};
  const std::vector<std::string> genres = {"pop", "rock", "jazz", "hip hop", "folk"};
  std::mt19937_64 rng(11);
  auto word = [&] {
    const size_t r = rng() % 100;
    if (r < 40) return words[0];
    if (r < 55) return words[1];
    if (r < 68) return words[2];
    return words[3 + rng() % (words.size() - 3)];
  };
  std::vector<SearchDocument> out;
  for (int a = 0; a < 60; ++a) {
    SearchDocument d;
    d.kind = K::kArtist;
    d.id = "ar" + std::to_string(a);
    d.name = (a % 3 == 0 ? "The " : "") + word() + " " + word();
    d.genres = {genres[static_cast<size_t>(a) % genres.size()]};
    d.popularity = static_cast<int>(rng() % 101);
    out.push_back(d);
  }
  for (int al = 0; al < 300; ++al) {
    SearchDocument d;
    d.kind = K::kAlbum;
    d.id = "al" + std::to_string(al);
    d.name = word() + " " + word();
    d.artist_names = {out[static_cast<size_t>(al % 60)].name};
    d.artist_ids = {out[static_cast<size_t>(al % 60)].id};
    d.year = 1970 + al % 50;
    d.popularity = static_cast<int>(rng() % 101);
    out.push_back(d);
  }
  for (int t = 0; t < 3000; ++t) {
    const size_t artist = rng() % 60;
    SearchDocument d;
    d.kind = K::kTrack;
    d.id = "t" + std::to_string(t);
    const size_t n = 1 + rng() % 3;
    for (size_t i = 0; i < n; ++i) d.name += (i ? " " : "") + word();
    d.artist_names = {out[artist].name};
    d.artist_ids = {out[artist].id};
    d.album_title = out[60 + static_cast<size_t>(t % 300)].name;
    d.genres = {genres[artist % genres.size()]};
    if (t % 7 == 0) d.genres.push_back("soul");
    d.year = 1970 + static_cast<int>(rng() % 50);
    d.duration_ms = 120'000 + static_cast<int64_t>(rng() % 240'000);
    d.explicit_content = rng() % 10 == 0;
    d.popularity = static_cast<int>(rng() % 101);
    if (rng() % 20 == 0) d.markets = {"SE"};
    if (t % 5 == 0) d.text = "under the " + word() + " we " + word();
    out.push_back(d);
  }
  return out;
}

SearchQuery Q(const std::string& text, std::vector<K> kinds = {K::kTrack}) {
  SearchQuery q;
  q.text = text;
  q.kinds = std::move(kinds);
  q.market = "US";
  return q;
}

// The queries compared: common words alone and together, rare with common, typos, prefixes,
// lyrics, filters on hot terms (genre, year, explicit), every kind, pages and personalization.
std::vector<SearchQuery> Queries() {
  std::vector<SearchQuery> qs;
  for (const char* text : {"love", "night", "love night", "memphis love", "love love heart",
                           "memphis", "lullabye love", "thundr", "heart lo", "lo", "th", "golden h",
                           "love nigh", "under", "the love", "canyon velvet"}) {
    qs.push_back(Q(text));
  }
  qs.push_back(Q("love", {K::kTrack, K::kArtist, K::kAlbum}));
  qs.push_back(Q("heart", {K::kAlbum}));
  SearchQuery f = Q("love");
  f.genres = {"pop", "soul"};
  qs.push_back(f);
  f = Q("night");
  f.year_min = 1980;
  f.year_max = 1989;
  qs.push_back(f);
  f = Q("love heart");
  f.explicit_content = false;
  f.duration_min_ms = 200'000;
  qs.push_back(f);
  f = Q("love");
  f.explicit_content = true;
  qs.push_back(f);
  f = Q("love");
  f.year_min = 1960;  // a long range: the year value, not terms
  f.year_max = 2000;
  qs.push_back(f);
  f = Q("dance");
  f.offset = 20;
  f.limit = 50;
  qs.push_back(f);
  f = Q("love");
  f.taste.genres = {"jazz"};
  f.taste.artist_ids = {"ar7"};
  qs.push_back(f);
  f = Q("love");
  f.market = "SE";
  qs.push_back(f);
  return qs;
}

void ExpectSame(const SearchResults& off, const SearchResults& on, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(off.relaxed, on.relaxed);
  ASSERT_EQ(off.kinds.size(), on.kinds.size());
  for (const auto& [kind, hits] : off.kinds) {
    const KindHits& other = on.kinds.at(kind);
    EXPECT_EQ(hits.total, other.total);
    ASSERT_EQ(hits.hits.size(), other.hits.size());
    for (size_t i = 0; i < hits.hits.size(); ++i) {
      EXPECT_EQ(hits.hits[i].id, other.hits[i].id) << "rank " << i;
      // Popularity is held as a float in memory: equal to ~1e-7 of a score.
      EXPECT_NEAR(hits.hits[i].score, other.hits[i].score, 1e-5 * hits.hits[i].score)
          << "rank " << i;
    }
  }
  auto same = [](const std::vector<FacetCount>& a, const std::vector<FacetCount>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].value != b[i].value || a[i].count != b[i].count) return false;
    }
    return true;
  };
  EXPECT_TRUE(same(off.facets.genres, on.facets.genres));
  EXPECT_TRUE(same(off.facets.artists, on.facets.artists));
  EXPECT_TRUE(same(off.facets.release_years, on.facets.release_years));
  EXPECT_EQ(off.facets.estimated, on.facets.estimated);
}

class CacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto index = OpenXapianIndex(dir_->path() + "/search");
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    for (const auto& d : Corpus()) ASSERT_TRUE((*index)->Put(d).ok());
    ASSERT_TRUE((*index)->Commit({}).ok());
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::unique_ptr<SearchIndex> Open(int64_t cache_min_docs, int64_t facet_sample) {
    XapianOptions o;
    o.read_only = true;
    o.cache_min_docs = cache_min_docs;
    o.cache_inline = true;
    o.facet_sample = facet_sample;
    auto index = OpenXapianIndex(dir_->path() + "/search", o);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return index.ok() ? std::move(*index) : nullptr;
  }

  static testing::TempDir* dir_;
};
testing::TempDir* CacheTest::dir_ = nullptr;

TEST_F(CacheTest, CachedListsAnswerExactlyAsXapianDoes) {
  // Thresholds: 100 makes "love", "night", "heart", the genres, most prefixes and the kind and
  // explicit terms hot; 1 makes every list hot.
  for (int64_t threshold : {int64_t{100}, int64_t{1}}) {
    auto off = Open(0, 500);
    auto on = Open(threshold, 500);
    ASSERT_TRUE(off && on);
    for (const auto& q : Queries()) {
      auto a = off->Search(q);
      auto b = on->Search(q);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_FALSE(a->kinds.begin()->second.hits.empty() && q.text == "love") << "corpus broken";
      ExpectSame(*a, *b, q.text + " (threshold " + std::to_string(threshold) + ")");
    }
  }
}

TEST_F(CacheTest, FacetsCountASampleAndSayWhenTheyAreEstimates) {
  for (int64_t threshold : {int64_t{0}, int64_t{100}}) {
    SCOPED_TRACE(threshold);
    // Few matches: every match counted, exact.
    auto index = Open(threshold, 500);
    auto r = index->Search(Q("canyon velvet"));
    ASSERT_TRUE(r.ok());
    const int64_t total = r->kinds[K::kTrack].total;
    ASSERT_GT(total, 0);
    ASSERT_LT(total, 500);
    EXPECT_FALSE(r->facets.estimated);
    int64_t years = 0;
    for (const auto& y : r->facets.release_years) years += y.count;
    // Up to 10 buckets are listed: their counts add up to the matches when all fit.
    if (r->facets.release_years.size() < 10) {
      EXPECT_EQ(years, total);
    }

    // "love" matches far more than a sample of 50: counts cover 50 documents, flagged.
    auto sampled = Open(threshold, 50);
    r = sampled->Search(Q("love"));
    ASSERT_TRUE(r.ok());
    EXPECT_GT(r->kinds[K::kTrack].total, 50);
    EXPECT_TRUE(r->facets.estimated);
    int64_t genres_counted = 0;
    for (const auto& g : r->facets.genres) genres_counted += g.count;
    EXPECT_GE(genres_counted, 50);  // every counted track has a genre, some two
    EXPECT_LE(genres_counted, 100);
  }
}

// A writable index with the cache on: after every commit the next search sees the new revision
// (a cached list of the old one must not answer), whether items are built inline or in the
// background.
TEST(CacheRevisionTest, CommitsAreSeenAtOnceWithTheCacheOn) {
  for (bool inline_builds : {true, false}) {
    SCOPED_TRACE(inline_builds);
    testing::TempDir dir;
    XapianOptions o;
    o.cache_min_docs = 20;
    o.cache_inline = inline_builds;
    auto index = OpenXapianIndex(dir.path() + "/idx", o);
    ASSERT_TRUE(index.ok());
    for (int i = 0; i < 200; ++i) {
      SearchDocument d;
      d.kind = K::kTrack;
      d.id = "t" + std::to_string(i);
      d.name = i % 2 ? "Love Song" : "Night Song";
      d.genres = {"pop"};
      d.popularity = i % 100;
      ASSERT_TRUE((*index)->Put(d).ok());
    }
    ASSERT_TRUE((*index)->Commit({}).ok());
    auto find = [&](const std::string& text, const std::string& id) {
      SearchQuery q = Q(text);
      q.limit = 50;
      q.genres = {"pop"};
      auto r = (*index)->Search(q);
      EXPECT_TRUE(r.ok());
      for (const auto& h : r->kinds[K::kTrack].hits) {
        if (h.id == id) return true;
      }
      return false;
    };
    // Warm the cache on this revision ("love", "song", "pop" are hot), giving a background
    // builder time to finish.
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(find("love song", "t99"));
      std::this_thread::sleep_for(std::chrono::milliseconds(inline_builds ? 0 : 50));
    }
    // A new, very popular track with the hot words, and one removed.
    SearchDocument d;
    d.kind = K::kTrack;
    d.id = "t_new";
    d.name = "Love Song";
    d.genres = {"pop"};
    d.popularity = 100;
    ASSERT_TRUE((*index)->Put(d).ok());
    ASSERT_TRUE((*index)->Remove(K::kTrack, "t199").ok());
    ASSERT_TRUE((*index)->Commit({}).ok());
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(find("love song", "t_new"));
      EXPECT_TRUE(find("love so", "t_new"));
      EXPECT_FALSE(find("love song", "t199"));
      std::this_thread::sleep_for(std::chrono::milliseconds(inline_builds ? 0 : 50));
    }
    // Its popularity (from the popularity column once built) puts it first among equal titles.
    SearchQuery q = Q("love song");
    auto r = (*index)->Search(q);
    ASSERT_TRUE(r.ok());
    ASSERT_FALSE(r->kinds[K::kTrack].hits.empty());
    EXPECT_EQ(r->kinds[K::kTrack].hits[0].id, "t_new");
  }
}

}  // namespace
}  // namespace sonora::search
