// Stage 8: one transaction per track writes artists, album, track, media state ('pending'),
// features, artwork and lyrics; then the staging directory is renamed into place and the state
// becomes 'ready'. A failure before the commit leaves nothing; a crash between the commit and
// the rename leaves a 'pending' row that is never served and that the next ingest redoes.
#include <mutex>

#include "core/ids.h"
#include "core/time_format.h"
#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

namespace {

constexpr const char* kUnknownArtist = "Unknown Artist";
constexpr const char* kUnknownAlbum = "Unknown Album";

// Ingest workers find-or-create artists and albums by name; one writer at a time keeps two
// workers from creating the same artist twice. (SQLite serializes writers anyway; on PostgreSQL
// this covers one ingest process, which is how ingest runs.)
std::mutex& CatalogWriteMutex() {
  static std::mutex mu;
  return mu;
}

Result<catalog::ArtistRef> FindOrCreateArtist(store::Session& s, const Deps& deps,
                                              const std::string& name,
                                              const std::vector<std::string>& genres) {
  SONORA_ASSIGN_OR_RETURN(auto found, deps.catalog.FindArtistByKey(s, catalog::NameKey(name)));
  if (found) return *found;
  catalog::Artist a;
  a.artist_id = NewId("artist");
  a.name = name;
  a.genres = genres;
  a.created_at_ms = deps.clock.NowMillis();
  SONORA_RETURN_IF_ERROR(deps.catalog.UpsertArtist(s, a));
  return catalog::ArtistRef{a.artist_id, a.name};
}

bool IsIsrc(const std::string& s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

}  // namespace

TrackMediaRow MediaRowOf(const TrackJob& job, bool metadata_only) {
  if (metadata_only) {
    // Same audio, new tags: the encoded media and its manifest stay.
    TrackMediaRow row = *job.existing;
    row.tags_hash = job.tags_hash;
    row.source_size = job.size;
    row.source_mtime_ms = job.mtime_ms;
    return row;
  }
  TrackMediaRow row;
  row.track_id = job.track_id;
  row.source_path = job.path;
  row.source_size = job.size;
  row.source_mtime_ms = job.mtime_ms;
  row.audio_hash = job.audio_hash;
  row.tags_hash = job.tags_hash;
  row.fingerprint = job.fingerprint;
  row.sample_rate = job.pcm.sample_rate;
  row.channels = job.pcm.channels;
  row.frames = job.pcm.frames();
  row.loudness_lufs = job.loudness.integrated_lufs;
  row.true_peak_dbtp = job.loudness.true_peak_dbtp;
  row.track_gain_db = job.loudness.track_gain_db;
  row.preview_start_ms = job.preview_start_ms;  // 0 for episodes: they have no preview
  row.media_state = "pending";
  row.media_version = job.media_version;
  row.manifest = DumpJson(ManifestToJson(job.manifest));
  return row;
}

Status Stage8Catalog(TrackJob& job, const Deps& deps) {
  if (job.episode) return Stage8Episode(job, deps);
  const TrackTags& t = job.tags;
  const bool metadata_only = job.plan == Plan::kMetadataOnly;
  const int64_t now = deps.clock.NowMillis();
  std::vector<std::string> artist_names = t.artists;
  if (artist_names.empty()) artist_names.push_back(kUnknownArtist);
  const std::string album_artist_name = t.album_artist.empty() ? artist_names[0] : t.album_artist;
  const std::string album_title = t.album.empty() ? kUnknownAlbum : t.album;

  std::lock_guard<std::mutex> lock(CatalogWriteMutex());
  std::string old_album_id;
  Status s = deps.db.Transact([&](store::Session& session) -> Status {
    SONORA_ASSIGN_OR_RETURN(catalog::ArtistRef album_artist,
                            FindOrCreateArtist(session, deps, album_artist_name, t.genres));
    SONORA_ASSIGN_OR_RETURN(auto album_id,
                            deps.catalog.FindAlbumIdByKey(session, album_artist.artist_id,
                                                          catalog::NameKey(album_title)));
    if (!album_id) {
      catalog::Album album;
      album.album_id = NewId("album");
      album.title = album_title;
      album.artist = album_artist;
      album.release_date = IsValidReleaseDate(t.date) ? t.date : "";
      album.genres = t.genres;
      album.artwork_id = job.artwork_id;
      album.created_at_ms = now;
      SONORA_RETURN_IF_ERROR(deps.catalog.UpsertAlbum(session, album));
      album_id = album.album_id;
    } else if (job.artwork_id) {
      SONORA_ASSIGN_OR_RETURN(catalog::Album album, deps.catalog.GetAlbum(*album_id));
      if (!album.artwork_id) {
        album.artwork_id = job.artwork_id;
        SONORA_RETURN_IF_ERROR(deps.catalog.UpsertAlbum(session, album));
      }
    }

    catalog::Track track;
    if (job.track_id.empty()) job.track_id = NewId("track");
    if (job.existing) {
      // Keep what ingest doesn't own (popularity, markets) when the track already exists.
      SONORA_ASSIGN_OR_RETURN(auto current, deps.catalog.GetTracks({job.track_id}));
      if (!current.empty()) {
        track = current[0];
        old_album_id = current[0].album.album_id;
      }
    }
    track.track_id = job.track_id;
    track.title = t.title;
    track.album.album_id = *album_id;
    track.artists.clear();
    for (const auto& name : artist_names) {
      SONORA_ASSIGN_OR_RETURN(auto artist, FindOrCreateArtist(session, deps, name, t.genres));
      bool seen = false;
      for (const auto& a : track.artists) seen = seen || a.artist_id == artist.artist_id;
      if (!seen) track.artists.push_back(artist);
    }
    track.track_number = t.track_number > 0 ? t.track_number : 1;
    track.disc_number = t.disc_number > 0 ? t.disc_number : 1;
    if (!metadata_only) track.duration_ms = job.pcm.duration_ms();
    track.explicit_content = t.explicit_content;
    track.isrc = IsIsrc(t.isrc) ? t.isrc : "";
    track.genres = t.genres;
    if (track.created_at_ms == 0) track.created_at_ms = now;
    SONORA_RETURN_IF_ERROR(deps.catalog.UpsertTrack(session, track));
    SONORA_RETURN_IF_ERROR(deps.catalog.RefreshAlbumTrackCount(session, *album_id));
    if (!old_album_id.empty() && old_album_id != *album_id) {
      SONORA_RETURN_IF_ERROR(deps.catalog.RefreshAlbumTrackCount(session, old_album_id));
    }

    TrackMediaRow row = MediaRowOf(job, metadata_only);
    if (!metadata_only) {
      SONORA_RETURN_IF_ERROR(deps.media.UpsertFeatures(session, job.track_id, job.features));
    }
    row.ingested_at_ms = now;
    SONORA_RETURN_IF_ERROR(deps.media.Upsert(session, row));
    if (job.artwork_id) {
      SONORA_RETURN_IF_ERROR(deps.media.InsertArtworkIfMissing(session, *job.artwork_id, now));
    }
    // The sidecar is part of the tags (stage 2): added, edited or removed, it lands here.
    if (job.lrc) {
      SONORA_RETURN_IF_ERROR(deps.media.UpsertLyrics(session, job.track_id, *job.lrc, now));
    } else {
      SONORA_RETURN_IF_ERROR(deps.media.DeleteLyrics(session, job.track_id));
    }
    return Status();
  });
  SONORA_RETURN_IF_ERROR(s);
  if (metadata_only) return Status();
  SONORA_RETURN_IF_ERROR(deps.store.Publish(job.staging_dir, job.track_id, job.media_version));
  job.staging_dir.clear();
  return deps.media.SetState(job.track_id, "ready");
}

}  // namespace sonora::media::ingest
