// EBU R128 loudness (libebur128 adapter: media/internal/ebur128_loudness.cc).
#pragma once

#include "core/result.h"
#include "media/pcm.h"

namespace sonora::media {

inline constexpr double kTargetLoudnessLufs = -14.0;  // streaming normalization target

struct Loudness {
  double integrated_lufs = 0;
  double true_peak_dbtp = 0;
  double track_gain_db = 0;  // to reach kTargetLoudnessLufs, limited so the peak stays <= -1 dBTP
};

// Errors: kInvalidArgument ("pcm") for empty or silent audio with no gated loudness.
Result<Loudness> MeasureLoudness(const PcmBuffer& pcm);

}  // namespace sonora::media
