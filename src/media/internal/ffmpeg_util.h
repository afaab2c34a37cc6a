// Shared plumbing of the FFmpeg adapter (media/internal/ffmpeg_*.cc): owning pointers for libav
// objects, error text, one-time library setup, and the PCM -> encoder -> muxer pipeline that every
// rendition uses. Only forward declarations here: libav headers are included by the .cc files
// alone (scripts/check-deps, STYLE.md rule 8), and nothing in this header escapes media/internal.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "media/pcm.h"

struct AVCodecContext;
struct AVDictionary;
struct AVFormatContext;
struct AVFrame;
struct AVPacket;
struct SwrContext;
struct SwsContext;

namespace sonora::media::internal {

// Deleters for std::unique_ptr. Each accepts null.
struct InputFormatDeleter {  // avformat_close_input
  void operator()(AVFormatContext* ctx) const;
};
struct OutputFormatDeleter {  // closes the AVIOContext (unless AVFMT_NOFILE), then frees
  void operator()(AVFormatContext* ctx) const;
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* ctx) const;
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const;
};
struct PacketDeleter {
  void operator()(AVPacket* packet) const;
};
struct SwrDeleter {
  void operator()(SwrContext* swr) const;
};
struct SwsDeleter {
  void operator()(SwsContext* sws) const;
};

using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

// An AVDictionary of options, freed on scope exit.
class Dictionary {
 public:
  Dictionary() = default;
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary();

  void Set(const std::string& key, const std::string& value);
  AVDictionary** get() { return &dict_; }
  // Keys left over after an open call (options nobody recognized), comma-separated.
  std::string Leftover() const;

 private:
  AVDictionary* dict_ = nullptr;
};

// Sets FFmpeg's log level to errors only, once per process. Every entry point calls it.
void InitFfmpeg();

// "Invalid data found when processing input (-1094995529)".
std::string AvErrorText(int err);

// Size of a file on disk, kInternal when it cannot be read (our own output went missing).
Result<int64_t> FileSize(const std::string& path);

// kInvalidArgument ("pcm") unless `pcm` is non-empty with 1..8 channels at 8..192 kHz.
Status ValidatePcm(const PcmBuffer& pcm);

// What to encode with: an encoder by FFmpeg name ("libvorbis", "aac", "flac", "pcm_s16le").
// The sample format is chosen from the encoder's list, preferring planar float, then packed
// float, then s16 (so "flac" gets 16-bit samples).
struct AudioEncodeSpec {
  std::string encoder;
  int64_t bit_rate = 0;  // bits per second; 0 leaves the encoder's default
  std::vector<std::pair<std::string, std::string>> codec_options;
};

// Where the packets go: a muxer by FFmpeg name writing `path` (for "hls", the playlist).
struct MuxSpec {
  std::string muxer;
  std::string path;
  std::vector<std::pair<std::string, std::string>> options;
  // Ends the first Ogg page after the first audio packet, so the first audio page is never also
  // the last: FFmpeg's Ogg demuxer derives the end trimming of a one-page stream wrongly
  // (it assumes the first page is not the EOS page), and a short last chunk would decode long.
  bool flush_after_first_packet = false;
};

struct EncodeStats {
  int64_t packets = 0;
  int initial_padding = 0;  // encoder priming in samples (AAC: 1024), as the encoder reports it
};

// Encodes frames [begin, end) of `pcm` with a fresh encoder into a fresh muxer, writing headers
// and trailer. Reuses one frame for the whole run; planar encoders get a cheap de-interleave,
// s16 encoders a libswresample conversion. kInternal for FFmpeg failures (no user input reaches
// here but our own PCM), kInvalidArgument ("path") when the output cannot be opened.
Result<EncodeStats> EncodePcm(const PcmBuffer& pcm, int64_t begin, int64_t end,
                              const AudioEncodeSpec& codec, const MuxSpec& mux);

}  // namespace sonora::media::internal
