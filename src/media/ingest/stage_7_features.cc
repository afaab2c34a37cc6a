// Stage 7: audio features for content-based recommendation (docs/formats/audio-features.md),
// with the loudness from stage 3.
#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

Status Stage7Features(TrackJob& job, const Deps&) {
  // Features feed music recommendations, which never see an episode: not computed for them.
  if (job.episode) return Status();
  auto features = AnalyzeFeatures(job.pcm);
  if (features.ok()) {
    job.features = *features;
  } else if (features.status().code() == Code::kInvalidArgument) {
    job.features = AudioFeatures{};  // too short to analyze: neutral features, still playable
  } else {
    return features.status();
  }
  job.features.loudness_lufs = job.loudness.integrated_lufs;
  return Status();
}

}  // namespace sonora::media::ingest
