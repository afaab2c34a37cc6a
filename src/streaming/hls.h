// HLS playlists (RFC 8216) for the AAC fMP4 renditions, written per request because they carry
// signed URLs and the current key period. Pure functions over the manifest.
//
// Media playlists put EXT-X-MAP before EXT-X-KEY so the init segment stays clear; segments are
// AES-128-CBC encrypted with the rendition's key for a period, IV = media sequence number.
// Segment and key names carry the period ("p<period>-segment_<n>.m4s", "key-p<period>") so a
// playlist fetched just before a 24 h rotation keeps working with the key it names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/manifest.h"

namespace sonora::streaming {

struct HlsVariant {
  std::string rendition;  // "hls_96" ...
  std::string uri;        // the media playlist URL
};

// The master playlist: one EXT-X-STREAM-INF per variant, BANDWIDTH from the largest segment and
// AVERAGE-BANDWIDTH from the whole rendition, CODECS="mp4a.40.2".
std::string MasterPlaylist(const media::Manifest& manifest,
                           const std::vector<HlsVariant>& variants);

// The VOD media playlist of one rendition; URIs are relative to the playlist's own URL.
std::string MediaPlaylist(const media::Rendition& rendition, int sample_rate, int64_t key_period);

// Parses "p<period>-segment_<n>.m4s" / "key-p<period>" names.
struct HlsName {
  enum class Kind { kSegment, kKey } kind;
  int64_t period = 0;
  std::string file;  // the segment's file name in the manifest (for kSegment)
};
std::optional<HlsName> ParseHlsName(std::string_view name);

}  // namespace sonora::streaming
