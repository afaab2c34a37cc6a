// Decoded audio as the pipeline passes it between stages: interleaved 32-bit float samples in
// [-1, 1] at one sample rate. Plain data, no I/O.
#pragma once

#include <cstdint>
#include <vector>

namespace sonora::media {

// Masters are decoded to this rate: every rendition and analysis starts from the same PCM.
inline constexpr int kPipelineSampleRate = 44100;

struct PcmBuffer {
  int sample_rate = kPipelineSampleRate;
  int channels = 2;
  std::vector<float> samples;  // interleaved; size() = frames() * channels

  int64_t frames() const { return channels ? static_cast<int64_t>(samples.size()) / channels : 0; }
  int64_t duration_ms() const { return sample_rate ? frames() * 1000 / sample_rate : 0; }
  // Averages channels into one: the analyses (loudness aside) work on mono.
  std::vector<float> Mono() const;
};

}  // namespace sonora::media
