// Stage 3: EBU R128 integrated loudness and true peak; the track gain that brings playback to
// -14 LUFS (without pushing the true peak past -1 dBTP).
#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

Status Stage3Loudness(TrackJob& job, const Deps&) {
  auto loudness = MeasureLoudness(job.pcm);
  if (loudness.ok()) {
    job.loudness = *loudness;
    return Status();
  }
  if (loudness.status().code() != Code::kInvalidArgument) return loudness.status();
  // Digital silence has no gated loudness: keep it, at unity gain, rather than refuse it.
  job.loudness = Loudness{.integrated_lufs = -70, .true_peak_dbtp = -150, .track_gain_db = 0};
  return Status();
}

}  // namespace sonora::media::ingest
