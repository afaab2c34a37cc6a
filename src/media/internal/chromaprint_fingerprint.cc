#include <chromaprint.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "media/fingerprint.h"

namespace sonora::media {

Result<std::string> Fingerprint(const PcmBuffer& pcm) {
  std::unique_ptr<ChromaprintContext, void (*)(ChromaprintContext*)> ctx(
      chromaprint_new(CHROMAPRINT_ALGORITHM_DEFAULT), chromaprint_free);
  if (!ctx || !chromaprint_start(ctx.get(), pcm.sample_rate, pcm.channels)) {
    return Status::Internal("chromaprint_start failed");
  }
  constexpr int64_t kSeconds = 120;
  const int64_t frames = std::min<int64_t>(pcm.frames(), kSeconds * pcm.sample_rate);
  std::vector<int16_t> buf;
  constexpr int64_t kBlock = 8192;
  for (int64_t f = 0; f < frames; f += kBlock) {
    const int64_t n = std::min(kBlock, frames - f);
    buf.resize(static_cast<size_t>(n * pcm.channels));
    const float* src = pcm.samples.data() + f * pcm.channels;
    for (size_t i = 0; i < buf.size(); ++i) {
      buf[i] = static_cast<int16_t>(std::clamp(src[i], -1.0f, 1.0f) * 32767.0f);
    }
    if (!chromaprint_feed(ctx.get(), buf.data(), static_cast<int>(buf.size()))) {
      return Status::Internal("chromaprint_feed failed");
    }
  }
  if (!chromaprint_finish(ctx.get())) return Status::Internal("chromaprint_finish failed");
  char* fp = nullptr;
  if (!chromaprint_get_fingerprint(ctx.get(), &fp) || !fp) {
    return Status::Internal("chromaprint_get_fingerprint failed");
  }
  std::string out(fp);
  chromaprint_dealloc(fp);
  return out;
}

}  // namespace sonora::media
