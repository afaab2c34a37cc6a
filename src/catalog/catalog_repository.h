// The only SQL for artists, albums and tracks. Reads are batched: a page of tracks is one query.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/result.h"
#include "store/database.h"

namespace sonora::catalog {

class CatalogRepository {
 public:
  explicit CatalogRepository(store::Database& db) : db_(db) {}

  // Tracks for `ids` in one query; ids that don't exist are simply absent from the result.
  // The result is in no particular order.
  Result<std::vector<Track>> GetTracks(const std::vector<std::string>& ids);
  // An album's tracks by disc and track number, paged.
  Result<std::vector<Track>> GetAlbumTracks(const std::string& album_id, int64_t limit,
                                            int64_t offset);
  // The first `limit` tracks of the album `track_id` is on, as GetAlbumTracks orders them, in
  // one query; empty when the track does not exist.
  Result<std::vector<Track>> GetAlbumTracksOfTrack(const std::string& track_id, int64_t limit);
  // kNotFound when absent.
  Result<Album> GetAlbum(const std::string& album_id);
  Result<Artist> GetArtist(const std::string& artist_id);
  // Batch reads in one query each; ids that don't exist are absent; no particular order.
  Result<std::vector<Album>> GetAlbums(const std::vector<std::string>& ids);
  Result<std::vector<Artist>> GetArtists(const std::vector<std::string>& ids);
  // Albums whose album artist is `artist_id`, newest first; `types` empty means all.
  Result<std::vector<Album>> GetArtistAlbums(const std::string& artist_id,
                                             const std::vector<AlbumType>& types, int64_t limit,
                                             int64_t offset);
  Result<int64_t> CountArtistAlbums(const std::string& artist_id,
                                    const std::vector<AlbumType>& types);
  Result<int64_t> CountTracks();
  // A number that moves whenever a row a play answers with is inserted, updated or deleted, by
  // any process: tracks, albums, artists, track_artists and track_media. Triggers advance the
  // content_version row in the changing transaction, so the new number is seen only with the
  // committed change, on both backends. Playlist, user and history writes leave it alone. For
  // caches of those rows (streaming::CatalogCache, streaming::MediaFiles).
  Result<int64_t> ContentVersion();

  // Whole-catalog scans for models built over every track (recommend/'s snapshot), each one
  // query, in track id order. Blocks on the database; for batch work, not request paths.
  struct TrackSummary {
    std::string track_id, title, album_id;
    std::string release_date;          // the album's
    int popularity = 0;
    std::vector<std::string> genres;   // the track's, then its album's; as stored
    std::vector<std::string> markets;  // available_countries; empty: everywhere
  };
  Result<std::vector<TrackSummary>> ScanTrackSummaries();
  // Every (track, artist) credit: by track id, then by credit position.
  Result<std::vector<std::pair<std::string, std::string>>> ScanTrackArtists();

  // Lookups by NameKey, inside a write transaction (ingest's find-or-create).
  Result<std::optional<ArtistRef>> FindArtistByKey(store::Session& s, const std::string& key);
  Result<std::optional<std::string>> FindAlbumIdByKey(store::Session& s,
                                                      const std::string& artist_id,
                                                      const std::string& key);
  // Recomputes an album's total_tracks from its tracks.
  Status RefreshAlbumTrackCount(store::Session& s, const std::string& album_id);

  // Writes, for ingest and the demo generator; idempotent upserts keyed by id.
  Status UpsertArtist(store::Session& s, const Artist& artist);
  Status UpsertAlbum(store::Session& s, const Album& album);
  // Replaces the track's artist links too.
  Status UpsertTrack(store::Session& s, const Track& track);

 private:
  Result<std::vector<Track>> TracksWhere(const std::string& where, const store::Params& params,
                                         const std::string& order_limit);
  store::Database& db_;
};

}  // namespace sonora::catalog
