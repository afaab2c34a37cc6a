// bench/search: builds the Sonora search index (Xapian) and an SQLite FTS5 table from the same
// generated catalog, then runs the same query mix (exact, typo, prefix, filter) against both on
// N threads and prints build time, size, QPS, p50/p99 and recall@20 per class. bench/search/run
// adds Xapian's `quest` on the same index. Progress goes to stderr, the report to stdout.
// Latency is reported as wall time and as the query thread's CPU time, which other load on the
// machine does not inflate. Options for looking at the tail on an index already built:
//   --reuse 1 --fts 0                  Sonora only, on the index in --dir
//   --cache-min-docs 0                 the index's memory cache off (A/B)
//   --only "scream love;wave|pop|2010" time just these queries (30 runs each)
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/strings.h"
#include "names.h"
#include "search/search_index.h"
#include "search/text.h"

namespace sonora::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int64_t DirBytes(const std::string& path) {
  int64_t total = 0;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec))
    return static_cast<int64_t>(std::filesystem::file_size(path, ec));
  for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (e.is_regular_file(ec)) total += static_cast<int64_t>(e.file_size(ec));
  }
  return total;
}

std::string TrackId(size_t i) { return "t" + std::to_string(i); }

enum class Kind { kExact, kTypo, kPrefix, kFilter };
const char* KindName(Kind k) {
  switch (k) {
    case Kind::kExact:
      return "exact";
    case Kind::kTypo:
      return "typo";
    case Kind::kPrefix:
      return "prefix";
    case Kind::kFilter:
      return "filter";
  }
  return "?";
}

struct BenchQuery {
  Kind kind;
  std::vector<std::string> words;  // folded; the last one is a prefix for kPrefix
  std::string text;                // what a user typed
  std::string genre;               // kFilter
  int year_min = 0, year_max = 0;  // kFilter
  size_t target = 0;               // the track the query was made from
};

// The title without "(Remix)" / " - Remastered" tails, as people type it.
std::string MainTitle(const std::string& title) {
  size_t cut = std::min(title.find(" ("), title.find(" - "));
  return cut == std::string::npos ? title : title.substr(0, cut);
}

std::string Typo(const std::string& w, std::mt19937_64& rng) {
  std::string s = w;
  const size_t pos = 1 + rng() % (s.size() - 2);
  switch (rng() % 4) {
    case 0:
      s[pos] = static_cast<char>('a' + rng() % 26);
      break;  // substitute
    case 1:
      s.erase(pos, 1);
      break;  // delete
    case 2:
      s.insert(pos, 1, static_cast<char>('a' + rng() % 26));
      break;  // insert
    default:
      std::swap(s[pos], s[pos + 1 < s.size() ? pos + 1 : pos - 1]);
      break;  // swap
  }
  return s;
}

std::vector<BenchQuery> MakeQueries(const Catalog& c, size_t per_kind, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<BenchQuery> out;
  auto pick = [&] { return static_cast<size_t>(rng() % c.tracks.size()); };
  auto join = [](const std::vector<std::string>& w) {
    std::string s;
    for (const auto& x : w) s += (s.empty() ? "" : " ") + x;
    return s;
  };
  for (Kind kind : {Kind::kExact, Kind::kTypo, Kind::kPrefix, Kind::kFilter}) {
    size_t made = 0;
    while (made < per_kind) {
      const size_t i = pick();
      const GenTrack& t = c.tracks[i];
      if (!t.market.empty() && t.market != "US") continue;  // the benchmark listener is in the US
      BenchQuery q;
      q.kind = kind;
      q.words = search::Words(MainTitle(t.title));
      q.target = i;
      if (q.words.empty()) continue;
      const bool with_artist = kind != Kind::kFilter && rng() % 2 == 0;
      if (with_artist) {
        for (auto& w : search::Words(c.artists[t.artist].name)) q.words.push_back(std::move(w));
      }
      if (kind == Kind::kTypo) {
        std::vector<size_t> candidates;
        for (size_t k = 0; k < q.words.size(); ++k) {
          bool ascii = std::all_of(q.words[k].begin(), q.words[k].end(),
                                   [](char ch) { return ch >= 'a' && ch <= 'z'; });
          if (ascii && q.words[k].size() >= 5) candidates.push_back(k);
        }
        if (candidates.empty()) continue;
        std::string& w = q.words[candidates[rng() % candidates.size()]];
        w = Typo(w, rng);
      } else if (kind == Kind::kPrefix) {
        std::string& last = q.words.back();
        if (last.size() < 3) continue;
        last = last.substr(0, std::max<size_t>(2, last.size() / 2));
      } else if (kind == Kind::kFilter) {
        q.words.resize(1);
        q.genre = c.artists[t.artist].genre;
        q.year_min = t.year - t.year % 10;
        q.year_max = q.year_min + 9;
      }
      q.text = join(q.words);
      out.push_back(std::move(q));
      ++made;
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

struct Stats {
  std::vector<double> ms;
  std::vector<double> cpu_ms;  // the query thread's own CPU time: what other load cannot inflate
  int64_t hits = 0;
};

// CPU time of the calling thread, in milliseconds.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Runs `fn(query) -> found target` for every query on `threads` threads; per-kind latency.
// Stops taking new queries after `max_seconds`; the queries are shuffled, so the ones run are a
// random sample of every class.
template <typename Fn>
std::pair<std::map<Kind, Stats>, double> RunAll(const std::vector<BenchQuery>& queries, int threads,
                                                Fn make_worker, double max_seconds = 1e9) {
  std::vector<std::map<Kind, Stats>> per_thread(static_cast<size_t>(threads));
  std::atomic<size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto fn = make_worker();
      for (size_t i; (i = next.fetch_add(1)) < queries.size();) {
        if (Seconds(start, Clock::now()) > max_seconds) break;
        const double cpu_a = ThreadCpuMs();
        const auto a = Clock::now();
        bool found = fn(queries[i]);
        const auto b = Clock::now();
        const double cpu_b = ThreadCpuMs();
        Stats& s = per_thread[static_cast<size_t>(t)][queries[i].kind];
        s.ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
        s.cpu_ms.push_back(cpu_b - cpu_a);
        s.hits += found;
      }
    });
  }
  for (auto& th : pool) th.join();
  const double wall = Seconds(start, Clock::now());
  std::map<Kind, Stats> merged;
  for (auto& m : per_thread) {
    for (auto& [k, s] : m) {
      merged[k].ms.insert(merged[k].ms.end(), s.ms.begin(), s.ms.end());
      merged[k].cpu_ms.insert(merged[k].cpu_ms.end(), s.cpu_ms.begin(), s.cpu_ms.end());
      merged[k].hits += s.hits;
    }
  }
  return {merged, wall};
}

void Report(const char* engine, const std::map<Kind, Stats>& stats, double wall) {
  std::vector<double> all, all_cpu;
  int64_t hits = 0;
  for (const auto& [k, s] : stats) {
    all.insert(all.end(), s.ms.begin(), s.ms.end());
    all_cpu.insert(all_cpu.end(), s.cpu_ms.begin(), s.cpu_ms.end());
    hits += s.hits;
  }
  std::printf("| %s | mix (%zu run) | %.0f | %.2f | %.2f | %.2f | %.2f | %.1f%% |\n", engine,
              all.size(), static_cast<double>(all.size()) / wall, Percentile(all, 0.5),
              Percentile(all, 0.99), Percentile(all_cpu, 0.5), Percentile(all_cpu, 0.99),
              100.0 * static_cast<double>(hits) / static_cast<double>(all.size()));
  for (const auto& [k, s] : stats) {
    std::printf("| | %s | | %.2f | %.2f | %.2f | %.2f | %.1f%% |\n", KindName(k),
                Percentile(s.ms, 0.5), Percentile(s.ms, 0.99), Percentile(s.cpu_ms, 0.5),
                Percentile(s.cpu_ms, 0.99),
                100.0 * static_cast<double>(s.hits) / static_cast<double>(s.ms.size()));
  }
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

std::string FtsQuote(const std::string& w) { return "\"" + w + "\""; }

int Main(int argc, char** argv) {
  int64_t tracks = 1'000'000;
  size_t per_kind = 1000;
  int threads = 2;
  bool facets = true;
  bool reuse = false;       // keep an index and table already in --dir (reruns)
  bool fts = true;          // --fts 0: Sonora only (profiling runs)
  double max_seconds = 60;  // per engine's query pass
  // --only "q1;q2|genre|1990": time just these queries (each 30 times, one thread) on an index
  // already in --dir, for looking at one slow query; "|genre|decade" adds a filter query's
  // filters.
  std::string only;
  // --cache-min-docs N: the memory cache threshold (XapianOptions::cache_min_docs); 0: cache off.
  int64_t cache_min_docs = search::XapianOptions{}.cache_min_docs;
  std::string dir = "/tmp/sonora-search-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--tracks")
      tracks = std::atoll(argv[i + 1]);
    else if (flag == "--queries")
      per_kind = static_cast<size_t>(std::atoll(argv[i + 1]));
    else if (flag == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (flag == "--dir")
      dir = argv[i + 1];
    else if (flag == "--facets")
      facets = std::string(argv[i + 1]) != "0";
    else if (flag == "--fts")
      fts = std::string(argv[i + 1]) != "0";
    else if (flag == "--reuse")
      reuse = std::string(argv[i + 1]) != "0";
    else if (flag == "--max-seconds")
      max_seconds = std::atof(argv[i + 1]);
    else if (flag == "--cache-min-docs")
      cache_min_docs = std::atoll(argv[i + 1]);
    else if (flag == "--only")
      only = argv[i + 1];
  }
  reuse = reuse && std::filesystem::exists(dir + "/search") &&
          (!fts || std::filesystem::exists(dir + "/fts.db"));
  if (!reuse) {
    std::filesystem::remove_all(dir + "/search");
    std::filesystem::remove(dir + "/fts.db");
  }
  std::filesystem::create_directories(dir);

  auto t0 = Clock::now();
  Catalog c = Generate(tracks, 42);
  std::fprintf(stderr, "generated %zu tracks, %zu albums, %zu artists in %.1f s\n", c.tracks.size(),
               c.albums.size(), c.artists.size(), Seconds(t0, Clock::now()));

  // --- Sonora (Xapian) index build.
  t0 = Clock::now();
  if (!reuse) {
    auto index = search::OpenXapianIndex(dir + "/search");
    if (!index.ok()) {
      std::fprintf(stderr, "open: %s\n", index.status().ToString().c_str());
      return 1;
    }
    size_t done = 0;
    auto put = [&](const search::SearchDocument& d) {
      Status s = (*index)->Put(d);
      if (!s.ok()) {
        std::fprintf(stderr, "put: %s\n", s.ToString().c_str());
        std::exit(1);
      }
      if (++done % 100'000 == 0) {
        s = (*index)->Commit({});
        if (!s.ok()) std::exit(1);
        std::fprintf(stderr, "  indexed %zu documents (%.0f s)\n", done, Seconds(t0, Clock::now()));
      }
    };
    // Most popular first, as Indexer::Rebuild writes them (the match budget relies on it).
    std::vector<size_t> order(c.tracks.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return c.tracks[a].popularity > c.tracks[b].popularity;
    });
    for (size_t i : order) {
      const GenTrack& t = c.tracks[i];
      search::SearchDocument d;
      d.kind = search::DocKind::kTrack;
      d.id = TrackId(i);
      d.name = t.title;
      d.artist_names = {c.artists[t.artist].name};
      d.artist_ids = {"a" + std::to_string(t.artist)};
      d.album_title = c.albums[t.album].title;
      d.genres = {c.artists[t.artist].genre};
      d.year = t.year;
      d.duration_ms = t.duration_ms;
      d.explicit_content = t.explicit_content;
      d.popularity = t.popularity;
      if (!t.market.empty()) d.markets = {t.market};
      put(d);
    }
    for (size_t i = 0; i < c.albums.size(); ++i) {
      search::SearchDocument d;
      d.kind = search::DocKind::kAlbum;
      d.id = "al" + std::to_string(i);
      d.name = c.albums[i].title;
      d.artist_names = {c.artists[c.albums[i].artist].name};
      d.year = c.albums[i].year;
      put(d);
    }
    for (size_t i = 0; i < c.artists.size(); ++i) {
      search::SearchDocument d;
      d.kind = search::DocKind::kArtist;
      d.id = "a" + std::to_string(i);
      d.name = c.artists[i].name;
      d.genres = {c.artists[i].genre};
      put(d);
    }
    if (!(*index)->Commit({}).ok()) return 1;
  }
  const double xapian_build = Seconds(t0, Clock::now());
  const int64_t xapian_bytes = DirBytes(dir + "/search");
  std::fprintf(stderr, "sonora index: %.1f s, %.0f MiB\n", xapian_build,
               static_cast<double>(xapian_bytes) / (1 << 20));

  // --- SQLite FTS5 build over the same rows.
  t0 = Clock::now();
  if (!reuse && fts) {
    sqlite3* db = nullptr;
    Check(sqlite3_open((dir + "/fts.db").c_str(), &db), db, "open");
    Check(sqlite3_exec(db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                       "CREATE VIRTUAL TABLE fts USING fts5(title, artist, album, genre UNINDEXED,"
                       " year UNINDEXED, market UNINDEXED,"
                       " tokenize='unicode61 remove_diacritics 2');",
                       nullptr, nullptr, nullptr),
          db, "create");
    Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
    sqlite3_stmt* ins = nullptr;
    Check(sqlite3_prepare_v2(db,
                             "INSERT INTO fts (rowid, title, artist, album, genre, year, market) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)",
                             -1, &ins, nullptr),
          db, "prepare");
    for (size_t i = 0; i < c.tracks.size(); ++i) {
      const GenTrack& t = c.tracks[i];
      sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(i));
      sqlite3_bind_text(ins, 2, t.title.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 3, c.artists[t.artist].name.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 4, c.albums[t.album].title.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 5, c.artists[t.artist].genre.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int(ins, 6, t.year);
      sqlite3_bind_text(ins, 7, t.market.c_str(), -1, SQLITE_STATIC);
      Check(sqlite3_step(ins), db, "insert");
      sqlite3_reset(ins);
      if ((i + 1) % 250'000 == 0) {
        std::fprintf(stderr, "  fts5 %zu rows (%.0f s)\n", i + 1, Seconds(t0, Clock::now()));
      }
    }
    sqlite3_finalize(ins);
    Check(sqlite3_exec(db, "COMMIT; INSERT INTO fts(fts) VALUES('optimize');", nullptr, nullptr,
                       nullptr),
          db, "commit");
    sqlite3_close(db);
  }
  const double fts_build = Seconds(t0, Clock::now());
  const int64_t fts_bytes = DirBytes(dir + "/fts.db");
  std::fprintf(stderr, "fts5 table: %.1f s, %.0f MiB\n", fts_build,
               static_cast<double>(fts_bytes) / (1 << 20));

  const auto queries = MakeQueries(c, per_kind, 7);
  {
    // For bench/search/run's quest pass: exact and prefix queries, one per line.
    std::ofstream q(dir + "/quest_queries.txt");
    for (const auto& bq : queries) {
      if (bq.kind == Kind::kExact) q << "exact\t" << bq.text << "\n";
      if (bq.kind == Kind::kPrefix) q << "prefix\t" << bq.text << "\n";
    }
  }

  // --- Sonora queries (the API's search: tracks, US market, facets and highlights on).
  search::XapianOptions read_options;
  read_options.readers = threads * 2;
  read_options.read_only = true;
  read_options.cache_min_docs = cache_min_docs;
  auto index = search::OpenXapianIndex(dir + "/search", read_options);
  if (!index.ok()) return 1;
  auto sonora_worker = [&] {
    return [&](const BenchQuery& bq) {
      search::SearchQuery q;
      q.text = bq.text;
      q.kinds = {search::DocKind::kTrack};
      q.limit = 20;
      q.market = "US";
      q.facets = facets;
      if (bq.kind == Kind::kFilter) {
        q.genres = {bq.genre};
        q.year_min = bq.year_min;
        q.year_max = bq.year_max;
      }
      auto r = (*index)->Search(q);
      if (!r.ok()) return false;
      const std::string want = TrackId(bq.target);
      for (const auto& h : r->kinds[search::DocKind::kTrack].hits) {
        if (h.id == want) return true;
      }
      return false;
    };
  };
  if (!only.empty()) {
    auto fn = sonora_worker();
    std::vector<BenchQuery> parsed;
    for (const auto& item : Split(only, ';')) {
      auto parts = Split(item, '|');
      BenchQuery bq;
      bq.kind = Kind::kExact;
      bq.text = parts[0];
      if (parts.size() == 3) {
        bq.kind = Kind::kFilter;
        bq.genre = parts[1];
        bq.year_min = std::atoi(parts[2].c_str());
        bq.year_max = bq.year_min + 9;
      }
      parsed.push_back(bq);
    }
    // Each query once, then time for the memory cache's builder to fetch what they asked for;
    // "first" below is therefore a warm figure when the cache is on.
    for (const auto& bq : parsed) fn(bq);
    if (cache_min_docs > 0) std::this_thread::sleep_for(std::chrono::seconds(3));
    for (const auto& bq : parsed) {
      const std::string& item = bq.text;
      std::vector<double> ms, cpu;
      for (int i = 0; i < 30; ++i) {
        const double c0 = ThreadCpuMs();
        const auto a = Clock::now();
        fn(bq);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
        cpu.push_back(ThreadCpuMs() - c0);
      }
      std::printf("%-40s first %.2f ms, median %.2f ms, min %.2f ms, median CPU %.2f ms\n",
                  item.c_str(), ms.front(), Percentile(ms, 0.5), Percentile(ms, 0),
                  Percentile(cpu, 0.5));
    }
    return 0;
  }
  std::fprintf(stderr, "running %zu queries on sonora (%d threads)\n", queries.size(), threads);
  // Warm-up on other queries (another seed, so no measured query has run before): the page
  // cache, the readers and the index's memory cache, whose background builder then gets a
  // moment to finish what the warm-up asked for.
  RunAll(MakeQueries(c, 100, 8), threads, sonora_worker);
  if (cache_min_docs > 0) std::this_thread::sleep_for(std::chrono::seconds(3));
  auto [sonora_stats, sonora_wall] = RunAll(queries, threads, sonora_worker, max_seconds);
  {
    // The slowest queries, timed again one at a time (CPU time of the thread), for the record.
    std::vector<std::pair<double, std::string>> slow;
    auto fn = sonora_worker();
    for (const auto& bq : queries) {
      const double a = ThreadCpuMs();
      fn(bq);
      std::string what = std::string(KindName(bq.kind)) + " '" + bq.text + "'";
      if (bq.kind == Kind::kFilter) what += " " + bq.genre + " " + std::to_string(bq.year_min);
      slow.emplace_back(ThreadCpuMs() - a, what);
    }
    std::sort(slow.rbegin(), slow.rend());
    for (size_t i = 0; i < 12 && i < slow.size(); ++i) {
      std::fprintf(stderr, "  slow (CPU): %.2f ms %s\n", slow[i].first, slow[i].second.c_str());
    }
  }

  // --- FTS5 queries: words ANDed, BM25 with the same column weights, prefix on the last word
  // of prefix queries, filters as WHERE clauses; FTS5 has no typo tolerance.
  auto fts_worker = [&] {
    struct Conn {
      sqlite3* db = nullptr;
      sqlite3_stmt* plain = nullptr;
      sqlite3_stmt* filtered = nullptr;
      ~Conn() {
        sqlite3_finalize(plain);
        sqlite3_finalize(filtered);
        sqlite3_close(db);
      }
    };
    auto conn = std::make_shared<Conn>();
    sqlite3_open_v2((dir + "/fts.db").c_str(), &conn->db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_prepare_v2(conn->db,
                       "SELECT rowid FROM fts WHERE fts MATCH ? AND market IN ('', 'US') "
                       "ORDER BY bm25(fts, 3.0, 2.0, 1.5) LIMIT 20",
                       -1, &conn->plain, nullptr);
    sqlite3_prepare_v2(conn->db,
                       "SELECT rowid FROM fts WHERE fts MATCH ? AND market IN ('', 'US') "
                       "AND genre = ? AND year BETWEEN ? AND ? "
                       "ORDER BY bm25(fts, 3.0, 2.0, 1.5) LIMIT 20",
                       -1, &conn->filtered, nullptr);
    return [conn](const BenchQuery& bq) {
      std::string match;
      for (size_t k = 0; k < bq.words.size(); ++k) {
        if (k) match += " ";
        match += FtsQuote(bq.words[k]);
        if (bq.kind == Kind::kPrefix && k + 1 == bq.words.size()) match += "*";
      }
      sqlite3_stmt* st = bq.kind == Kind::kFilter ? conn->filtered : conn->plain;
      sqlite3_bind_text(st, 1, match.c_str(), -1, SQLITE_TRANSIENT);
      if (bq.kind == Kind::kFilter) {
        sqlite3_bind_text(st, 2, bq.genre.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, bq.year_min);
        sqlite3_bind_int(st, 4, bq.year_max);
      }
      bool found = false;
      while (sqlite3_step(st) == SQLITE_ROW) {
        found = found || static_cast<size_t>(sqlite3_column_int64(st, 0)) == bq.target;
      }
      sqlite3_reset(st);
      return found;
    };
  };
  if (fts) {
    std::fprintf(stderr, "running %zu queries on sqlite fts5 (%d threads)\n", queries.size(),
                 threads);
  }
  std::map<Kind, Stats> fts_stats;
  double fts_wall = 0;
  if (fts) std::tie(fts_stats, fts_wall) = RunAll(queries, threads, fts_worker, max_seconds);

  std::printf(
      "\n%zu tracks + %zu albums + %zu artists; %d threads; %zu queries (%zu per class), "
      "each engine's pass capped at %.0f s%s\n\n",
      c.tracks.size(), c.albums.size(), c.artists.size(), threads, queries.size(), per_kind,
      max_seconds, reuse ? "; index and table reused (build figures n/a)" : "");
  std::printf("| engine | build | size |\n|---|---|---|\n");
  std::printf("| sonora (Xapian, all documents) | %.1f s | %.0f MiB |\n", xapian_build,
              static_cast<double>(xapian_bytes) / (1 << 20));
  if (fts) {
    std::printf("| SQLite FTS5 (tracks only) | %.1f s | %.0f MiB |\n", fts_build,
                static_cast<double>(fts_bytes) / (1 << 20));
  }
  std::printf("\n");
  std::printf(
      "| engine | class | QPS | p50 ms | p99 ms | p50 CPU ms | p99 CPU ms | recall@20 |\n"
      "|---|---|---|---|---|---|---|---|\n");
  Report("sonora", sonora_stats, sonora_wall);
  if (fts) Report("SQLite FTS5", fts_stats, fts_wall);
  return 0;
}

}  // namespace
}  // namespace sonora::bench

int main(int argc, char** argv) { return sonora::bench::Main(argc, argv); }
