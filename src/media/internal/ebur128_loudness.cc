#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "media/loudness.h"

namespace sonora::media {

Result<Loudness> MeasureLoudness(const PcmBuffer& pcm) {
  if (pcm.frames() == 0 || pcm.channels <= 0) return Status::InvalidArgument("pcm", "no audio");
  std::unique_ptr<ebur128_state, void (*)(ebur128_state*)> st(
      ebur128_init(static_cast<unsigned>(pcm.channels), static_cast<unsigned long>(pcm.sample_rate),
                   EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK),
      [](ebur128_state* s) { ebur128_destroy(&s); });
  if (!st) return Status::Internal("ebur128_init failed");
  if (ebur128_add_frames_float(st.get(), pcm.samples.data(), static_cast<size_t>(pcm.frames())) !=
      EBUR128_SUCCESS) {
    return Status::Internal("ebur128_add_frames_float failed");
  }
  Loudness out;
  if (ebur128_loudness_global(st.get(), &out.integrated_lufs) != EBUR128_SUCCESS ||
      !std::isfinite(out.integrated_lufs)) {
    return Status::InvalidArgument("pcm", "audio is silent: no gated loudness");
  }
  double peak = 0;
  for (int c = 0; c < pcm.channels; ++c) {
    double p = 0;
    if (ebur128_true_peak(st.get(), static_cast<unsigned>(c), &p) == EBUR128_SUCCESS)
      peak = std::max(peak, p);
  }
  out.true_peak_dbtp = peak > 0 ? 20 * std::log10(peak) : -150;
  // Gain to the target, but never so much that the true peak would pass -1 dBTP.
  out.track_gain_db = std::min(kTargetLoudnessLufs - out.integrated_lufs, -1.0 - out.true_peak_dbtp);
  return out;
}

}  // namespace sonora::media
