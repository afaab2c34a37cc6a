// A track's rendition manifest: which renditions exist, their codec, bitrate, sample rate and
// every chunk's frames and bytes. Stored as JSON in track_media.manifest and written beside the
// files as manifest.json (docs/formats/media-layout.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "media/codec.h"

namespace sonora::media {

struct Rendition {
  std::string name;   // "96", "160", "320", "lossless", "hls_96", "hls_160", "hls_256", "preview"
  std::string codec;  // "vorbis", "flac", "aac"
  std::string container;  // "ogg", "flac", "fmp4"
  int kbps = 0;       // nominal; 0 for lossless
  std::vector<ChunkInfo> chunks;  // one entry for single-file renditions
};

struct Manifest {
  int sample_rate = kPipelineSampleRate;
  int channels = 2;
  int64_t frames = 0;
  int64_t duration_ms = 0;
  int64_t chunk_frames = 0;  // frames per full chunk (10 s)
  std::vector<Rendition> renditions;

  const Rendition* Find(std::string_view name) const;
};

Json ManifestToJson(const Manifest& m);
// Reads DumpJson(ManifestToJson(m)) back, straight from the text without building a document
// (play's cold path parses one per track). Unknown members are skipped; a known member of the
// wrong type, malformed JSON or a version other than 1 is kInternal.
Result<Manifest> ParseManifest(std::string_view text);

}  // namespace sonora::media
