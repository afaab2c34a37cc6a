// Acoustic fingerprints (Chromaprint adapter: media/internal/chromaprint_fingerprint.cc) and the
// content hash used for idempotent re-ingest (media/internal/sodium_hash.cc).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "media/pcm.h"

namespace sonora::media {

// Chromaprint's compressed, base64 fingerprint of the first 120 s. Errors: kInternal.
Result<std::string> Fingerprint(const PcmBuffer& pcm);

// Hex BLAKE2b-256 of the 16-bit quantized PCM: equal for the same audio whatever the tags or
// container, so a re-tagged file is recognized as the same recording.
std::string AudioHash(const PcmBuffer& pcm);
// Hex BLAKE2b-256 of arbitrary bytes (artwork ids, tag digests).
std::string BytesHash(std::string_view bytes);

}  // namespace sonora::media
