// The FFmpeg boundary (implemented in media/internal/ffmpeg_*.cc; no libav* type escapes):
// decoding masters to PCM, encoding renditions, and scaling artwork.
//
// Every function treats its input as hostile (SECURITY.md §7): only local files, only audio
// demuxers, no protocols inside media files, caps on size, duration and decode time. Outputs are
// written where told; callers write into a temp dir and rename into place after the catalog
// commit. Thread-safe: functions share no state and may run on several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "media/pcm.h"

namespace sonora::media {

inline constexpr std::chrono::seconds kChunkLength{10};  // seed 000 §7: 10-second chunks

struct DecodeLimits {
  int64_t max_file_bytes = int64_t{2} << 30;           // 2 GiB
  int64_t max_duration_ms = 3 * 3600 * 1000;           // 3 hours
  std::chrono::milliseconds max_decode_time{120'000};  // wall clock for the whole decode
};

struct ProbeInfo {
  std::string container;   // "flac", "wav", "mp3", "ogg", "mov,mp4,m4a,3gp,3g2,mj2" ...
  std::string codec;       // "flac", "pcm_s16le", "mp3", "vorbis", "opus", "aac"
  int sample_rate = 0;
  int channels = 0;
  int64_t bit_rate = 0;
  int64_t duration_ms = 0;  // from the container; 0 when unknown
  bool has_embedded_cover = false;
};

// Opens the file and reads stream information without decoding it all.
// Errors: kInvalidArgument ("file") for a file that is not audio we accept (unknown or
// non-audio format, no audio stream, over the size cap, zero-length); kNotFound when absent.
Result<ProbeInfo> ProbeFile(const std::string& path, const DecodeLimits& limits = {});

// Decodes the first audio stream to PCM at kPipelineSampleRate, stereo (mono sources are
// duplicated; more channels are downmixed).
// Errors: as ProbeFile; kInvalidArgument when decoding fails part-way (corrupt data), when the
// decoded duration exceeds the cap; kDeadlineExceeded when max_decode_time passes.
Result<PcmBuffer> DecodeFile(const std::string& path, const DecodeLimits& limits = {});

// The embedded cover picture's bytes (JPEG or PNG) if the file has one.
Result<std::optional<std::string>> ExtractEmbeddedCover(const std::string& path);

// One output chunk of a chunked rendition.
struct ChunkInfo {
  std::string file_name;  // "chunk_0.ogg" ...
  int64_t start_frame = 0;  // first sample frame of the chunk in the track (at the input rate)
  int64_t frames = 0;       // sample frames it decodes to
  int64_t bytes = 0;
};

// Ogg Vorbis at `kbps` (96, 160, 320), cut into kChunkLength chunks on exact sample boundaries:
// chunk n covers frames [n * 10 s, (n + 1) * 10 s). Each chunk is a complete Ogg Vorbis stream
// (its own headers), decodable on its own, and decodes to exactly `frames` frames so chunks
// played back to back are gapless. Written as `out_dir`/chunk_<n>.ogg.
Result<std::vector<ChunkInfo>> EncodeVorbisChunks(const PcmBuffer& pcm, int kbps,
                                                  const std::string& out_dir);

// The whole track as one FLAC file (lossless rendition for hifi), 16-bit.
Result<int64_t> EncodeFlac(const PcmBuffer& pcm, const std::string& out_path);

// An HLS rendition: AAC-LC at `kbps` in fMP4 (CMAF) segments of kChunkLength:
// `out_dir`/init.mp4 and `out_dir`/segment_<n>.m4s, with one entry per segment in the result
// (frames and bytes). For HLS, start_frame and frames are in the AAC timeline, which is the
// track plus the encoder's 1024 priming samples: segment n >= 1 starts at the first AAC packet
// at or after n * 441000, so #EXTINF = frames / 44100 and the segments sum to track + 1024
// frames (the last one may be a single packet). Standard players (ffmpeg, hls.js, Safari) play
// them through a playlist the streaming layer writes.
Result<std::vector<ChunkInfo>> EncodeHlsAac(const PcmBuffer& pcm, int kbps,
                                            const std::string& out_dir);

// A clip of `pcm` from `start_frame` for `frames` frames, with 1 s fades in and out, as one
// Ogg Vorbis file at `kbps` (the 30-second preview).
Result<int64_t> EncodeClip(const PcmBuffer& pcm, int64_t start_frame, int64_t frames, int kbps,
                           const std::string& out_path);

// Writes `pcm` as a 16-bit WAV or FLAC file chosen by extension (".wav", ".flac"): used by the
// demo synthesizer to produce masters and by tests.
Status WriteAudioFile(const PcmBuffer& pcm, const std::string& path);

// Decodes any image FFmpeg reads (JPEG, PNG), center-crops it square and writes a `size` x
// `size` JPEG to `out_path`. kInvalidArgument ("image") for undecodable or absurd (over 64
// megapixels) images.
Status ScaleArtwork(const std::string& image_bytes, int size, const std::string& out_path);

}  // namespace sonora::media
