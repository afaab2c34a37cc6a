// EncodeHlsAac: AAC-LC in fMP4 (CMAF) segments through libavformat's hls muxer.
//
// The muxer writes `init.mp4` (ftyp + moov) and `segment_<n>.m4s` (moof + mdat) into out_dir and a
// playlist, `ffmpeg.m3u8`, which we read for the exact #EXTINF of each segment and then delete:
// the streaming layer writes its own playlists.
//
// Timeline. AAC frames are 1024 samples and the encoder primes with `initial_padding` (1024)
// samples that the hls muxer's fMP4 carries without an edit list, so a player's timeline for this
// rendition is the track delayed by 1024 samples. ChunkInfo values are in that timeline:
//   start_frame(n) = sum of frames of segments before n;
//   frames(n)      = the segment's media duration in samples (its #EXTINF times the rate);
//   segment n >= 1 starts at the first AAC packet at or after n * 10 s, i.e. at
//   ceil(n * 441000 / 1024) * 1024 at 44.1 kHz, so a segment is 431 or 430 packets (10.0078 s
//   or 9.9846 s) and boundaries never drift more than one packet from n * 10 s;
//   the frames of all segments add up to pcm.frames() + 1024. When the track (plus priming) ends
//   just past a boundary, the last segment is that one packet (a 60 s track: six ~10 s
//   segments and a seventh of 1008 samples): the rule above taken literally.
// Segment 0 therefore holds track frames [0, 441344 - 1024) and segment n >= 1 starts at track
// frame start_frame(n) - 1024.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "media/codec.h"
#include "media/internal/ffmpeg_util.h"

namespace sonora::media {

namespace {

constexpr int kMinAacKbps = 32;
constexpr int kMaxAacKbps = 320;
constexpr char kMuxerPlaylist[] = "ffmpeg.m3u8";
constexpr int64_t kAacFrameSamples = 1024;  // AAC-LC frame length

struct PlaylistEntry {
  double seconds = 0;
  std::string uri;
};

// Reads the #EXTINF durations and segment URIs of the muxer's own playlist.
Result<std::vector<PlaylistEntry>> ReadMuxerPlaylist(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Internal("the hls muxer wrote no playlist at " + path);
  std::vector<PlaylistEntry> entries;
  std::string line;
  bool pending = false;
  double seconds = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("#EXTINF:", 0) == 0) {
      const char* begin = line.data() + 8;
      const char* end = line.data() + line.size();
      auto [ptr, ec] = std::from_chars(begin, end, seconds);
      if (ec != std::errc() || seconds <= 0) {
        return Status::Internal("unreadable #EXTINF in the muxer playlist: " + line);
      }
      pending = true;
    } else if (pending && !line.empty() && line[0] != '#') {
      entries.push_back({seconds, std::filesystem::path(line).filename().string()});
      pending = false;
    }
  }
  return entries;
}

}  // namespace

Result<std::vector<ChunkInfo>> EncodeHlsAac(const PcmBuffer& pcm, int kbps,
                                            const std::string& out_dir) {
  SONORA_RETURN_IF_ERROR(internal::ValidatePcm(pcm));
  if (kbps < kMinAacKbps || kbps > kMaxAacKbps) {
    return Status::InvalidArgument(
        "kbps", "must be " + std::to_string(kMinAacKbps) + ".." + std::to_string(kMaxAacKbps));
  }
  // The muxer expands printf-style patterns in the segment path.
  if (out_dir.empty() || out_dir.find('%') != std::string::npos) {
    return Status::InvalidArgument("out_dir", "must be non-empty and free of '%'");
  }
  {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec)
      return Status::InvalidArgument("out_dir", "cannot create " + out_dir + ": " + ec.message());
  }
  const std::string playlist = out_dir + "/" + kMuxerPlaylist;

  internal::AudioEncodeSpec codec{
      .encoder = "aac",  // FFmpeg's native AAC-LC encoder
      .bit_rate = int64_t{kbps} * 1000,
      // The "fast" coder is ~2.5x quicker than the default two-loop search at these rates, with
      // no measurable size change; FFmpeg 7.1 made it the default.
      .codec_options = {{"aac_coder", "fast"}},
  };
  internal::MuxSpec mux{
      .muxer = "hls",
      .path = playlist,
      .options = {{"hls_time", std::to_string(kChunkLength.count())},
                  {"hls_segment_type", "fmp4"},
                  {"hls_fmp4_init_filename", "init.mp4"},
                  {"hls_segment_filename", out_dir + "/segment_%d.m4s"},
                  {"hls_playlist_type", "vod"},
                  {"hls_list_size", "0"},
                  {"hls_flags", "independent_segments"}},
      .flush_after_first_packet = false,
  };
  SONORA_ASSIGN_OR_RETURN(internal::EncodeStats stats,
                          internal::EncodePcm(pcm, 0, pcm.frames(), codec, mux));
  SONORA_ASSIGN_OR_RETURN(std::vector<PlaylistEntry> entries, ReadMuxerPlaylist(playlist));
  std::error_code ignored;
  std::filesystem::remove(playlist, ignored);  // a leftover is harmless; the layer ignores it
  if (entries.empty()) return Status::Internal("the hls muxer wrote no segments");
  if (!std::filesystem::exists(out_dir + "/init.mp4")) {
    return Status::Internal("the hls muxer wrote no init.mp4");
  }

  // Every segment but the last lasts exactly what its #EXTINF says (six decimals: 1 us, far below
  // half a sample, so rounding is exact). The last one ends where the track does: the muxer
  // reports a one-packet last segment untrimmed (1024 samples), so its length is computed.
  const int64_t timeline = pcm.frames() + stats.initial_padding;
  std::vector<ChunkInfo> segments;
  int64_t start = 0;
  for (size_t n = 0; n < entries.size(); ++n) {
    ChunkInfo c;
    c.file_name = "segment_" + std::to_string(n) + ".m4s";
    if (entries[n].uri != c.file_name) {
      return Status::Internal("unexpected segment " + entries[n].uri + " in the muxer playlist");
    }
    c.start_frame = start;
    const int64_t listed = std::llround(entries[n].seconds * pcm.sample_rate);
    c.frames = n + 1 < entries.size() ? listed : timeline - start;
    if (c.frames <= 0 || std::llabs(c.frames - listed) >= kAacFrameSamples) {
      return Status::Internal("hls segment " + c.file_name + " lasts " + std::to_string(listed) +
                              " samples, expected " + std::to_string(c.frames));
    }
    SONORA_ASSIGN_OR_RETURN(c.bytes, internal::FileSize(out_dir + "/" + c.file_name));
    start += c.frames;
    segments.push_back(std::move(c));
  }
  return segments;
}

}  // namespace sonora::media
