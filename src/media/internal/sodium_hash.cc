#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/strings.h"
#include "media/fingerprint.h"

namespace sonora::media {

namespace {
std::string Hex(const unsigned char* bytes, size_t n) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), n));
}
}  // namespace

std::string AudioHash(const PcmBuffer& pcm) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  const int64_t header[2] = {pcm.sample_rate, pcm.channels};
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(header), sizeof(header));
  std::vector<int16_t> buf;
  constexpr size_t kBlock = 65536;
  for (size_t i = 0; i < pcm.samples.size(); i += kBlock) {
    size_t n = std::min(kBlock, pcm.samples.size() - i);
    buf.resize(n);
    for (size_t k = 0; k < n; ++k) {
      // The same rounding FFmpeg uses for float -> s16, so 16-bit audio decoded from any
      // container hashes to the same value as the float it was written from.
      buf[k] = static_cast<int16_t>(
          std::clamp(std::lrintf(pcm.samples[i + k] * 32768.0f), -32768L, 32767L));
    }
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                              n * sizeof(int16_t));
  }
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof(out));
  return Hex(out, sizeof(out));
}

std::string BytesHash(std::string_view bytes) {
  unsigned char out[32];
  crypto_generichash(out, sizeof(out), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return Hex(out, sizeof(out));
}

}  // namespace sonora::media
