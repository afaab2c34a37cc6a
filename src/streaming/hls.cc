#include "streaming/hls.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/strings.h"

namespace sonora::streaming {

namespace {
std::string Seconds(int64_t frames, int sample_rate) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6f", static_cast<double>(frames) / sample_rate);
  return buf;
}
}  // namespace

std::string MasterPlaylist(const media::Manifest& manifest,
                           const std::vector<HlsVariant>& variants) {
  std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  for (const auto& v : variants) {
    const media::Rendition* r = manifest.Find(v.rendition);
    if (!r || r->chunks.empty()) continue;
    double peak = 0, bytes = 0, frames = 0;
    for (const auto& c : r->chunks) {
      if (c.frames > 0) {
        peak = std::max(peak, 8.0 * static_cast<double>(c.bytes) * manifest.sample_rate /
                                  static_cast<double>(c.frames));
      }
      bytes += static_cast<double>(c.bytes);
      frames += static_cast<double>(c.frames);
    }
    const double average = frames > 0 ? 8.0 * bytes * manifest.sample_rate / frames : 0;
    out += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(static_cast<int64_t>(std::ceil(peak))) +
           ",AVERAGE-BANDWIDTH=" + std::to_string(static_cast<int64_t>(std::ceil(average))) +
           ",CODECS=\"mp4a.40.2\"\n" + v.uri + "\n";
  }
  return out;
}

std::string MediaPlaylist(const media::Rendition& r, int sample_rate, int64_t key_period) {
  int64_t longest = 0;
  for (const auto& c : r.chunks) longest = std::max(longest, c.frames);
  const int64_t target = (longest + sample_rate - 1) / sample_rate;  // rounded up, as RFC 8216
  const std::string period = std::to_string(key_period);
  std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:" + std::to_string(target) +
                    "\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n"
                    "#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init.mp4\"\n"
                    "#EXT-X-KEY:METHOD=AES-128,URI=\"key-p" +
                    period + "\"\n";
  for (const auto& c : r.chunks) {
    out += "#EXTINF:" + Seconds(c.frames, sample_rate) + ",\np" + period + "-" + c.file_name + "\n";
  }
  out += "#EXT-X-ENDLIST\n";
  return out;
}

std::optional<HlsName> ParseHlsName(std::string_view name) {
  auto period_of = [](std::string_view digits) -> std::optional<int64_t> {
    if (digits.empty() || digits.size() > 12) return std::nullopt;
    return ParseInt(digits);
  };
  if (name.starts_with("key-p")) {
    auto p = period_of(name.substr(5));
    if (!p) return std::nullopt;
    return HlsName{HlsName::Kind::kKey, *p, ""};
  }
  if (name.starts_with("p")) {
    size_t dash = name.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto p = period_of(name.substr(1, dash - 1));
    std::string_view file = name.substr(dash + 1);
    if (!p || !file.starts_with("segment_") || !file.ends_with(".m4s")) return std::nullopt;
    return HlsName{HlsName::Kind::kSegment, *p, std::string(file)};
  }
  return std::nullopt;
}

}  // namespace sonora::streaming
