#include "search/indexer.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/json.h"
#include "core/log.h"
#include "core/strings.h"
#include "lyrics/lrc.h"
#include "lyrics/lyrics_repository.h"

namespace sonora::search {

namespace {
constexpr size_t kTrackBatch = 400;              // ids per catalog read during a rebuild
constexpr int64_t kRebuildCommitEvery = 20'000;  // documents per index commit in a rebuild
// LRC characters read per track: four times the indexed text leaves room for the tags.
constexpr int64_t kMaxLrcChars = 4 * static_cast<int64_t>(kMaxTextBytes);
}  // namespace

int ReleaseYear(const std::string& release_date) {
  if (release_date.size() < 4) return 0;
  auto y = ParseInt(release_date.substr(0, 4));
  return y && *y > 0 && *y < 10000 ? static_cast<int>(*y) : 0;
}

SearchDocument TrackDocument(const catalog::Track& t, const std::string& lyrics) {
  SearchDocument d;
  d.kind = DocKind::kTrack;
  d.id = t.track_id;
  d.name = t.title;
  for (const auto& a : t.artists) {
    d.artist_names.push_back(a.name);
    d.artist_ids.push_back(a.artist_id);
  }
  d.album_title = t.album.title;
  d.text = lyrics;
  d.genres = t.genres;
  d.year = ReleaseYear(t.album.release_date);
  d.duration_ms = t.duration_ms;
  d.explicit_content = t.explicit_content;
  d.popularity = t.popularity;
  d.markets = t.available_countries;
  return d;
}

// Calls `fn` with consecutive slices of `ids`, at most `size` each, stopping at an error.
template <typename Fn>
Status ForEachBatch(const std::vector<std::string>& ids, size_t size, Fn fn) {
  for (size_t i = 0; i < ids.size(); i += size) {
    const std::vector<std::string> batch(
        ids.begin() + static_cast<std::ptrdiff_t>(i),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + size)));
    SONORA_RETURN_IF_ERROR(fn(batch));
  }
  return Status();
}

SearchDocument AlbumDocument(const catalog::Album& a) {
  SearchDocument d;
  d.kind = DocKind::kAlbum;
  d.id = a.album_id;
  d.name = a.title;
  d.artist_names = {a.artist.name};
  d.artist_ids = {a.artist.artist_id};
  d.genres = a.genres;
  d.year = ReleaseYear(a.release_date);
  d.popularity = a.popularity;
  d.markets = a.available_countries;
  return d;
}

SearchDocument ArtistDocument(const catalog::Artist& a, int popularity) {
  SearchDocument d;
  d.kind = DocKind::kArtist;
  d.id = a.artist_id;
  d.name = a.name;
  d.artist_ids = {a.artist_id};
  d.genres = a.genres;
  d.popularity = popularity;
  return d;
}

SearchDocument ShowDocument(const catalog::Show& s) {
  SearchDocument d;
  d.kind = DocKind::kShow;
  d.id = s.show_id;
  d.name = s.title;
  if (!s.publisher.empty()) d.artist_names = {s.publisher};
  d.text = s.description;
  d.genres = s.genres;
  d.explicit_content = s.explicit_content;
  d.markets = s.available_countries;
  return d;
}

SearchDocument EpisodeDocument(const catalog::Episode& e) {
  SearchDocument d;
  d.kind = DocKind::kEpisode;
  d.id = e.episode_id;
  d.name = e.title;
  d.album_title = e.show.title;
  d.text = e.description;
  d.year = ReleaseYear(e.release_date);
  d.duration_ms = e.duration_ms;
  d.explicit_content = e.explicit_content;
  d.markets = catalog::EpisodeMarkets(e);
  return d;
}

Result<std::vector<std::string>> Indexer::Ids(const std::string& sql, const store::Params& params) {
  SONORA_ASSIGN_OR_RETURN(auto r, db_.Query(sql, params));
  std::vector<std::string> ids;
  ids.reserve(r.rows.size());
  for (const auto& row : r.rows) ids.push_back(row.GetString(0));
  return ids;
}

Result<std::map<std::string, std::string>> Indexer::LyricsOf(const std::vector<std::string>& ids) {
  // kMaxLrcChars of LRC hold more than kMaxTextBytes of text even with a word tag on every word.
  SONORA_ASSIGN_OR_RETURN(auto lrc, lyrics::LyricsRepository(db_).LrcOf(ids, kMaxLrcChars));
  std::map<std::string, std::string> out;
  for (auto& [id, text] : lrc) {
    std::string plain = lyrics::LrcToPlainText(text, kMaxTextBytes);
    if (!plain.empty()) out.emplace(id, std::move(plain));
  }
  return out;
}

Status Indexer::ApplyTrackIds(const std::vector<std::string>& ids) {
  return ForEachBatch(ids, kTrackBatch, [&](const std::vector<std::string>& batch) -> Status {
    SONORA_ASSIGN_OR_RETURN(auto tracks, catalog_.GetTracks(batch));
    SONORA_ASSIGN_OR_RETURN(auto lyrics, LyricsOf(batch));
    std::set<std::string> found;
    for (const auto& t : tracks) {
      auto it = lyrics.find(t.track_id);
      SONORA_RETURN_IF_ERROR(
          index_.Put(TrackDocument(t, it == lyrics.end() ? std::string() : it->second)));
      found.insert(t.track_id);
    }
    for (const auto& id : batch) {
      if (!found.count(id)) SONORA_RETURN_IF_ERROR(index_.Remove(DocKind::kTrack, id));
    }
    return Status();
  });
}

Status Indexer::ApplyAlbum(const std::string& id, bool with_tracks) {
  auto album = catalog_.GetAlbum(id);
  if (!album.ok()) {
    if (album.status().code() != Code::kNotFound) return album.status();
    return index_.Remove(DocKind::kAlbum, id);
  }
  SONORA_RETURN_IF_ERROR(index_.Put(AlbumDocument(*album)));
  if (!with_tracks) return Status();
  // Tracks carry the album title: a renamed album re-indexes its tracks.
  SONORA_ASSIGN_OR_RETURN(auto tracks, Ids("SELECT track_id FROM tracks WHERE album_id = ?", {id}));
  return ApplyTrackIds(tracks);
}

Status Indexer::ApplyArtist(const std::string& id, bool with_dependents) {
  auto artist = catalog_.GetArtist(id);
  if (!artist.ok()) {
    if (artist.status().code() != Code::kNotFound) return artist.status();
    return index_.Remove(DocKind::kArtist, id);
  }
  SONORA_ASSIGN_OR_RETURN(auto pop, db_.Query("SELECT MAX(t.popularity) FROM track_artists ta "
                                              "JOIN tracks t ON t.track_id = ta.track_id "
                                              "WHERE ta.artist_id = ?",
                                              {id}));
  const int popularity = pop.rows.empty() ? 0 : static_cast<int>(pop.rows[0].GetInt(0));
  SONORA_RETURN_IF_ERROR(index_.Put(ArtistDocument(*artist, popularity)));
  if (!with_dependents) return Status();
  // Albums and tracks carry the artist's name.
  SONORA_ASSIGN_OR_RETURN(auto albums,
                          Ids("SELECT album_id FROM albums WHERE artist_id = ?", {id}));
  for (const auto& a : albums) SONORA_RETURN_IF_ERROR(ApplyAlbum(a, false));
  SONORA_ASSIGN_OR_RETURN(auto tracks,
                          Ids("SELECT track_id FROM track_artists WHERE artist_id = ?", {id}));
  return ApplyTrackIds(tracks);
}

Status Indexer::ApplyPlaylist(const std::string& id) {
  SONORA_ASSIGN_OR_RETURN(
      auto r, db_.Query("SELECT p.name, p.description, p.public, p.tracks_count, "
                        "p.owner_user_id, u.display_name FROM playlists p "
                        "JOIN users u ON u.user_id = p.owner_user_id WHERE p.playlist_id = ?",
                        {id}));
  if (r.rows.empty() || !r.rows[0].GetBool(2)) return index_.Remove(DocKind::kPlaylist, id);
  const auto& row = r.rows[0];
  SearchDocument d;
  d.kind = DocKind::kPlaylist;
  d.id = id;
  d.name = row.GetString(0);
  d.text = row.GetString(1);
  d.artist_names = {};  // a playlist's owner is not an artist credit
  Json payload = {{"playlist_id", id},
                  {"name", d.name},
                  {"description", d.text},
                  {"public", true},
                  {"tracks_count", row.GetInt(3)},
                  {"owner", {{"user_id", row.GetString(4)}, {"display_name", row.GetString(5)}}}};
  d.payload = DumpJson(payload);
  return index_.Put(d);
}

Status Indexer::ApplyShow(const std::string& id, bool with_episodes) {
  auto show = podcasts_.GetShow(id);
  if (!show.ok()) {
    if (show.status().code() != Code::kNotFound) return show.status();
    return index_.Remove(DocKind::kShow, id);
  }
  SONORA_RETURN_IF_ERROR(index_.Put(ShowDocument(*show)));
  if (!with_episodes) return Status();
  SONORA_ASSIGN_OR_RETURN(auto episodes, podcasts_.ShowEpisodeIds(id));
  return ApplyEpisodeIds(episodes);
}

Status Indexer::ApplyEpisodeIds(const std::vector<std::string>& ids) {
  return ForEachBatch(ids, kTrackBatch, [&](const std::vector<std::string>& batch) -> Status {
    SONORA_ASSIGN_OR_RETURN(auto episodes, podcasts_.GetEpisodes(batch));
    std::set<std::string> found;
    for (const auto& e : episodes) {
      SONORA_RETURN_IF_ERROR(index_.Put(EpisodeDocument(e)));
      found.insert(e.episode_id);
    }
    for (const auto& id : batch) {
      if (!found.count(id)) SONORA_RETURN_IF_ERROR(index_.Remove(DocKind::kEpisode, id));
    }
    return Status();
  });
}

Status Indexer::DeleteRows(const std::vector<int64_t>& seqs) {
  for (size_t i = 0; i < seqs.size(); i += 200) {
    const size_t end = std::min(seqs.size(), i + 200);
    store::Params params(seqs.begin() + static_cast<std::ptrdiff_t>(i),
                         seqs.begin() + static_cast<std::ptrdiff_t>(end));
    SONORA_RETURN_IF_ERROR(
        db_.Execute("DELETE FROM search_outbox WHERE seq IN " + store::InList(end - i), params)
            .status());
  }
  return Status();
}

Result<int64_t> Indexer::ApplyPending() {
  int64_t applied = 0;
  for (;;) {
    SONORA_ASSIGN_OR_RETURN(
        auto r, db_.Query("SELECT seq, kind, entity_id FROM search_outbox ORDER BY seq LIMIT ?",
                          {kOutboxBatch}));
    if (r.rows.empty()) return applied;
    std::vector<int64_t> seqs;
    // One application per entity per batch: the last row for it wins, and every application
    // reads the current state anyway.
    std::vector<std::string> tracks, episodes;
    std::set<std::pair<std::string, std::string>> done;
    int64_t max_seq = 0;
    for (const auto& row : r.rows) {
      seqs.push_back(row.GetInt(0));
      max_seq = std::max(max_seq, row.GetInt(0));
      std::string kind = row.GetString(1), id = row.GetString(2);
      if (!done.insert({kind, id}).second) continue;
      if (kind == "track") {
        tracks.push_back(id);
      } else if (kind == "album") {
        SONORA_RETURN_IF_ERROR(ApplyAlbum(id, true));
      } else if (kind == "artist") {
        SONORA_RETURN_IF_ERROR(ApplyArtist(id, true));
      } else if (kind == "playlist") {
        SONORA_RETURN_IF_ERROR(ApplyPlaylist(id));
      } else if (kind == "show") {
        SONORA_RETURN_IF_ERROR(ApplyShow(id, true));
      } else if (kind == "episode") {
        episodes.push_back(id);
      } else {
        log::Warn("search outbox: unknown kind '" + kind + "' seq=" + std::to_string(seqs.back()));
      }
    }
    SONORA_RETURN_IF_ERROR(ApplyTrackIds(tracks));
    SONORA_RETURN_IF_ERROR(ApplyEpisodeIds(episodes));
    // The index commit carries the position; the outbox rows go only once it is durable.
    SONORA_RETURN_IF_ERROR(index_.Commit({{kMetaAppliedSeq, std::to_string(max_seq)}}));
    version_.fetch_add(1);
    SONORA_RETURN_IF_ERROR(DeleteRows(seqs));
    applied += static_cast<int64_t>(seqs.size());
  }
}

Result<int64_t> Indexer::CatchUp() {
  std::lock_guard lock(mu_);
  return ApplyPending();
}

Result<int64_t> Indexer::TryCatchUp() {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return 0;
  return ApplyPending();
}

Result<bool> Indexer::NeedsRebuild() {
  SONORA_ASSIGN_OR_RETURN(std::string built, index_.GetMetadata(kMetaBuiltAtMs));
  return built.empty();
}

Result<int64_t> Indexer::OutboxBacklog() {
  SONORA_ASSIGN_OR_RETURN(auto r, db_.Query("SELECT COUNT(*) FROM search_outbox"));
  return r.rows.empty() ? 0 : r.rows[0].GetInt(0);
}

Status Indexer::Rebuild(int64_t now_ms, const ProgressFn& progress) {
  std::lock_guard lock(mu_);
  // The rows present now are covered by this rebuild (it reads the catalog after them); rows
  // written while it runs stay for CatchUp.
  SONORA_ASSIGN_OR_RETURN(auto pending, db_.Query("SELECT seq FROM search_outbox ORDER BY seq"));
  std::vector<int64_t> seqs;
  for (const auto& row : pending.rows) seqs.push_back(row.GetInt(0));

  // Most popular first: document ids then follow popularity, which the match budget relies on
  // (XapianOptions::match_budget).
  SONORA_ASSIGN_OR_RETURN(
      auto track_ids, Ids("SELECT track_id FROM tracks ORDER BY popularity DESC, track_id", {}));
  SONORA_ASSIGN_OR_RETURN(
      auto album_ids, Ids("SELECT album_id FROM albums ORDER BY popularity DESC, album_id", {}));
  SONORA_ASSIGN_OR_RETURN(auto artist_ids,
                          Ids("SELECT artist_id FROM artists ORDER BY artist_id", {}));
  SONORA_ASSIGN_OR_RETURN(auto playlist_ids,
                          Ids("SELECT playlist_id FROM playlists WHERE public = 1 "
                              "ORDER BY playlist_id",
                              {}));
  SONORA_ASSIGN_OR_RETURN(auto show_ids, Ids("SELECT show_id FROM shows ORDER BY show_id", {}));
  SONORA_ASSIGN_OR_RETURN(auto episode_ids,
                          Ids("SELECT episode_id FROM episodes ORDER BY episode_id", {}));
  const auto total =
      static_cast<int64_t>(track_ids.size() + album_ids.size() + artist_ids.size() +
                           playlist_ids.size() + show_ids.size() + episode_ids.size());
  int64_t done = 0, since_commit = 0;
  if (progress) progress(0, total);  // the total is known: the bar's clock starts here
  auto step = [&](int64_t n) -> Status {
    done += n;
    since_commit += n;
    if (since_commit >= kRebuildCommitEvery) {
      SONORA_RETURN_IF_ERROR(index_.Commit({}));
      since_commit = 0;
      if (progress) progress(done, total);
    }
    return Status();
  };
  SONORA_RETURN_IF_ERROR(
      ForEachBatch(track_ids, kTrackBatch, [&](const std::vector<std::string>& batch) -> Status {
        SONORA_RETURN_IF_ERROR(ApplyTrackIds(batch));
        return step(static_cast<int64_t>(batch.size()));
      }));
  for (const auto& id : album_ids) {
    SONORA_RETURN_IF_ERROR(ApplyAlbum(id, false));
    SONORA_RETURN_IF_ERROR(step(1));
  }
  SONORA_ASSIGN_OR_RETURN(auto pops,
                          db_.Query("SELECT ta.artist_id, MAX(t.popularity) "
                                    "FROM track_artists ta JOIN tracks t "
                                    "ON t.track_id = ta.track_id GROUP BY ta.artist_id"));
  std::map<std::string, int> popularity;
  for (const auto& row : pops.rows) popularity[row.GetString(0)] = static_cast<int>(row.GetInt(1));
  std::stable_sort(artist_ids.begin(), artist_ids.end(),
                   [&](const auto& a, const auto& b) { return popularity[a] > popularity[b]; });
  for (const auto& id : artist_ids) {
    auto artist = catalog_.GetArtist(id);
    if (artist.ok()) {
      SONORA_RETURN_IF_ERROR(index_.Put(ArtistDocument(*artist, popularity[id])));
    } else if (artist.status().code() != Code::kNotFound) {
      return artist.status();
    }
    SONORA_RETURN_IF_ERROR(step(1));
  }
  for (const auto& id : playlist_ids) {
    SONORA_RETURN_IF_ERROR(ApplyPlaylist(id));
    SONORA_RETURN_IF_ERROR(step(1));
  }
  for (const auto& id : show_ids) {
    SONORA_RETURN_IF_ERROR(ApplyShow(id, false));
    SONORA_RETURN_IF_ERROR(step(1));
  }
  SONORA_RETURN_IF_ERROR(
      ForEachBatch(episode_ids, kTrackBatch, [&](const std::vector<std::string>& batch) -> Status {
        SONORA_RETURN_IF_ERROR(ApplyEpisodeIds(batch));
        return step(static_cast<int64_t>(batch.size()));
      }));
  SONORA_RETURN_IF_ERROR(index_.Commit({{kMetaBuiltAtMs, std::to_string(now_ms)}}));
  version_.fetch_add(1);
  if (progress) progress(total, total);
  return DeleteRows(seqs);
}

}  // namespace sonora::search
