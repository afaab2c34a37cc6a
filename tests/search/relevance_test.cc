// The relevance set (issue 6): 70+ queries against a small catalog of real-world names, each
// asserting the expected result within the top k (never scores). Covers exact matches, typos
// (AUTO fuzziness), as-you-type prefixes, diacritics and case, filters, market, facets,
// highlights, popularity, personalization and hostile input; podcast shows and episodes built
// the way the indexer builds them (ShowDocument, EpisodeDocument).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include "catalog/podcast.h"
#include "lyrics/lrc.h"
#include "search/indexer.h"
#include "search/search_index.h"
#include "support/temp_dir.h"

namespace sonora::search {
namespace {

using K = DocKind;

struct T {  // a track row of the corpus
  const char* id;
  const char* title;
  std::vector<std::pair<const char*, const char*>> artists;  // (id, name)
  const char* album;
  int year;
  int64_t duration_ms;
  int popularity;
  bool explicit_content;
  std::vector<std::string> genres;
  std::vector<std::string> markets = {};
  const char* lyrics = "";  // LRC, read as the indexer reads track_lyrics
};

std::vector<SearchDocument> Corpus() {
  const std::vector<T> tracks = {
      {"t_badguy",
       "Bad Guy",
       {{"a_billie", "Billie Eilish"}},
       "When We All Fall Asleep, Where Do We Go?",
       2019,
       194000,
       95,
       false,
       {"pop", "electropop"}},
      {"t_ocean",
       "Ocean Eyes",
       {{"a_billie", "Billie Eilish"}},
       "Don't Smile at Me",
       2017,
       200000,
       80,
       false,
       {"pop"}},
      {"t_happier",
       "Happier Than Ever",
       {{"a_billie", "Billie Eilish"}},
       "Happier Than Ever",
       2021,
       298000,
       85,
       false,
       {"pop"}},
      {"t_halo",
       "Halo",
       {{"a_beyonce", "Beyoncé"}},
       "I Am... Sasha Fierce",
       2008,
       261000,
       88,
       false,
       {"pop", "r&b"}},
      {"t_halo_live",
       "Halo (Live)",
       {{"a_beyonce", "Beyoncé"}},
       "I Am... Yours",
       2009,
       280000,
       40,
       false,
       {"pop"},
       {"GB"}},
      {"t_crazy",
       "Crazy in Love",
       {{"a_beyonce", "Beyoncé"}, {"a_jayz", "Jay-Z"}},
       "Dangerously in Love",
       2003,
       236000,
       90,
       false,
       {"r&b"}},
      {"t_hoppipolla",
       "Hoppípolla",
       {{"a_sigur", "Sigur Rós"}},
       "Takk...",
       2005,
       268000,
       70,
       false,
       {"post-rock"}},
      {"t_kickstart",
       "Kickstart My Heart",
       {{"a_motley", "Mötley Crüe"}},
       "Dr. Feelgood",
       1989,
       283000,
       75,
       true,
       {"metal"}},
      {"t_heyjude",
       "Hey Jude",
       {{"a_beatles", "The Beatles"}},
       "Hey Jude",
       1968,
       431000,
       90,
       false,
       {"rock"}},
      {"t_yesterday",
       "Yesterday",
       {{"a_beatles", "The Beatles"}},
       "Help!",
       1965,
       125000,
       88,
       false,
       {"rock"}},
      {"t_letitbe",
       "Let It Be",
       {{"a_beatles", "The Beatles"}},
       "Let It Be",
       1970,
       243000,
       87,
       false,
       {"rock"}},
      {"t_joga",
       "Jóga",
       {{"a_bjork", "Björk"}},
       "Homogenic",
       1997,
       305000,
       65,
       false,
       {"electronic"}},
      {"t_around",
       "Around the World",
       {{"a_daft", "Daft Punk"}},
       "Homework",
       1997,
       429000,
       80,
       false,
       {"electronic"}},
      {"t_getlucky",
       "Get Lucky",
       {{"a_daft", "Daft Punk"}},
       "Random Access Memories",
       2013,
       369000,
       92,
       false,
       {"electronic", "disco"}},
      {"t_sowhat",
       "So What",
       {{"a_miles", "Miles Davis"}},
       "Kind of Blue",
       1959,
       562000,
       80,
       false,
       {"jazz"}},
      {"t_humble",
       "HUMBLE.",
       {{"a_kendrick", "Kendrick Lamar"}},
       "DAMN.",
       2017,
       177000,
       91,
       true,
       {"hip-hop"}},
      {"t_alright",
       "Alright",
       {{"a_kendrick", "Kendrick Lamar"}},
       "To Pimp a Butterfly",
       2015,
       219000,
       84,
       true,
       {"hip-hop"}},
      {"t_shakeitoff",
       "Shake It Off",
       {{"a_taylor", "Taylor Swift"}},
       "1989",
       2014,
       219000,
       89,
       false,
       {"pop"}},
      {"t_lovestory",
       "Love Story",
       {{"a_taylor", "Taylor Swift"}},
       "Fearless",
       2008,
       235000,
       86,
       false,
       {"country", "pop"}},
      {"t_creep",
       "Creep",
       {{"a_radiohead", "Radiohead"}},
       "Pablo Honey",
       1993,
       238000,
       88,
       false,
       {"rock"}},
      {"t_karma",
       "Karma Police",
       {{"a_radiohead", "Radiohead"}},
       "OK Computer",
       1997,
       264000,
       84,
       false,
       {"rock"}},
      {"t_malamente",
       "Malamente",
       {{"a_rosalia", "Rosalía"}},
       "El Mal Querer",
       2018,
       150000,
       75,
       false,
       {"latin", "flamenco"}},
      {"t_shape", "Shape of You", {{"a_ed", "Ed Sheeran"}}, "÷", 2017, 233000, 94, false, {"pop"}},
      {"t_pianoman",
       "Piano Man",
       {{"a_billy", "Billy Joel"}},
       "Piano Man",
       1973,
       338000,
       82,
       false,
       {"rock"}},
      {"t_hello", "Hello", {{"a_adele", "Adele"}}, "25", 2015, 295000, 88, false, {"pop"}},
      {"t_hello_lionel",
       "Hello",
       {{"a_lionel", "Lionel Richie"}},
       "Can't Slow Down",
       1983,
       245000,
       60,
       false,
       {"soul"}},
      {"t_someone",
       "Someone Like You",
       {{"a_adele", "Adele"}},
       "21",
       2011,
       285000,
       87,
       false,
       {"pop"}},
      {"t_lose",
       "Lose Yourself",
       {{"a_eminem", "Eminem"}},
       "8 Mile",
       2002,
       326000,
       90,
       true,
       {"hip-hop"}},
      {"t_billiejean",
       "Billie Jean",
       {{"a_mj", "Michael Jackson"}},
       "Thriller",
       1982,
       294000,
       93,
       false,
       {"pop"}},
      {"t_thriller",
       "Thriller",
       {{"a_mj", "Michael Jackson"}},
       "Thriller",
       1982,
       357000,
       88,
       false,
       {"pop"}},
      {"t_bohemian",
       "Bohemian Rhapsody",
       {{"a_queen", "Queen"}},
       "A Night at the Opera",
       1975,
       354000,
       95,
       false,
       {"rock"}},
      {"t_yellow",
       "Yellow",
       {{"a_coldplay", "Coldplay"}},
       "Parachutes",
       2000,
       266000,
       85,
       false,
       {"rock"}},
      {"t_teen",
       "Smells Like Teen Spirit",
       {{"a_nirvana", "Nirvana"}},
       "Nevermind",
       1991,
       301000,
       92,
       false,
       {"rock", "grunge"}},
      {"t_giant",
       "Giant Steps",
       {{"a_coltrane", "John Coltrane"}},
       "Giant Steps",
       1960,
       283000,
       70,
       false,
       {"jazz"}},
      {"t_titi",
       "Tití Me Preguntó",
       {{"a_badbunny", "Bad Bunny"}},
       "Un Verano Sin Ti",
       2022,
       243000,
       93,
       true,
       {"latin"}},
      {"t_basket",
       "Basket Case",
       {{"a_greenday", "Green Day"}},
       "Dookie",
       1994,
       181000,
       83,
       false,
       {"rock", "punk"},
       {},
       // Invented lyrics in enhanced LRC: headers, repeated time tags, word tags.
       "[ti:Basket Case]\r\n[ar:Green Day]\r\n[00:10.00]<00:10.00>Neon <00:10.40>rivers under "
       "the overpass\r\n[00:14.00][00:40.00]Counting streetlights to the ocean\r\n"
       "[00:20.00]Cold coffee in a corner café\r\n"},
      {"t_quiet",
       "Quiet Song",
       {{"a_ivana", "Ivana Novak"}},
       "Harbor Lights",
       2024,
       210000,
       20,
       false,
       {"ambient"},
       {},
       "the moonlight sonata whispers across the harbor at night"},
  };
  std::vector<SearchDocument> docs;
  for (const auto& t : tracks) {
    SearchDocument d;
    d.kind = K::kTrack;
    d.id = t.id;
    d.name = t.title;
    for (const auto& [id, name] : t.artists) {
      d.artist_ids.emplace_back(id);
      d.artist_names.emplace_back(name);
    }
    d.album_title = t.album;
    d.year = t.year;
    d.duration_ms = t.duration_ms;
    d.popularity = t.popularity;
    d.explicit_content = t.explicit_content;
    d.genres = t.genres;
    d.markets = t.markets;
    d.text = lyrics::LrcToPlainText(t.lyrics, kMaxTextBytes);
    docs.push_back(std::move(d));
  }
  struct A {
    const char* id;
    const char* name;
    int popularity;
    std::vector<std::string> genres;
  };
  const std::vector<A> artists = {
      {"a_billie", "Billie Eilish", 95, {"pop", "electropop"}},
      {"a_beyonce", "Beyoncé", 92, {"pop", "r&b"}},
      {"a_sigur", "Sigur Rós", 70, {"post-rock"}},
      {"a_motley", "Mötley Crüe", 75, {"metal"}},
      {"a_beatles", "The Beatles", 92, {"rock"}},
      {"a_bjork", "Björk", 68, {"electronic"}},
      {"a_daft", "Daft Punk", 90, {"electronic"}},
      {"a_miles", "Miles Davis", 80, {"jazz"}},
      {"a_kendrick", "Kendrick Lamar", 91, {"hip-hop"}},
      {"a_taylor", "Taylor Swift", 95, {"pop"}},
      {"a_radiohead", "Radiohead", 88, {"rock"}},
      {"a_rosalia", "Rosalía", 80, {"latin"}},
      {"a_ed", "Ed Sheeran", 94, {"pop"}},
      {"a_billy", "Billy Joel", 82, {"rock"}},
      {"a_adele", "Adele", 90, {"pop"}},
      {"a_eminem", "Eminem", 90, {"hip-hop"}},
      {"a_mj", "Michael Jackson", 93, {"pop"}},
      {"a_queen", "Queen", 90, {"rock"}},
      {"a_queens", "Queens of the Stone Age", 80, {"rock"}},
      {"a_coldplay", "Coldplay", 88, {"rock"}},
      {"a_nirvana", "Nirvana", 90, {"rock"}},
      {"a_coltrane", "John Coltrane", 70, {"jazz"}},
      {"a_badbunny", "Bad Bunny", 95, {"latin"}},
      {"a_greenday", "Green Day", 85, {"punk"}},
      {"a_lionel", "Lionel Richie", 70, {"soul"}},
  };
  for (const auto& a : artists) {
    SearchDocument d;
    d.kind = K::kArtist;
    d.id = a.id;
    d.name = a.name;
    d.artist_ids = {a.id};
    d.popularity = a.popularity;
    d.genres = a.genres;
    docs.push_back(std::move(d));
  }
  struct Al {
    const char* id;
    const char* title;
    const char* artist_id;
    const char* artist;
    int year;
  };
  const std::vector<Al> albums = {
      {"al_thriller", "Thriller", "a_mj", "Michael Jackson", 1982},
      {"al_kindofblue", "Kind of Blue", "a_miles", "Miles Davis", 1959},
      {"al_homogenic", "Homogenic", "a_bjork", "Björk", 1997},
      {"al_1989", "1989", "a_taylor", "Taylor Swift", 2014},
      {"al_abbey", "Abbey Road", "a_beatles", "The Beatles", 1969},
      {"al_okc", "OK Computer", "a_radiohead", "Radiohead", 1997},
      {"al_nevermind", "Nevermind", "a_nirvana", "Nirvana", 1991},
      {"al_whenwe", "When We All Fall Asleep, Where Do We Go?", "a_billie", "Billie Eilish", 2019},
  };
  for (const auto& a : albums) {
    SearchDocument d;
    d.kind = K::kAlbum;
    d.id = a.id;
    d.name = a.title;
    d.artist_ids = {a.artist_id};
    d.artist_names = {a.artist};
    d.year = a.year;
    d.popularity = 80;
    docs.push_back(std::move(d));
  }
  struct P {
    const char* id;
    const char* name;
    const char* description;
  };
  for (const P& p : std::vector<P>{{"pl_chill", "Chill Vibes", "relaxing lo-fi beats to study to"},
                                   {"pl_workout", "Workout Hits", "high energy for the gym"},
                                   {"pl_beatles", "Best of the Beatles", "sixties classics"}}) {
    SearchDocument d;
    d.kind = K::kPlaylist;
    d.id = p.id;
    d.name = p.name;
    d.text = p.description;
    d.payload = std::string("{\"playlist_id\":\"") + p.id + "\"}";
    docs.push_back(std::move(d));
  }
  // Podcasts, through the indexer's own document builders.
  struct S {
    const char* id;
    const char* title;
    const char* publisher;
    const char* description;
    std::vector<std::string> markets;
    bool explicit_content;
  };
  std::vector<catalog::Show> shows;
  for (const S& s : std::vector<S>{
           {"sh_serial", "Serial", "Serial Productions",
            "investigative journalism, one story told week by week", {}, false},
           {"sh_hardcore", "Hardcore History", "Dan Carlin",
            "long-form history of the ancient world", {}, false},
           {"sh_radiolab", "Radiolab", "WNYC Studios", "curiosity, science and philosophy",
            {"US"}, false},
           {"sh_cbb", "Comedy Bang Bang", "Earwolf", "improvised comedy", {}, true},
       }) {
    catalog::Show show;
    show.show_id = s.id;
    show.title = s.title;
    show.publisher = s.publisher;
    show.description = s.description;
    show.available_countries = s.markets;
    show.explicit_content = s.explicit_content;
    shows.push_back(show);
    docs.push_back(ShowDocument(show));
  }
  struct E {
    const char* id;
    size_t show;  // index into shows
    const char* title;
    const char* description;
    const char* date;
    int64_t duration_ms;
    bool explicit_content;
  };
  for (const E& e : std::vector<E>{
           {"ep_alibi", 0, "The Alibi", "a high school murder in Baltimore", "2014-10-03",
            3'180'000, false},
           {"ep_khans", 1, "Wrath of the Khans", "the Mongol empire rises from the steppe", "2013",
            14'400'000, false},
           {"ep_colors", 2, "Colors", "how we see the rainbow", "2012-05-21", 3'600'000, false},
           {"ep_harris", 3, "Harris Wittels", "a friend remembered", "2014-02-02", 4'000'000,
            true},
       }) {
    catalog::Episode episode;
    episode.episode_id = e.id;
    const catalog::Show& show = shows[e.show];
    episode.show = {show.show_id, show.title, show.publisher, show.artwork_id,
                    show.available_countries};
    episode.title = e.title;
    episode.description = e.description;
    episode.release_date = e.date;
    episode.duration_ms = e.duration_ms;
    episode.explicit_content = e.explicit_content;
    docs.push_back(EpisodeDocument(episode));
  }
  return docs;
}

class RelevanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto index = OpenXapianIndex(dir_->path() + "/search");
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = index->release();
    for (const auto& d : Corpus()) ASSERT_TRUE(index_->Put(d).ok());
    ASSERT_TRUE(index_->Commit({}).ok());
  }
  static void TearDownTestSuite() {
    delete index_;
    delete dir_;
  }

  static SearchResults Run(const SearchQuery& q) {
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SearchResults();
  }
  static std::vector<std::string> Ids(const SearchResults& r, K kind) {
    std::vector<std::string> ids;
    auto it = r.kinds.find(kind);
    if (it == r.kinds.end()) return ids;
    for (const auto& h : it->second.hits) ids.push_back(h.id);
    return ids;
  }

  static testing::TempDir* dir_;
  static SearchIndex* index_;
};
testing::TempDir* RelevanceTest::dir_ = nullptr;
SearchIndex* RelevanceTest::index_ = nullptr;

SearchQuery Q(std::string text, K kind, std::string market = "US") {
  SearchQuery q;
  q.text = std::move(text);
  q.kinds = {kind};
  q.market = std::move(market);
  return q;
}

// Each case: the query, the kind searched, and the id that must be within the top k.
struct Case {
  const char* group;
  const char* text;
  K kind;
  const char* expected;
  size_t k;
  std::function<void(SearchQuery&)> tweak = nullptr;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      // Exact words.
      {"exact", "bad guy", K::kTrack, "t_badguy", 1},
      {"exact", "billie eilish", K::kArtist, "a_billie", 1},
      {"exact", "billie eilish", K::kTrack, "t_badguy", 3},
      {"exact", "halo", K::kTrack, "t_halo", 1},
      {"exact", "hey jude", K::kTrack, "t_heyjude", 1},
      {"exact", "yesterday", K::kTrack, "t_yesterday", 1},
      {"exact", "bohemian rhapsody", K::kTrack, "t_bohemian", 1},
      {"exact", "get lucky", K::kTrack, "t_getlucky", 1},
      {"exact", "so what", K::kTrack, "t_sowhat", 1},
      {"exact", "humble", K::kTrack, "t_humble", 1},
      {"exact", "shape of you", K::kTrack, "t_shape", 1},
      {"exact", "piano man", K::kTrack, "t_pianoman", 1},
      {"exact", "creep", K::kTrack, "t_creep", 1},
      {"exact", "yellow", K::kTrack, "t_yellow", 1},
      {"exact", "thriller", K::kAlbum, "al_thriller", 1},
      {"exact", "kind of blue", K::kAlbum, "al_kindofblue", 1},
      {"exact", "radiohead", K::kArtist, "a_radiohead", 1},
      {"exact", "daft punk", K::kTrack, "t_getlucky", 2},
      {"exact", "daft punk", K::kTrack, "t_around", 2},
      {"exact", "smells like teen spirit", K::kTrack, "t_teen", 1},
      {"exact", "love story", K::kTrack, "t_lovestory", 1},
      {"exact", "billie jean", K::kTrack, "t_billiejean", 1},
      {"exact", "the beatles", K::kArtist, "a_beatles", 1},
      {"exact", "adele hello", K::kTrack, "t_hello", 1},
      {"exact", "kendrick lamar alright", K::kTrack, "t_alright", 1},
      {"exact", "crazy in love", K::kTrack, "t_crazy", 1},
      {"exact", "chill vibes", K::kPlaylist, "pl_chill", 1},
      {"exact", "nevermind", K::kAlbum, "al_nevermind", 1},
      {"exact", "abbey road", K::kAlbum, "al_abbey", 1},
      // Case and diacritics fold both ways.
      {"diacritics", "beyonce", K::kArtist, "a_beyonce", 1},
      {"diacritics", "BEYONCE HALO", K::kTrack, "t_halo", 1},
      {"diacritics", "Beyoncé", K::kArtist, "a_beyonce", 1},
      {"diacritics", "bjork", K::kArtist, "a_bjork", 1},
      {"diacritics", "joga", K::kTrack, "t_joga", 1},
      {"diacritics", "sigur ros", K::kArtist, "a_sigur", 1},
      {"diacritics", "hoppipolla", K::kTrack, "t_hoppipolla", 1},
      {"diacritics", "motley crue", K::kArtist, "a_motley", 1},
      {"diacritics", "rosalia malamente", K::kTrack, "t_malamente", 1},
      {"diacritics", "titi me pregunto", K::kTrack, "t_titi", 1},
      {"diacritics", "HÓPPÍPOLLA", K::kTrack, "t_hoppipolla", 1},
      // Typos: 1 edit for 5-8 letters, 2 beyond.
      {"typo", "bilie elish", K::kArtist, "a_billie", 1},
      {"typo", "bilie elish", K::kTrack, "t_badguy", 3},
      {"typo", "bohemain rhapsody", K::kTrack, "t_bohemian", 1},
      {"typo", "bohemian rapsody", K::kTrack, "t_bohemian", 1},
      {"typo", "beyonse", K::kArtist, "a_beyonce", 1},
      {"typo", "radiohed", K::kArtist, "a_radiohead", 1},
      {"typo", "nirvanna", K::kArtist, "a_nirvana", 1},
      {"typo", "coldpaly", K::kArtist, "a_coldplay", 1},
      {"typo", "kendrik lamarr", K::kArtist, "a_kendrick", 1},
      {"typo", "dangerouslee", K::kTrack, "t_crazy", 1},
      {"typo", "thriler", K::kAlbum, "al_thriller", 1},
      {"typo", "eminen", K::kArtist, "a_eminem", 1},
      {"typo", "shkae it off", K::kTrack, "t_shakeitoff", 1},
      {"typo", "taylr swift", K::kArtist, "a_taylor", 1},
      {"typo", "hoppipola", K::kTrack, "t_hoppipolla", 1},
      // As-you-type: the last word is a prefix.
      {"prefix", "billie ei", K::kArtist, "a_billie", 1},
      {"prefix", "bohemian rha", K::kTrack, "t_bohemian", 1},
      {"prefix", "karm", K::kTrack, "t_karma", 1},
      {"prefix", "smells like te", K::kTrack, "t_teen", 1},
      {"prefix", "shape o", K::kTrack, "t_shape", 1},
      {"prefix", "coldp", K::kArtist, "a_coldplay", 1},
      {"prefix", "get luc", K::kTrack, "t_getlucky", 1},
      {"prefix", "kendr", K::kArtist, "a_kendrick", 1},
      // Filters.
      {"filter", "love", K::kTrack, "t_lovestory", 1,
       [](SearchQuery& q) { q.genres = {"country"}; }},
      {"filter", "love", K::kTrack, "t_crazy", 1,
       [](SearchQuery& q) {
         q.year_min = 2000;
         q.year_max = 2005;
       }},
      {"filter", "thriller", K::kTrack, "t_thriller", 1,
       [](SearchQuery& q) {
         q.duration_min_ms = 300000;
         q.duration_max_ms = 400000;
       }},
      {"filter", "alright", K::kTrack, "t_alright", 1,
       [](SearchQuery& q) { q.explicit_content = true; }},
      {"filter", "halo live", K::kTrack, "t_halo_live", 1, [](SearchQuery& q) { q.market = "GB"; }},
      {"filter", "beatles", K::kTrack, "t_heyjude", 1,
       [](SearchQuery& q) {
         q.year_max = 1968;
         q.year_min = 1968;
       }},
      // Lyrics and descriptions are searched, below names.
      {"lyrics", "moonlight whispers", K::kTrack, "t_quiet", 1},
      {"lyrics", "counting streetlights", K::kTrack, "t_basket", 1},
      {"lyrics", "neon rivers overpass", K::kTrack, "t_basket", 1},  // between word tags
      {"lyrics", "corner cafe", K::kTrack, "t_basket", 1},           // folded like names
      // A title word beats the same word in a more popular track's lyrics, and lyrics never
      // sink a track below others for its own title.
      {"lyrics-below-names", "ocean", K::kTrack, "t_ocean", 1},
      {"lyrics-below-names", "ocean", K::kTrack, "t_basket", 2},
      {"lyrics-keep-names", "basket case", K::kTrack, "t_basket", 1},
      {"lyrics", "lo-fi beats", K::kPlaylist, "pl_chill", 1},
      // Popularity breaks ties between equal titles.
      {"popularity", "hello", K::kTrack, "t_hello", 1},
      // Exact words above typo corrections: "queen" is 1 edit from "queens".
      {"exact-over-fuzzy", "queen", K::kArtist, "a_queen", 1},
      {"exact-over-fuzzy", "queen", K::kArtist, "a_queens", 2},
      {"exact-over-fuzzy", "queens", K::kArtist, "a_queens", 1},
      {"exact-over-fuzzy", "green day", K::kArtist, "a_greenday", 1},
      // A word nothing holds: the other words still find it (relaxed to any word).
      {"relaxed", "bad guy zzqqxx", K::kTrack, "t_badguy", 1},
      // Podcasts: shows by name and publisher, episodes by title, show and description.
      {"show", "serial", K::kShow, "sh_serial", 1},
      {"show", "hardcore history", K::kShow, "sh_hardcore", 1},
      {"show", "dan carlin", K::kShow, "sh_hardcore", 1},
      {"show", "ancient world", K::kShow, "sh_hardcore", 1},
      {"show", "hardcor histry", K::kShow, "sh_hardcore", 1},
      {"show", "radiolab", K::kShow, "sh_radiolab", 1},
      {"show", "comedy ba", K::kShow, "sh_cbb", 1},
      {"episode", "the alibi", K::kEpisode, "ep_alibi", 1},
      {"episode", "serial alibi", K::kEpisode, "ep_alibi", 1},
      {"episode", "wrath of the kahns", K::kEpisode, "ep_khans", 1},
      {"episode", "mongol empire", K::kEpisode, "ep_khans", 1},
      {"episode", "hardcore history", K::kEpisode, "ep_khans", 1},
      {"episode", "colors", K::kEpisode, "ep_colors", 1},
      {"episode", "harris", K::kEpisode, "ep_harris", 1,
       [](SearchQuery& q) { q.explicit_content = true; }},
      {"episode", "alibi", K::kEpisode, "ep_alibi", 1,
       [](SearchQuery& q) {
         q.year_min = 2014;
         q.year_max = 2014;
       }},
      {"episode", "khans", K::kEpisode, "ep_khans", 1,
       [](SearchQuery& q) { q.duration_min_ms = 10'000'000; }},
  };
  return cases;
}

TEST_F(RelevanceTest, TableOfQueriesFindsTheExpectedTopK) {
  ASSERT_GE(Cases().size(), 60u);
  for (const auto& c : Cases()) {
    SearchQuery q = Q(c.text, c.kind);
    if (c.tweak) c.tweak(q);
    auto ids = Ids(Run(q), c.kind);
    if (ids.size() > c.k) ids.resize(c.k);
    EXPECT_THAT(ids, ::testing::Contains(std::string(c.expected)))
        << "[" << c.group << "] '" << c.text << "' should have " << c.expected << " in the top "
        << c.k;
  }
}

TEST_F(RelevanceTest, FiltersExcludeWhatTheyShould) {
  SearchQuery q = Q("halo", K::kTrack);  // a US listener never sees the GB-only live track
  EXPECT_THAT(Ids(Run(q), K::kTrack), ::testing::Not(::testing::Contains("t_halo_live")));
  q.market = "GB";
  EXPECT_THAT(Ids(Run(q), K::kTrack), ::testing::Contains("t_halo_live"));

  q = Q("alright", K::kTrack);
  q.explicit_content = false;
  EXPECT_THAT(Ids(Run(q), K::kTrack), ::testing::IsEmpty());

  q = Q("love", K::kTrack);
  q.genres = {"country"};
  EXPECT_THAT(Ids(Run(q), K::kTrack), ::testing::ElementsAre("t_lovestory"));

  q = Q("the beatles", K::kTrack);
  q.duration_max_ms = 200000;
  EXPECT_THAT(Ids(Run(q), K::kTrack), ::testing::ElementsAre("t_yesterday"));
}

TEST_F(RelevanceTest, TypoToleranceFollowsAuto) {
  // Under 5 letters nothing is corrected: "hallo" (5) finds "hello", "helo" (4) does not.
  EXPECT_THAT(Ids(Run(Q("hallo", K::kTrack)), K::kTrack), ::testing::Contains("t_hello"));
  EXPECT_THAT(Ids(Run(Q("helo", K::kTrack)), K::kTrack), ::testing::IsEmpty());
  // 2 edits only beyond 8 letters: "rhaspodyy" (9) is fine, "rhpsdy" (6, 2 edits) is not.
  EXPECT_THAT(Ids(Run(Q("rhaspodyy", K::kTrack)), K::kTrack), ::testing::Contains("t_bohemian"));
  EXPECT_THAT(Ids(Run(Q("rhpsdy", K::kTrack)), K::kTrack), ::testing::IsEmpty());
}

TEST_F(RelevanceTest, FacetsCountGenresArtistsAndYears) {
  SearchQuery q = Q("love", K::kTrack);
  SearchResults r = Run(q);
  auto has = [](const std::vector<FacetCount>& v, const std::string& value, int64_t count) {
    for (const auto& f : v) {
      if (f.value == value) return f.count == count;
    }
    return false;
  };
  // "love": Crazy in Love (r&b, 2003), Love Story (country+pop, 2008).
  EXPECT_TRUE(has(r.facets.genres, "r&b", 1));
  EXPECT_TRUE(has(r.facets.genres, "country", 1));
  EXPECT_TRUE(has(r.facets.genres, "pop", 1));
  EXPECT_TRUE(has(r.facets.artists, "Taylor Swift", 1));
  EXPECT_TRUE(has(r.facets.artists, "Beyoncé", 1));
  EXPECT_TRUE(has(r.facets.release_years, "2003", 1));
  EXPECT_TRUE(has(r.facets.release_years, "2008", 1));

  r = Run(Q("the beatles", K::kTrack));
  EXPECT_TRUE(has(r.facets.artists, "The Beatles", 3));
  EXPECT_EQ(r.facets.genres.size(), 1u);
}

TEST_F(RelevanceTest, HighlightsWrapMatchedWords) {
  SearchResults r = Run(Q("bad guy", K::kTrack));
  ASSERT_FALSE(r.kinds[K::kTrack].hits.empty());
  const auto& h = r.kinds[K::kTrack].hits[0].highlights;
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h[0].field, "title");
  EXPECT_EQ(h[0].fragment, "<em>Bad</em> <em>Guy</em>");

  r = Run(Q("beyonce", K::kTrack));
  ASSERT_FALSE(r.kinds[K::kTrack].hits.empty());
  bool artist = false;
  for (const auto& hl : r.kinds[K::kTrack].hits[0].highlights) {
    if (hl.field == "artist") artist = hl.fragment == "<em>Beyoncé</em>";
  }
  EXPECT_TRUE(artist);

  r = Run(Q("moonlight", K::kTrack));
  ASSERT_FALSE(r.kinds[K::kTrack].hits.empty());
  bool lyrics = false;
  for (const auto& hl : r.kinds[K::kTrack].hits[0].highlights) {
    if (hl.field == "lyrics") lyrics = hl.fragment.find("<em>moonlight</em>") != std::string::npos;
  }
  EXPECT_TRUE(lyrics);
}

TEST_F(RelevanceTest, PersonalizationReordersForDifferentTastes) {
  // "hello": Adele's (popular, pop) wins for everyone by default.
  EXPECT_EQ(Ids(Run(Q("hello", K::kTrack)), K::kTrack).front(), "t_hello");
  // A soul listener gets Lionel Richie first (genre x1.5) ...
  SearchQuery soul = Q("hello", K::kTrack);
  soul.taste.genres = {"soul"};
  EXPECT_EQ(Ids(Run(soul), K::kTrack).front(), "t_hello_lionel");
  // ... and a pop listener who follows Adele keeps Adele first.
  SearchQuery pop = Q("hello", K::kTrack);
  pop.taste.genres = {"pop"};
  pop.taste.artist_ids = {"a_adele"};
  EXPECT_EQ(Ids(Run(pop), K::kTrack).front(), "t_hello");

  // "love": Beyoncé's fan and Taylor Swift's fan see different first results.
  SearchQuery bey = Q("love", K::kTrack);
  bey.taste.artist_ids = {"a_beyonce"};
  SearchQuery tay = Q("love", K::kTrack);
  tay.taste.artist_ids = {"a_taylor"};
  EXPECT_EQ(Ids(Run(bey), K::kTrack).front(), "t_crazy");
  EXPECT_EQ(Ids(Run(tay), K::kTrack).front(), "t_lovestory");
}

TEST_F(RelevanceTest, PagingIsStableWithAndWithoutTaste) {
  for (bool taste : {false, true}) {
    SearchQuery all = Q("the", K::kTrack);
    if (taste) all.taste.genres = {"rock"};
    all.limit = 10;
    auto ids = Ids(Run(all), K::kTrack);
    ASSERT_GE(ids.size(), 4u);
    SearchQuery second = all;
    second.limit = 2;
    second.offset = 2;
    EXPECT_THAT(Ids(Run(second), K::kTrack), ::testing::ElementsAre(ids[2], ids[3]));
  }
}

TEST_F(RelevanceTest, PodcastKindsStayApartFromMusicAndFollowTheirFilters) {
  // One query, both podcast kinds: each section holds only its kind.
  SearchQuery q = Q("hardcore history", K::kShow);
  q.kinds = {K::kShow, K::kEpisode};
  SearchResults r = Run(q);
  EXPECT_EQ(r.kinds.size(), 2u);
  EXPECT_THAT(Ids(r, K::kShow), ::testing::ElementsAre("sh_hardcore"));
  EXPECT_THAT(Ids(r, K::kEpisode), ::testing::ElementsAre("ep_khans"));
  // Podcast words never find tracks, and track words never find episodes.
  EXPECT_THAT(Ids(Run(Q("mongol empire", K::kTrack)), K::kTrack), ::testing::IsEmpty());
  EXPECT_THAT(Ids(Run(Q("bad guy", K::kEpisode)), K::kEpisode), ::testing::IsEmpty());
  // Markets: a US-only show and its episodes are hidden elsewhere.
  EXPECT_THAT(Ids(Run(Q("radiolab", K::kShow, "GB")), K::kShow), ::testing::IsEmpty());
  EXPECT_THAT(Ids(Run(Q("colors", K::kEpisode, "GB")), K::kEpisode), ::testing::IsEmpty());
  // Explicit, year and duration filters apply to episodes; explicit to shows.
  SearchQuery clean = Q("comedy bang bang", K::kShow);
  clean.explicit_content = false;
  EXPECT_THAT(Ids(Run(clean), K::kShow), ::testing::IsEmpty());
  clean = Q("harris", K::kEpisode);
  clean.explicit_content = false;
  EXPECT_THAT(Ids(Run(clean), K::kEpisode), ::testing::IsEmpty());
  SearchQuery old = Q("alibi", K::kEpisode);
  old.year_max = 2010;
  EXPECT_THAT(Ids(Run(old), K::kEpisode), ::testing::IsEmpty());
  SearchQuery shorter = Q("khans", K::kEpisode);
  shorter.duration_max_ms = 3'600'000;
  EXPECT_THAT(Ids(Run(shorter), K::kEpisode), ::testing::IsEmpty());
  // Highlights name the podcast fields.
  q = Q("dan carlin ancient", K::kShow);
  r = Run(q);
  ASSERT_FALSE(r.kinds[K::kShow].hits.empty());
  std::map<std::string, std::string> fields;
  for (const auto& h : r.kinds[K::kShow].hits[0].highlights) fields[h.field] = h.fragment;
  EXPECT_EQ(fields["publisher"], "<em>Dan</em> <em>Carlin</em>");
  EXPECT_THAT(fields["description"], ::testing::HasSubstr("<em>ancient</em>"));
  r = Run(Q("serial alibi", K::kEpisode));
  ASSERT_FALSE(r.kinds[K::kEpisode].hits.empty());
  fields.clear();
  for (const auto& h : r.kinds[K::kEpisode].hits[0].highlights) fields[h.field] = h.fragment;
  EXPECT_EQ(fields["show"], "<em>Serial</em>");
  EXPECT_EQ(fields["name"], "The <em>Alibi</em>");
}

TEST_F(RelevanceTest, SuggestCompletesNames) {
  auto s = index_->Suggest("billie ei", "US", 5);
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->empty());
  EXPECT_EQ((*s)[0].text, "Billie Eilish");
  s = index_->Suggest("bohem", "US", 5);
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->empty());
  EXPECT_EQ((*s)[0].text, "Bohemian Rhapsody");
  // Completions name what is typed: words only lyrics or descriptions hold suggest nothing.
  ASSERT_FALSE(Ids(Run(Q("streetlights", K::kTrack)), K::kTrack).empty());
  s = index_->Suggest("streetlights", "US", 5);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->empty());
  s = index_->Suggest("lo-fi beats", "US", 5);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->empty());
  // Show names complete too, within the caller's market.
  s = index_->Suggest("hardcore hist", "US", 5);
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->empty());
  EXPECT_EQ((*s)[0].text, "Hardcore History");
  EXPECT_EQ((*s)[0].kind, K::kShow);
  s = index_->Suggest("radiol", "GB", 5);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->empty());
}

TEST_F(RelevanceTest, HostileQueriesAreAnsweredWithinBounds) {
  std::string big;
  while (big.size() < 10 * 1024) big += "love story billie AND OR NOT (\"quoted\") * ~ ";
  const std::vector<std::string> hostile = {
      big,
      "\"bad guy\" AND NOT -halo OR (yellow) title:creep *lucky* ~2 ^3 \\ / : ; ' \" ",
      std::string("bad \xff\xfe guy \xc3\x28 \xe2\x82"),  // invalid UTF-8 sequences
      std::string(5000, 'a'),
      "((((((((((((((((((((",
      "\"",
      std::string("\0bad\0guy", 8),
      "🎵🎶 bad guy 🎵",
  };
  for (const auto& text : hostile) {
    const auto start = std::chrono::steady_clock::now();
    SearchQuery q = Q(text, K::kTrack);
    q.kinds = {K::kTrack, K::kArtist, K::kAlbum, K::kPlaylist};
    auto r = index_->Search(q);
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_LT(ms, 300.0) << "query of " << text.size() << " bytes took " << ms << " ms";
  }
  // The invalid-UTF-8 and emoji queries still find the track from their valid words.
  EXPECT_THAT(Ids(Run(Q(std::string("bad \xff\xfe guy"), K::kTrack)), K::kTrack),
              ::testing::Contains("t_badguy"));
  EXPECT_THAT(Ids(Run(Q("🎵🎶 bad guy 🎵", K::kTrack)), K::kTrack), ::testing::Contains("t_badguy"));
}

TEST_F(RelevanceTest, ReplacingAndRemovingDocumentsTakesEffectAtCommit) {
  testing::TempDir dir;
  auto index = OpenXapianIndex(dir.path() + "/idx");
  ASSERT_TRUE(index.ok());
  SearchDocument d;
  d.kind = K::kTrack;
  d.id = "t_x";
  d.name = "Original Title";
  ASSERT_TRUE((*index)->Put(d).ok());
  ASSERT_TRUE((*index)->Commit({{"k", "v1"}}).ok());
  auto ids = [&](const char* text) {
    auto r = (*index)->Search(Q(text, K::kTrack));
    EXPECT_TRUE(r.ok());
    return Ids(*r, K::kTrack);
  };
  EXPECT_THAT(ids("original"), ::testing::ElementsAre("t_x"));
  d.name = "Renamed Song";
  ASSERT_TRUE((*index)->Put(d).ok());
  EXPECT_THAT(ids("original"), ::testing::ElementsAre("t_x"));  // not yet committed
  ASSERT_TRUE((*index)->Commit({{"k", "v2"}}).ok());
  EXPECT_THAT(ids("original"), ::testing::IsEmpty());
  EXPECT_THAT(ids("renamed"), ::testing::ElementsAre("t_x"));
  EXPECT_EQ(*(*index)->GetMetadata("k"), "v2");
  ASSERT_TRUE((*index)->Remove(K::kTrack, "t_x").ok());
  ASSERT_TRUE((*index)->Commit({}).ok());
  EXPECT_THAT(ids("renamed"), ::testing::IsEmpty());
  EXPECT_EQ(*(*index)->DocumentCount(), 0);
}

}  // namespace
}  // namespace sonora::search
