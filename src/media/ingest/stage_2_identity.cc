// Stage 2: decide what this file means for the catalog.
//
//   a path already ingested keeps its kind; a new one is a podcast episode when ingest runs
//   with --podcast or its genre tag is "Podcast", else a track (docs/decisions/0015-podcasts.md)
//   same path, same size and mtime, media ready     -> unchanged (no decode at all)
//   decode; same path, same audio hash              -> metadata update if the tags (or the
//                                                      sidecar .lrc lyrics) changed,
//                                                      else unchanged
//   same path, different audio                      -> re-encode, keeping the track id
//   new path, audio already in the catalog           -> duplicate, reported and skipped
//   otherwise                                       -> a new track
#include <algorithm>
#include <optional>
#include <string>

#include "media/fingerprint.h"
#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

namespace {
// The tags and the sidecar lyrics: a change to either is a metadata update. An episode's
// description and language are part of its tags; a track's are not read, so existing tracks
// keep the digest they had.
std::string TagsDigest(const TrackTags& t, const std::optional<std::string>& lrc, bool episode) {
  std::string s = t.title + '\x1f' + t.album + '\x1f' + t.album_artist + '\x1f' + t.date + '\x1f' +
                  t.isrc + '\x1f' + std::to_string(t.track_number) + '\x1f' +
                  std::to_string(t.disc_number) + '\x1f' + (t.explicit_content ? "e" : "c");
  for (const auto& a : t.artists) s += "\x1e" + a;
  for (const auto& g : t.genres) s += "\x1d" + g;
  // Only present lyrics are digested, so tracks without a sidecar keep the digest they had.
  if (lrc) s += "\x1c" + *lrc;
  if (episode) s += "\x1b" + t.description + '\x1f' + t.language;
  return BytesHash(s);
}
}  // namespace

Status Stage2Identity(TrackJob& job, const Deps& deps) {
  SONORA_ASSIGN_OR_RETURN(job.existing, deps.media.FindBySourcePath(job.path));
  if (!job.existing) {
    SONORA_ASSIGN_OR_RETURN(job.existing, deps.episode_media.FindBySourcePath(job.path));
    const auto& genres = job.tags.genres;
    job.episode = job.existing.has_value() || deps.options.podcast ||
                  std::find(genres.begin(), genres.end(), kPodcastGenre) != genres.end();
  }
  if (job.episode) job.lrc.reset();  // lyrics belong to tracks
  MediaRepository& media = MediaOf(job, deps);
  job.tags_hash = TagsDigest(job.tags, job.lrc, job.episode);
  if (job.existing && !deps.options.force && job.existing->media_state == "ready" &&
      job.existing->source_size == job.size && job.existing->source_mtime_ms == job.mtime_ms &&
      job.existing->tags_hash == job.tags_hash) {
    job.plan = Plan::kUnchanged;
    job.track_id = job.existing->track_id;
    return Status();
  }

  SONORA_ASSIGN_OR_RETURN(job.pcm,
                          DecodeMaster(job.path, deps.options.limits, deps.options.worker));
  if (job.pcm.duration_ms() < kMinTrackMs) {
    return Status::InvalidArgument("file", "too short: " + std::to_string(job.pcm.duration_ms()) +
                                               " ms of audio (a track needs at least 1 s)");
  }
  job.audio_hash = AudioHash(job.pcm);

  if (job.existing) {
    job.track_id = job.existing->track_id;
    if (job.existing->audio_hash == job.audio_hash && job.existing->media_state == "ready" &&
        !deps.options.force) {
      job.plan = job.existing->tags_hash == job.tags_hash ? Plan::kUnchanged : Plan::kMetadataOnly;
      return Status();
    }
    job.plan = Plan::kReencode;
    job.media_version = job.existing->media_version + 1;
  } else {
    SONORA_ASSIGN_OR_RETURN(auto same_audio, media.FindByAudioHash(job.audio_hash));
    if (same_audio) {
      job.plan = Plan::kDuplicate;
      job.duplicate_of = same_audio->track_id;
      return Status();
    }
    job.plan = Plan::kFull;
  }
  SONORA_ASSIGN_OR_RETURN(job.fingerprint, Fingerprint(job.pcm));
  return Status();
}

}  // namespace sonora::media::ingest
