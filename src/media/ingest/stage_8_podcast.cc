// Stage 8 for a podcast episode: one transaction writes the show (found by publisher and title,
// or created), the episode and its episode_media row ('pending'); then the staging directory is
// renamed into place and the state becomes 'ready' — the same publish-after-commit rule as
// tracks (stage_8_catalog.cc), in the same media store, keyed by the episode id.
//
// Tag mapping (docs/decisions/0015-podcasts.md): album -> show title, album artist (else the
// first artist) -> publisher, title -> episode title, comment/description -> episode
// description, date -> release date, track number -> episode number, cover art -> show artwork,
// language -> show language.
#include <mutex>

#include "core/ids.h"
#include "core/time_format.h"
#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

namespace {

constexpr const char* kUnknownShow = "Unknown Show";

// Workers find-or-create shows by key; one writer at a time keeps two workers from creating
// the same show twice (as the catalog's artist and album mutex does for tracks).
std::mutex& ShowWriteMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

Status Stage8Episode(TrackJob& job, const Deps& deps) {
  const TrackTags& t = job.tags;
  const bool metadata_only = job.plan == Plan::kMetadataOnly;
  const int64_t now = deps.clock.NowMillis();
  const std::string show_title = t.album.empty() ? kUnknownShow : t.album;
  const std::string publisher =
      !t.album_artist.empty() ? t.album_artist : (t.artists.empty() ? "" : t.artists[0]);

  std::lock_guard<std::mutex> lock(ShowWriteMutex());
  Status s = deps.db.Transact([&](store::Session& session) -> Status {
    SONORA_ASSIGN_OR_RETURN(auto found,
                            deps.podcasts.FindShowByKey(session, catalog::NameKey(publisher),
                                                        catalog::NameKey(show_title)));
    catalog::Show show;
    if (found) {
      show = *found;
    } else {
      show.show_id = NewId("show");
      show.title = show_title;
      show.publisher = publisher;
      show.created_at_ms = now;
    }
    // What the episodes say about their show fills in what it lacks; a show is explicit when
    // any of its episodes is. Edits made to a show elsewhere are kept.
    const catalog::Show before = show;
    if (!show.artwork_id && job.artwork_id) show.artwork_id = job.artwork_id;
    if (show.language.empty()) show.language = t.language;
    if (t.explicit_content) show.explicit_content = true;
    if (show.genres.empty()) {
      for (const auto& g : t.genres) {
        if (g != kPodcastGenre) show.genres.push_back(g);
      }
    }
    if (!found || show.artwork_id != before.artwork_id || show.language != before.language ||
        show.explicit_content != before.explicit_content || show.genres != before.genres) {
      SONORA_RETURN_IF_ERROR(deps.podcasts.UpsertShow(session, show));
    }

    catalog::Episode episode;
    if (job.track_id.empty()) job.track_id = NewId("episode");
    if (job.existing) {
      // Keep what ingest doesn't own (markets, created_at) when the episode exists.
      SONORA_ASSIGN_OR_RETURN(auto current, deps.podcasts.FindEpisode(session, job.track_id));
      if (current) episode = *current;
    }
    episode.episode_id = job.track_id;
    episode.show.show_id = show.show_id;
    episode.title = t.title;
    episode.description = t.description;
    episode.release_date = IsValidReleaseDate(t.date) ? t.date : "";
    if (!metadata_only) episode.duration_ms = job.pcm.duration_ms();
    episode.explicit_content = t.explicit_content;
    episode.episode_number = t.track_number > 0 ? t.track_number : 0;
    if (episode.created_at_ms == 0) episode.created_at_ms = now;
    SONORA_RETURN_IF_ERROR(deps.podcasts.UpsertEpisode(session, episode));

    TrackMediaRow row = MediaRowOf(job, metadata_only);
    row.ingested_at_ms = now;
    SONORA_RETURN_IF_ERROR(deps.episode_media.Upsert(session, row));
    if (job.artwork_id) {
      SONORA_RETURN_IF_ERROR(deps.media.InsertArtworkIfMissing(session, *job.artwork_id, now));
    }
    return Status();
  });
  SONORA_RETURN_IF_ERROR(s);
  if (metadata_only) return Status();
  SONORA_RETURN_IF_ERROR(deps.store.Publish(job.staging_dir, job.track_id, job.media_version));
  job.staging_dir.clear();
  return deps.episode_media.SetState(job.track_id, "ready");
}

}  // namespace sonora::media::ingest
