#include "media/pcm.h"

#include <cstddef>

namespace sonora::media {

std::vector<float> PcmBuffer::Mono() const {
  std::vector<float> out(static_cast<size_t>(frames()));
  if (channels <= 0) return out;
  const float scale = 1.0f / static_cast<float>(channels);
  for (size_t f = 0; f < out.size(); ++f) {
    float sum = 0;
    for (int c = 0; c < channels; ++c) sum += samples[f * static_cast<size_t>(channels) + static_cast<size_t>(c)];
    out[f] = sum * scale;
  }
  return out;
}

}  // namespace sonora::media
