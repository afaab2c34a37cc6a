// The indexer keeps a SearchIndex equal to the catalog, the public playlists and the podcasts.
//
// Every change to tracks, albums, artists, playlists, shows and episodes leaves a row in
// `search_outbox`, written by triggers in the same transaction as the change (migrations
// 20261123202000 and 20261124043000; a track's lyrics, table track_lyrics, file their changes
// under the track: 20261124014000). CatchUp
// applies the rows in seq order: it re-reads each named entity (and what embeds it: an album's
// tracks, an artist's albums and tracks), puts or removes its document, commits the index with
// the highest applied seq in the index metadata, and only after that commit deletes the rows it
// applied. A crash before the index commit leaves the rows for the next CatchUp; a crash after
// it re-applies them, which is harmless because each application writes the entity's current
// state. docs/decisions/0011-search.md has the argument in full.
//
// Thread-safety: one CatchUp or Rebuild runs at a time (an internal mutex); TryCatchUp skips
// rather than waits when another thread is already applying.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/catalog_repository.h"
#include "catalog/podcast_repository.h"
#include "core/result.h"
#include "search/search_index.h"
#include "store/database.h"

namespace sonora::search {

// Index metadata keys.
inline constexpr const char* kMetaAppliedSeq = "sonora.outbox_applied_seq";
inline constexpr const char* kMetaBuiltAtMs = "sonora.built_at_ms";
// Outbox rows applied per index commit.
inline constexpr int64_t kOutboxBatch = 1000;
// Above this backlog a full rebuild is faster than applying rows one by one (a bulk
// `sonora catalog generate` while the server was down).
inline constexpr int64_t kRebuildBacklog = 50'000;

// (done, total) after each batch.
using ProgressFn = std::function<void(int64_t, int64_t)>;

class Indexer {
 public:
  Indexer(store::Database& db, catalog::CatalogRepository& catalog, SearchIndex& index)
      : db_(db), catalog_(catalog), index_(index), podcasts_(db) {}

  // Applies every outbox row present now. Returns the number of rows applied. Errors: the
  // database's or the index's; rows stay in the outbox for the next call.
  Result<int64_t> CatchUp();
  // As CatchUp, but returns 0 at once when another thread is applying.
  Result<int64_t> TryCatchUp();

  // Writes every track, album, artist, public playlist, show and episode into the index (which
  // should be empty: a rebuild never removes documents), commits with kMetaBuiltAtMs, then
  // deletes the outbox rows that were present when it started.
  Status Rebuild(int64_t now_ms, const ProgressFn& progress);

  // True when the index was never completely built (a new or half-built index directory).
  Result<bool> NeedsRebuild();
  Result<int64_t> OutboxBacklog();

  // Commits so far (CatchUp or Rebuild), for cache keys: results cached at one version are
  // stale at the next.
  uint64_t version() const { return version_.load(); }

 private:
  struct OutboxRow {
    int64_t seq;
    std::string kind;
    std::string entity_id;
  };
  Result<int64_t> ApplyPending();
  Status ApplyTrackIds(const std::vector<std::string>& ids);
  // Plain lyrics text (lyrics::LrcToPlainText, at most kMaxTextBytes) of those of `ids` that
  // have lyrics, by track id.
  Result<std::map<std::string, std::string>> LyricsOf(const std::vector<std::string>& ids);
  Status ApplyAlbum(const std::string& id, bool with_tracks);
  Status ApplyArtist(const std::string& id, bool with_dependents);
  Status ApplyPlaylist(const std::string& id);
  // A show's document, and with `with_episodes` its episodes' (they carry the show's name).
  Status ApplyShow(const std::string& id, bool with_episodes);
  Status ApplyEpisodeIds(const std::vector<std::string>& ids);
  Result<std::vector<std::string>> Ids(const std::string& sql, const store::Params& params);
  Status DeleteRows(const std::vector<int64_t>& seqs);

  store::Database& db_;
  catalog::CatalogRepository& catalog_;
  SearchIndex& index_;
  catalog::PodcastRepository podcasts_;
  std::mutex mu_;  // one applier at a time
  std::atomic<uint64_t> version_{0};
};

// Builds the documents from catalog models (exposed for tests and the benchmark). `lyrics` is
// plain text (lyrics::LrcToPlainText), "" for none.
SearchDocument TrackDocument(const catalog::Track& t, const std::string& lyrics);
SearchDocument AlbumDocument(const catalog::Album& a);
SearchDocument ArtistDocument(const catalog::Artist& a, int popularity);
// Shows: name, publisher (as the credit), description (as text), genres, explicit, markets.
SearchDocument ShowDocument(const catalog::Show& s);
// Episodes: title, show name (in the album field), description (as text), release year,
// duration, explicit, markets (catalog::EpisodeMarkets).
SearchDocument EpisodeDocument(const catalog::Episode& e);
// The year of "YYYY-MM-DD", "YYYY-MM" or "YYYY"; 0 when unparseable.
int ReleaseYear(const std::string& release_date);

}  // namespace sonora::search
