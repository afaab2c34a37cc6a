#include "search/search_service.h"

#include <algorithm>
#include <filesystem>

#include "core/log.h"
#include "core/strings.h"
#include "search/text.h"

namespace sonora::search {

namespace {

// Everything that changes an answer, folded so "Billie" and "billie" share an entry.
std::string CacheKey(const SearchQuery& q, uint64_t version) {
  std::string key =
      std::to_string(version) + '|' + Join(Words(q.text.substr(0, kMaxQueryBytes)), " ");
  for (DocKind k : q.kinds) key += std::string(KindName(k)) + ',';
  key += '|' + std::to_string(q.limit) + '|' + std::to_string(q.offset) + '|';
  for (const auto& g : q.genres) key += Fold(g) + ',';
  key +=
      '|' + std::to_string(q.year_min.value_or(-1)) + '-' + std::to_string(q.year_max.value_or(-1));
  key += '|' + std::to_string(q.duration_min_ms.value_or(-1)) + '-' +
         std::to_string(q.duration_max_ms.value_or(-1));
  key += '|' + std::to_string(q.explicit_content ? int(*q.explicit_content) : -1) + '|' + q.market;
  std::vector<std::string> taste(q.taste.genres.begin(), q.taste.genres.end());
  std::sort(taste.begin(), taste.end());
  std::vector<std::string> artists(q.taste.artist_ids.begin(), q.taste.artist_ids.end());
  std::sort(artists.begin(), artists.end());
  key += '|' + Join(taste, ",") + '|' + Join(artists, ",");
  key +=
      '|' + std::to_string(q.facets) + std::to_string(q.highlight) + std::to_string(q.match_text);
  return key;
}
}  // namespace

Status ReindexInto(store::Database& db, catalog::CatalogRepository& catalog, const std::string& dir,
                   int64_t now_ms, const ProgressFn& progress) {
  namespace fs = std::filesystem;
  const std::string fresh = dir + ".new", old = dir + ".old";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  {
    SONORA_ASSIGN_OR_RETURN(auto index, OpenXapianIndex(fresh));
    Indexer indexer(db, catalog, *index);
    SONORA_RETURN_IF_ERROR(indexer.Rebuild(now_ms, progress));
  }
  // Refuse to swap under a running server: opening the live index for writing takes its lock.
  if (fs::exists(dir)) {
    auto live = OpenXapianIndex(dir);
    if (!live.ok()) return live.status();
  }
  fs::remove_all(old, ec);
  if (fs::exists(dir)) fs::rename(dir, old, ec);
  if (ec) return Status::Unavailable("cannot move " + dir + " aside: " + ec.message());
  fs::rename(fresh, dir, ec);
  if (ec) return Status::Unavailable("cannot move " + fresh + " into place: " + ec.message());
  fs::remove_all(old, ec);
  return Status();
}

SearchService::SearchService(store::Database& db, catalog::CatalogRepository& catalog,
                             TasteProvider& taste, const Clock& clock, SearchServiceOptions options)
    : db_(db),
      catalog_(catalog),
      podcasts_(db),
      taste_(taste),
      clock_(clock),
      options_(std::move(options)),
      cache_(options_.cache_entries) {}

Status SearchService::Start(const ProgressFn& progress) {
  namespace fs = std::filesystem;
  bool rebuild = !fs::exists(options_.index_dir);
  if (!rebuild) {
    SONORA_ASSIGN_OR_RETURN(auto index, OpenXapianIndex(options_.index_dir));
    Indexer probe(db_, catalog_, *index);
    SONORA_ASSIGN_OR_RETURN(bool incomplete, probe.NeedsRebuild());
    SONORA_ASSIGN_OR_RETURN(int64_t backlog, probe.OutboxBacklog());
    rebuild = incomplete || backlog > kRebuildBacklog;
    if (rebuild) {
      log::Info("search: rebuilding the index (complete=" + std::to_string(!incomplete) +
                " outbox_backlog=" + std::to_string(backlog) + ")");
    }
  }
  if (rebuild) {
    SONORA_RETURN_IF_ERROR(
        ReindexInto(db_, catalog_, options_.index_dir, clock_.NowMillis(), progress));
  }
  SONORA_ASSIGN_OR_RETURN(index_, OpenXapianIndex(options_.index_dir));
  indexer_ = std::make_unique<Indexer>(db_, catalog_, *index_);
  SONORA_ASSIGN_OR_RETURN(int64_t applied, indexer_->CatchUp());
  SONORA_ASSIGN_OR_RETURN(int64_t docs, index_->DocumentCount());
  log::Info("search index ready dir=" + options_.index_dir + " documents=" + std::to_string(docs) +
            " outbox_applied=" + std::to_string(applied));
  return Status();
}

Result<Taste> SearchService::TasteFor(const std::string& user_id) {
  const int64_t now = clock_.NowMillis();
  {
    std::lock_guard lock(taste_mu_);
    const auto* hit = tastes_.Find(user_id);
    if (hit && hit->second > now) return hit->first;
  }
  SONORA_ASSIGN_OR_RETURN(Taste t, taste_.TasteOf(user_id));
  std::lock_guard lock(taste_mu_);
  tastes_.Put(user_id, {t, now + options_.taste_ttl_ms});
  return t;
}

std::optional<SearchResults> SearchService::CacheGet(const std::string& key) {
  if (options_.cache_entries == 0) return std::nullopt;
  std::lock_guard lock(cache_mu_);
  CacheEntry* e = cache_.Find(key);
  if (!e) return std::nullopt;
  if (e->expires_at_ms <= clock_.NowMillis()) {
    cache_.Erase(key);
    return std::nullopt;
  }
  return e->results;
}

void SearchService::CachePut(const std::string& key, const SearchResults& r) {
  if (options_.cache_entries == 0) return;
  std::lock_guard lock(cache_mu_);
  cache_.Put(key, CacheEntry{r, clock_.NowMillis() + options_.cache_ttl_ms});
}

Status SearchService::Hydrate(SearchPage& page) {
  for (auto& [kind, kh] : page.results.kinds) {
    if (kind == DocKind::kTrack) {
      std::vector<std::string> ids;
      for (const auto& h : kh.hits) ids.push_back(h.id);
      SONORA_ASSIGN_OR_RETURN(auto tracks, catalog_.GetTracks(ids));
      std::unordered_map<std::string, catalog::Track*> by_id;
      for (auto& t : tracks) by_id[t.track_id] = &t;
      for (const auto& h : kh.hits) {
        auto it = by_id.find(h.id);
        if (it != by_id.end()) page.tracks.push_back({h, *it->second});
      }
    } else if (kind == DocKind::kAlbum) {
      for (const auto& h : kh.hits) {
        auto a = catalog_.GetAlbum(h.id);
        if (a.ok())
          page.albums.push_back({h, std::move(*a)});
        else if (a.status().code() != Code::kNotFound)
          return a.status();
      }
    } else if (kind == DocKind::kArtist) {
      for (const auto& h : kh.hits) {
        auto a = catalog_.GetArtist(h.id);
        if (a.ok())
          page.artists.push_back({h, std::move(*a)});
        else if (a.status().code() != Code::kNotFound)
          return a.status();
      }
    } else if (kind == DocKind::kPlaylist) {
      page.playlists = kh.hits;
    } else if (kind == DocKind::kShow) {
      std::vector<std::string> ids;
      for (const auto& h : kh.hits) ids.push_back(h.id);
      SONORA_ASSIGN_OR_RETURN(auto shows, podcasts_.GetShows(ids));
      std::unordered_map<std::string, catalog::Show*> by_id;
      for (auto& s : shows) by_id[s.show_id] = &s;
      for (const auto& h : kh.hits) {
        auto it = by_id.find(h.id);
        if (it != by_id.end()) page.shows.push_back({h, *it->second});
      }
    } else if (kind == DocKind::kEpisode) {
      std::vector<std::string> ids;
      for (const auto& h : kh.hits) ids.push_back(h.id);
      SONORA_ASSIGN_OR_RETURN(auto episodes, podcasts_.GetEpisodes(ids));
      std::unordered_map<std::string, catalog::Episode*> by_id;
      for (auto& e : episodes) by_id[e.episode_id] = &e;
      for (const auto& h : kh.hits) {
        auto it = by_id.find(h.id);
        if (it != by_id.end()) page.episodes.push_back({h, *it->second});
      }
    }
  }
  return Status();
}

Result<SearchPage> SearchService::Search(const std::string& user_id, SearchQuery query) {
  if (!index_) return Status::Unavailable("the search index is not open yet");
  // Read-your-writes: apply what the outbox holds before answering (one indexed read when
  // there is nothing to do; skipped when another request is already applying).
  auto applied = indexer_->TryCatchUp();
  if (!applied.ok()) log::Warn("search: outbox catch-up failed: " + applied.status().ToString());
  SONORA_ASSIGN_OR_RETURN(query.taste, TasteFor(user_id));
  const std::string key = CacheKey(query, indexer_->version());
  SearchPage page;
  if (auto cached = CacheGet(key)) {
    page.results = std::move(*cached);
    page.cache_hit = true;
  } else {
    SONORA_ASSIGN_OR_RETURN(page.results, index_->Search(query));
    CachePut(key, page.results);
  }
  SONORA_RETURN_IF_ERROR(Hydrate(page));
  return page;
}

Result<std::vector<Suggestion>> SearchService::Suggest(std::string_view text,
                                                       std::string_view market, size_t limit) {
  if (!index_) return Status::Unavailable("the search index is not open yet");
  auto applied = indexer_->TryCatchUp();
  if (!applied.ok()) log::Warn("search: outbox catch-up failed: " + applied.status().ToString());
  return index_->Suggest(text, market, limit);
}

}  // namespace sonora::search
