// codec.h over libavformat/libavcodec/libswresample: opening hostile files, decoding to pipeline
// PCM, the embedded cover, and the Ogg Vorbis, FLAC and WAV writers. HLS is in ffmpeg_hls.cc,
// artwork in ffmpeg_image.cc, the shared encode pipeline in ffmpeg_util.cc.
//
// Hostile input (SECURITY.md §7), in the order the checks run:
//   1. stat: absent -> kNotFound; not a regular file, empty, or over max_file_bytes ->
//      kInvalidArgument ("file").
//   2. Our own scan of the two headers whose size claims FFmpeg trusts with an allocation before
//      it has read the bytes (an ID3v2 tag, a FLAC PICTURE block): a claim larger than the file
//      (or a picture over kMaxCoverBytes) is a tag bomb -> kInvalidArgument.
//   3. avformat_open_input on "file:<path>" with protocol_whitelist=file (no http, concat, hls or
//      subfile inside a media file), format_whitelist = the audio demuxers below, a
//      codec_whitelist, bounded probesize/formatprobesize/analyzeduration/max_streams, and an
//      interrupt callback on the max_decode_time deadline -> kDeadlineExceeded.
//   4. The demuxer's name is checked again against kAllowedDemuxers, and the best audio stream's
//      codec against kAllowedCodecs.
//   5. Decoding stops with kInvalidArgument as soon as the output passes max_duration_ms, and
//      fails when nothing decodes or more than 1 in 20 packets fails (kMaxBadPacketRatio).
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

#include "media/codec.h"
#include "media/internal/ffmpeg_util.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace sonora::media {

using internal::AvErrorText;
using internal::CodecContextPtr;
using internal::Dictionary;
using internal::FramePtr;
using internal::InitFfmpeg;
using internal::InputFormatPtr;
using internal::PacketPtr;
using internal::SwrPtr;

namespace {

// Demuxers we accept, by FFmpeg 5.1's AVInputFormat::name. Everything else (images, video-only
// containers we never meant to read, playlists such as hls or concat) is refused.
constexpr std::string_view kAllowedDemuxers[] = {"flac", "wav",  "mp3",
                                                 "ogg",  "aiff", "mov,mp4,m4a,3gp,3g2,mj2"};
// The same list as FFmpeg's format_whitelist option (matched element-wise, so "mov" admits
// "mov,mp4,m4a,3gp,3g2,mj2").
constexpr char kFormatWhitelist[] = "flac,wav,mp3,ogg,aiff,mov";
// Decoders FFmpeg may open while probing or decoding: the audio codecs we accept plus the two
// cover-art image codecs (avformat_find_stream_info opens decoders for every stream).
constexpr char kCodecWhitelist[] =
    "flac,mp3float,mp3,vorbis,opus,aac,alac,pcm_s16le,pcm_s16be,pcm_s24le,pcm_s24be,pcm_s32le,"
    "pcm_s32be,pcm_f32le,pcm_f32be,pcm_f64le,pcm_f64be,pcm_u8,pcm_s8,mjpeg,png";
constexpr AVCodecID kAllowedCodecs[] = {
    AV_CODEC_ID_FLAC,      AV_CODEC_ID_MP3,       AV_CODEC_ID_VORBIS,    AV_CODEC_ID_OPUS,
    AV_CODEC_ID_AAC,       AV_CODEC_ID_ALAC,      AV_CODEC_ID_PCM_S16LE, AV_CODEC_ID_PCM_S16BE,
    AV_CODEC_ID_PCM_S24LE, AV_CODEC_ID_PCM_S24BE, AV_CODEC_ID_PCM_S32LE, AV_CODEC_ID_PCM_S32BE,
    AV_CODEC_ID_PCM_F32LE, AV_CODEC_ID_PCM_F32BE, AV_CODEC_ID_PCM_F64LE, AV_CODEC_ID_PCM_F64BE,
    AV_CODEC_ID_PCM_U8,    AV_CODEC_ID_PCM_S8};

// Probing bounds: bytes read to find stream parameters, bytes read to guess the format, the media
// time analysed, and the most streams a file may declare.
constexpr int64_t kProbeBytes = 5'000'000;
constexpr int64_t kFormatProbeBytes = 1 << 20;
constexpr int64_t kAnalyzeMicros = 5'000'000;
constexpr int kMaxStreams = 16;
// A decoded frame larger than this many samples per channel is absurd (FLAC's maximum block is
// 65535); the decoder refuses it rather than allocating.
constexpr int64_t kMaxSamplesPerFrame = 1 << 20;
// Embedded covers above this are ignored by ExtractEmbeddedCover and, when a header claims one,
// refused before FFmpeg allocates for it.
constexpr int64_t kMaxCoverBytes = int64_t{16} << 20;
// More than 1 failed packet in this many fails the decode (5%).
constexpr int64_t kMaxBadPacketRatio = 20;
// ID3v2 tags at the head of a file that CheckHeaderClaims follows (FFmpeg reads any number).
constexpr int kMaxId3Tags = 64;
// Consecutive demuxer (or decoder) errors after which the rest of the file is treated as
// unreadable.
constexpr int kMaxConsecutiveReadErrors = 32;
// Reserving output for more than this is left to vector growth (a header may lie about length).
constexpr int64_t kMaxReserveFrames = int64_t{15} * 60 * kPipelineSampleRate;

Status BadFile(std::string message) { return Status::InvalidArgument("file", std::move(message)); }

struct Deadline {
  std::chrono::steady_clock::time_point at;
  bool Passed() const { return std::chrono::steady_clock::now() >= at; }
};

// FFmpeg polls this during blocking I/O; non-zero aborts with AVERROR_EXIT.
int InterruptCallback(void* opaque) {
  return static_cast<const Deadline*>(opaque)->Passed() ? 1 : 0;
}

Status DeadlineStatus(const std::string& path) {
  return Status::DeadlineExceeded("decoding " + path + " took longer than allowed");
}

// --- Step 2: header claims FFmpeg would allocate for before reading -------------------------

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

bool ReadAt(std::FILE* f, int64_t offset, uint8_t* buf, size_t n) {
  if (fseeko(f, static_cast<off_t>(offset), SEEK_SET) != 0) return false;
  return std::fread(buf, 1, n, f) == n;
}

uint32_t Be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// FFmpeg's ID3v2 reader allocates an APIC frame's claimed size before reading it, and its FLAC
// reader allocates a PICTURE's claimed size (up to 500 MB) when the block looks "truncated". A
// file whose claims exceed what it holds is refused here, so every later allocation is bounded by
// bytes that exist (and the file by max_file_bytes).
Status CheckHeaderClaims(const std::string& path, int64_t file_size) {
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::Internal("cannot open " + path + ": " + std::strerror(errno));
  // FFmpeg reads ID3v2 tags back to back, so every one at the head of the file is checked.
  int64_t offset = 0;
  uint8_t h[10];
  for (int tag = 0;
       tag < kMaxId3Tags && ReadAt(f.get(), offset, h, 10) && std::memcmp(h, "ID3", 3) == 0;
       ++tag) {
    if ((h[6] | h[7] | h[8] | h[9]) & 0x80) return BadFile("malformed ID3v2 tag size");
    const int64_t size =
        (int64_t{h[6]} << 21) | (int64_t{h[7]} << 14) | (int64_t{h[8]} << 7) | h[9];
    offset += 10 + size + ((h[5] & 0x10) ? 10 : 0);
    if (offset > file_size) return BadFile("ID3v2 tag claims more bytes than the file holds");
  }
  uint8_t magic[4];
  if (!ReadAt(f.get(), offset, magic, 4) || std::memcmp(magic, "fLaC", 4) != 0) return Status();
  int64_t pos = offset + 4;
  for (int block = 0; block < 4096; ++block) {
    uint8_t bh[4];
    if (!ReadAt(f.get(), pos, bh, 4)) return Status();  // truncated: FFmpeg reports it
    const bool last = (bh[0] & 0x80) != 0;
    const int type = bh[0] & 0x7f;
    const int64_t len = (int64_t{bh[1]} << 16) | (int64_t{bh[2]} << 8) | bh[3];
    const int64_t body = pos + 4;
    if (body + len > file_size) return BadFile("FLAC metadata block runs past the end of file");
    if (type == 6) {  // PICTURE: type, mime, description, 4 x u32, then the data length
      uint8_t u[4];
      int64_t p = body + 4;
      if (!ReadAt(f.get(), p, u, 4)) return BadFile("truncated FLAC picture");
      p += 4 + Be32(u);
      if (!ReadAt(f.get(), p, u, 4)) return BadFile("truncated FLAC picture");
      p += 4 + Be32(u) + 16;
      if (!ReadAt(f.get(), p, u, 4)) return BadFile("truncated FLAC picture");
      const int64_t data_len = Be32(u);
      if (p + 4 + data_len > body + len || data_len > kMaxCoverBytes) {
        return BadFile("FLAC picture claims more bytes than its block holds");
      }
    }
    pos = body + len;
    if (last) break;
  }
  return Status();
}

// --- Steps 1, 3, 4: opening ------------------------------------------------------------------

struct OpenedInput {
  InputFormatPtr fmt;
  int audio_stream = -1;
  int64_t file_bytes = 0;
};

// `deadline` must outlive the returned context (its interrupt callback points at it).
Result<OpenedInput> OpenInput(const std::string& path, const DecodeLimits& limits,
                              const Deadline* deadline) {
  InitFfmpeg();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound("no such file: " + path);
    return Status::Internal("cannot stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return BadFile("not a regular file");
  const int64_t size = static_cast<int64_t>(st.st_size);
  if (size == 0) return BadFile("the file is empty");
  if (size > limits.max_file_bytes) {
    return BadFile("the file is " + std::to_string(size) + " bytes, over the cap of " +
                   std::to_string(limits.max_file_bytes));
  }
  SONORA_RETURN_IF_ERROR(CheckHeaderClaims(path, size));

  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return Status::Internal("out of memory allocating a demuxer");
  raw->interrupt_callback.callback = &InterruptCallback;
  raw->interrupt_callback.opaque = const_cast<Deadline*>(deadline);
  Dictionary opts;
  opts.Set("protocol_whitelist", "file");
  opts.Set("format_whitelist", kFormatWhitelist);
  opts.Set("codec_whitelist", kCodecWhitelist);
  opts.Set("probesize", std::to_string(kProbeBytes));
  opts.Set("formatprobesize", std::to_string(kFormatProbeBytes));
  opts.Set("analyzeduration", std::to_string(kAnalyzeMicros));
  opts.Set("max_streams", std::to_string(kMaxStreams));
  // On failure avformat_open_input frees the context and nulls `raw`.
  int ret = avformat_open_input(&raw, ("file:" + path).c_str(), nullptr, opts.get());
  OpenedInput in{InputFormatPtr(raw), -1, size};
  if (ret < 0) {
    if (ret == AVERROR_EXIT || deadline->Passed()) return DeadlineStatus(path);
    if (ret == AVERROR(ENOMEM)) return Status::Internal("out of memory opening " + path);
    // AVERROR(EINVAL) here is FFmpeg recognizing a format that is not on the whitelist.
    return BadFile("not an audio format we accept (FLAC, WAV, AIFF, MP3, Ogg, MP4/M4A): " +
                   AvErrorText(ret));
  }
  const std::string_view name = in.fmt->iformat->name;
  if (std::find(std::begin(kAllowedDemuxers), std::end(kAllowedDemuxers), name) ==
      std::end(kAllowedDemuxers)) {
    return BadFile("format " + std::string(name) + " is not accepted");
  }
  ret = avformat_find_stream_info(in.fmt.get(), nullptr);
  if (ret < 0) {
    if (ret == AVERROR_EXIT || deadline->Passed()) return DeadlineStatus(path);
    return BadFile("cannot read stream information: " + AvErrorText(ret));
  }
  ret = av_find_best_stream(in.fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (ret < 0) return BadFile("the file has no audio stream");
  in.audio_stream = ret;
  const AVCodecParameters* par = in.fmt->streams[ret]->codecpar;
  if (std::find(std::begin(kAllowedCodecs), std::end(kAllowedCodecs), par->codec_id) ==
      std::end(kAllowedCodecs)) {
    return BadFile("audio codec " + std::string(avcodec_get_name(par->codec_id)) +
                   " is not accepted");
  }
  if (par->sample_rate <= 0 || par->ch_layout.nb_channels <= 0) {
    return BadFile("the audio stream has no sample rate or channels");
  }
  return in;
}

Deadline DeadlineFrom(const DecodeLimits& limits) {
  return Deadline{std::chrono::steady_clock::now() + limits.max_decode_time};
}

// --- Step 5: decoding --------------------------------------------------------------------------

// Converts decoded frames of any format, rate and layout to interleaved float stereo at
// kPipelineSampleRate, rebuilding itself when a stream changes format part-way.
class Resampler {
 public:
  Resampler() = default;
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;
  ~Resampler() { av_channel_layout_uninit(&layout_); }

  Status Convert(const AVFrame* frame, std::vector<float>& out) {
    if (!swr_ || frame->format != format_ || frame->sample_rate != rate_ ||
        av_channel_layout_compare(&frame->ch_layout, &layout_) != 0) {
      SONORA_RETURN_IF_ERROR(Flush(out));
      SONORA_RETURN_IF_ERROR(Configure(frame));
    }
    return Run(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples, out);
  }

  // Drains the samples the resampler's filter still holds.
  Status Flush(std::vector<float>& out) {
    if (!swr_) return Status();
    return Run(nullptr, 0, out);
  }

 private:
  Status Configure(const AVFrame* frame) {
    swr_.reset();
    av_channel_layout_uninit(&layout_);
    int ret = av_channel_layout_copy(&layout_, &frame->ch_layout);
    if (ret < 0) return Status::Internal("copying a channel layout: " + AvErrorText(ret));
    format_ = frame->format;
    rate_ = frame->sample_rate;
    AVChannelLayout in_layout{};
    if (layout_.order == AV_CHANNEL_ORDER_UNSPEC) {
      av_channel_layout_default(&in_layout, layout_.nb_channels);
    } else {
      av_channel_layout_copy(&in_layout, &layout_);
    }
    AVChannelLayout stereo{};
    av_channel_layout_default(&stereo, 2);
    SwrContext* raw = nullptr;
    ret = swr_alloc_set_opts2(&raw, &stereo, AV_SAMPLE_FMT_FLT, kPipelineSampleRate, &in_layout,
                              static_cast<AVSampleFormat>(format_), rate_, 0, nullptr);
    swr_.reset(raw);
    const int in_channels = in_layout.nb_channels;
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&stereo);
    if (ret < 0) return BadFile("unsupported sample layout: " + AvErrorText(ret));
    if (in_channels == 1) {
      // Mono is duplicated at full level (the default matrix would attenuate it by 3 dB).
      const double matrix[2] = {1.0, 1.0};
      ret = swr_set_matrix(swr_.get(), matrix, 1);
      if (ret < 0) return Status::Internal("setting the mono matrix: " + AvErrorText(ret));
    } else {
      // A downmix is normalized so that it cannot exceed full scale.
      av_opt_set_double(swr_.get(), "rematrix_maxval", 1.0, 0);
    }
    ret = swr_init(swr_.get());
    if (ret < 0) return BadFile("cannot convert this audio: " + AvErrorText(ret));
    return Status();
  }

  Status Run(const uint8_t** in, int n, std::vector<float>& out) {
    while (true) {
      const int room = swr_get_out_samples(swr_.get(), n);
      if (room < 0) return Status::Internal("resampler: " + AvErrorText(room));
      if (room == 0) return Status();
      const size_t old = out.size();
      out.resize(old + static_cast<size_t>(room) * 2);
      auto* dst = reinterpret_cast<uint8_t*>(out.data() + old);
      const int got = swr_convert(swr_.get(), &dst, room, in, n);
      if (got < 0) {
        out.resize(old);
        return Status::Internal("resampler: " + AvErrorText(got));
      }
      out.resize(old + static_cast<size_t>(got) * 2);
      // Lossy decoders overshoot slightly; PcmBuffer promises [-1, 1].
      for (size_t i = old; i < out.size(); ++i) out[i] = std::clamp(out[i], -1.0f, 1.0f);
      if (in != nullptr || got == 0) return Status();
      // Flushing: loop until the filter is empty.
    }
  }

  SwrPtr swr_;
  int format_ = -1;
  int rate_ = 0;
  AVChannelLayout layout_{};
};

}  // namespace

Result<ProbeInfo> ProbeFile(const std::string& path, const DecodeLimits& limits) {
  const Deadline deadline = DeadlineFrom(limits);
  SONORA_ASSIGN_OR_RETURN(OpenedInput in, OpenInput(path, limits, &deadline));
  const AVStream* st = in.fmt->streams[in.audio_stream];
  const AVCodecParameters* par = st->codecpar;
  ProbeInfo info;
  info.container = in.fmt->iformat->name;
  info.codec = avcodec_get_name(par->codec_id);
  info.sample_rate = par->sample_rate;
  info.channels = par->ch_layout.nb_channels;
  info.bit_rate = par->bit_rate > 0 ? par->bit_rate : std::max<int64_t>(in.fmt->bit_rate, 0);
  if (in.fmt->duration != AV_NOPTS_VALUE && in.fmt->duration > 0) {
    info.duration_ms = in.fmt->duration / 1000;
  } else if (st->duration != AV_NOPTS_VALUE && st->duration > 0) {
    info.duration_ms = av_rescale_q(st->duration, st->time_base, AVRational{1, 1000});
  }
  for (unsigned i = 0; i < in.fmt->nb_streams; ++i) {
    if (in.fmt->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC)
      info.has_embedded_cover = true;
  }
  return info;
}

// Truncated files: a file cut short (an interrupted upload, a partial copy) decodes to the audio
// it still holds, which is valid audio, so DecodeFile returns that prefix rather than an error;
// the half packet at the cut counts as one failed packet. What the caller sees is a shorter track
// (ingest compares it with ProbeFile's duration if it cares). A file whose damage is spread
// through it fails the 5% rule instead, and one that decodes to nothing is kInvalidArgument.
Result<PcmBuffer> DecodeFile(const std::string& path, const DecodeLimits& limits) {
  const Deadline deadline = DeadlineFrom(limits);
  SONORA_ASSIGN_OR_RETURN(OpenedInput in, OpenInput(path, limits, &deadline));
  AVFormatContext* fmt = in.fmt.get();
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    if (static_cast<int>(i) != in.audio_stream) fmt->streams[i]->discard = AVDISCARD_ALL;
  }
  AVStream* st = fmt->streams[in.audio_stream];

  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (codec == nullptr)
    return BadFile("no decoder for " + std::string(avcodec_get_name(st->codecpar->codec_id)));
  CodecContextPtr dec(avcodec_alloc_context3(codec));
  if (!dec) return Status::Internal("out of memory allocating a decoder");
  int ret = avcodec_parameters_to_context(dec.get(), st->codecpar);
  if (ret < 0) return BadFile("bad codec parameters: " + AvErrorText(ret));
  dec->pkt_timebase = st->time_base;
  dec->thread_count = 1;
  {
    Dictionary opts;
    opts.Set("codec_whitelist", kCodecWhitelist);
    opts.Set("max_samples", std::to_string(kMaxSamplesPerFrame));
    ret = avcodec_open2(dec.get(), codec, opts.get());
    if (ret < 0)
      return BadFile("cannot open the " + std::string(codec->name) +
                     " decoder: " + AvErrorText(ret));
  }

  const int64_t max_frames = limits.max_duration_ms * kPipelineSampleRate / 1000;
  PcmBuffer pcm;
  pcm.sample_rate = kPipelineSampleRate;
  pcm.channels = 2;
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0) {
    const int64_t estimate = av_rescale(fmt->duration, kPipelineSampleRate, AV_TIME_BASE) + 4096;
    const int64_t reserve = std::min({estimate, max_frames + 1, kMaxReserveFrames});
    pcm.samples.reserve(static_cast<size_t>(reserve) * 2);
  }

  FramePtr frame(av_frame_alloc());
  PacketPtr pkt(av_packet_alloc());
  if (!frame || !pkt) return Status::Internal("out of memory allocating a frame");
  Resampler resampler;
  int64_t packets = 0;
  int64_t bad = 0;

  // Receives every frame the decoder has ready. Returns whether any receive failed.
  auto drain = [&]() -> Result<bool> {
    bool failed = false;
    for (int errors = 0; errors < kMaxConsecutiveReadErrors;) {
      if (deadline.Passed()) return DeadlineStatus(path);
      int r = avcodec_receive_frame(dec.get(), frame.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return failed;
      if (r < 0) {
        if (r == AVERROR(ENOMEM)) return Status::Internal("out of memory decoding " + path);
        failed = true;  // the decoder dropped this packet; it stays usable
        ++errors;
        continue;
      }
      Status s = resampler.Convert(frame.get(), pcm.samples);
      av_frame_unref(frame.get());
      SONORA_RETURN_IF_ERROR(s);
      if (pcm.frames() > max_frames) {
        return BadFile("longer than the cap of " + std::to_string(limits.max_duration_ms) + " ms");
      }
    }
    return true;  // a decoder that keeps failing without consuming input: stop asking
  };

  int read_errors = 0;
  while (true) {
    if (deadline.Passed()) return DeadlineStatus(path);
    ret = av_read_frame(fmt, pkt.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0) {
      if (ret == AVERROR_EXIT || deadline.Passed()) return DeadlineStatus(path);
      if (ret == AVERROR(ENOMEM)) return Status::Internal("out of memory reading " + path);
      // A damaged stretch the demuxer cannot parse: counts against the 5% rule; a run of them
      // is the end of what can be read (see the truncation note above).
      ++packets;
      ++bad;
      if (++read_errors >= kMaxConsecutiveReadErrors) break;
      continue;
    }
    read_errors = 0;
    if (pkt->stream_index != in.audio_stream) {
      av_packet_unref(pkt.get());
      continue;
    }
    ++packets;
    ret = avcodec_send_packet(dec.get(), pkt.get());
    av_packet_unref(pkt.get());
    if (ret == AVERROR(ENOMEM)) return Status::Internal("out of memory decoding " + path);
    const bool send_failed = ret < 0;  // never EAGAIN: every frame is drained after each packet
    SONORA_ASSIGN_OR_RETURN(bool drain_failed, drain());
    if (send_failed || drain_failed) ++bad;
  }
  ret = avcodec_send_packet(dec.get(), nullptr);
  if (ret < 0 && ret != AVERROR_EOF)
    return Status::Internal("flushing the decoder: " + AvErrorText(ret));
  SONORA_ASSIGN_OR_RETURN(bool flush_failed, drain());
  if (flush_failed) ++bad;
  SONORA_RETURN_IF_ERROR(resampler.Flush(pcm.samples));
  if (pcm.frames() > max_frames) {
    return BadFile("longer than the cap of " + std::to_string(limits.max_duration_ms) + " ms");
  }

  if (pcm.frames() == 0) return BadFile("no audio could be decoded");
  if (bad * kMaxBadPacketRatio > packets) {
    return BadFile("corrupt audio: " + std::to_string(bad) + " of " + std::to_string(packets) +
                   " packets failed to decode");
  }
  return pcm;
}

Result<std::optional<std::string>> ExtractEmbeddedCover(const std::string& path) {
  const DecodeLimits limits;
  const Deadline deadline = DeadlineFrom(limits);
  SONORA_ASSIGN_OR_RETURN(OpenedInput in, OpenInput(path, limits, &deadline));
  for (unsigned i = 0; i < in.fmt->nb_streams; ++i) {
    const AVStream* st = in.fmt->streams[i];
    if (!(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) continue;
    const AVCodecID id = st->codecpar->codec_id;
    if (id != AV_CODEC_ID_MJPEG && id != AV_CODEC_ID_PNG) continue;
    const AVPacket& pic = st->attached_pic;
    if (pic.size <= 0 || pic.data == nullptr) continue;
    if (pic.size > kMaxCoverBytes) return std::optional<std::string>();
    return std::optional<std::string>(
        std::string(reinterpret_cast<const char*>(pic.data), static_cast<size_t>(pic.size)));
  }
  return std::optional<std::string>();
}

// --- Renditions ---------------------------------------------------------------------------------

namespace {

// libvorbis through FFmpeg takes `b` (bits per second) in managed ABR mode with the slow rate
// manager off: 96, 160 and 320 kbps are all accepted at 44.1 kHz stereo.
constexpr int kMinVorbisKbps = 32;
constexpr int kMaxVorbisKbps = 500;

Status ValidateKbps(int kbps, int lo, int hi) {
  if (kbps < lo || kbps > hi) {
    return Status::InvalidArgument("kbps",
                                   "must be " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return Status();
}

Status EnsureDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("out_dir", "cannot create " + dir + ": " + ec.message());
  return Status();
}

internal::AudioEncodeSpec Vorbis(int kbps) {
  return internal::AudioEncodeSpec{
      .encoder = "libvorbis", .bit_rate = int64_t{kbps} * 1000, .codec_options = {}};
}

internal::MuxSpec Ogg(const std::string& path) {
  return internal::MuxSpec{
      .muxer = "ogg", .path = path, .options = {}, .flush_after_first_packet = true};
}

}  // namespace

// Each chunk is its own Ogg Vorbis stream from a fresh encoder: headers, then the chunk's audio,
// with the last granule position equal to the chunk's frame count so FFmpeg, libvorbisfile and
// browsers trim the final block and the chunk decodes to exactly `frames` samples.
Result<std::vector<ChunkInfo>> EncodeVorbisChunks(const PcmBuffer& pcm, int kbps,
                                                  const std::string& out_dir) {
  SONORA_RETURN_IF_ERROR(internal::ValidatePcm(pcm));
  SONORA_RETURN_IF_ERROR(ValidateKbps(kbps, kMinVorbisKbps, kMaxVorbisKbps));
  SONORA_RETURN_IF_ERROR(EnsureDir(out_dir));
  const int64_t chunk_frames = int64_t{kChunkLength.count()} * pcm.sample_rate;
  const int64_t total = pcm.frames();
  std::vector<ChunkInfo> chunks;
  for (int64_t n = 0; n * chunk_frames < total; ++n) {
    ChunkInfo c;
    c.file_name = "chunk_" + std::to_string(n) + ".ogg";
    c.start_frame = n * chunk_frames;
    c.frames = std::min(chunk_frames, total - c.start_frame);
    const std::string path = out_dir + "/" + c.file_name;
    SONORA_RETURN_IF_ERROR(
        internal::EncodePcm(pcm, c.start_frame, c.start_frame + c.frames, Vorbis(kbps), Ogg(path))
            .status());
    SONORA_ASSIGN_OR_RETURN(c.bytes, internal::FileSize(path));
    chunks.push_back(std::move(c));
  }
  return chunks;
}

Result<int64_t> EncodeFlac(const PcmBuffer& pcm, const std::string& out_path) {
  SONORA_RETURN_IF_ERROR(internal::ValidatePcm(pcm));
  // FFmpeg's flac encoder at its default compression level (5), s16 samples.
  SONORA_RETURN_IF_ERROR(
      internal::EncodePcm(
          pcm, 0, pcm.frames(), {.encoder = "flac", .bit_rate = 0, .codec_options = {}},
          {.muxer = "flac", .path = out_path, .options = {}, .flush_after_first_packet = false})
          .status());
  return internal::FileSize(out_path);
}

Result<int64_t> EncodeClip(const PcmBuffer& pcm, int64_t start_frame, int64_t frames, int kbps,
                           const std::string& out_path) {
  SONORA_RETURN_IF_ERROR(internal::ValidatePcm(pcm));
  SONORA_RETURN_IF_ERROR(ValidateKbps(kbps, kMinVorbisKbps, kMaxVorbisKbps));
  if (start_frame < 0 || start_frame >= pcm.frames()) {
    return Status::InvalidArgument("start_frame", "outside the track");
  }
  if (frames <= 0 || frames > pcm.frames() - start_frame) {
    return Status::InvalidArgument("frames", "the clip must be non-empty and inside the track");
  }
  // Linear 1 s fades (shorter clips: half the clip each), gain 0 at the first and last frame.
  const int64_t fade = std::max<int64_t>(1, std::min<int64_t>(pcm.sample_rate, frames / 2));
  PcmBuffer clip;
  clip.sample_rate = pcm.sample_rate;
  clip.channels = pcm.channels;
  const auto ch = static_cast<size_t>(pcm.channels);
  clip.samples.assign(
      pcm.samples.begin() + static_cast<ptrdiff_t>(start_frame * pcm.channels),
      pcm.samples.begin() + static_cast<ptrdiff_t>((start_frame + frames) * pcm.channels));
  const float inv = 1.0f / static_cast<float>(fade);
  for (int64_t i = 0; i < fade; ++i) {
    const float g = static_cast<float>(i) * inv;
    const auto head = static_cast<size_t>(i) * ch;
    const auto tail = static_cast<size_t>(frames - 1 - i) * ch;
    for (size_t c = 0; c < ch; ++c) {
      clip.samples[head + c] *= g;
      clip.samples[tail + c] *= g;
    }
  }
  SONORA_RETURN_IF_ERROR(
      internal::EncodePcm(clip, 0, frames, Vorbis(kbps), Ogg(out_path)).status());
  return internal::FileSize(out_path);
}

Status WriteAudioFile(const PcmBuffer& pcm, const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".flac") return EncodeFlac(pcm, path).status();
  if (ext != ".wav") return Status::InvalidArgument("path", "extension must be .wav or .flac");
  SONORA_RETURN_IF_ERROR(internal::ValidatePcm(pcm));
  return internal::EncodePcm(
             pcm, 0, pcm.frames(), {.encoder = "pcm_s16le", .bit_rate = 0, .codec_options = {}},
             {.muxer = "wav", .path = path, .options = {}, .flush_after_first_packet = false})
      .status();
}

}  // namespace sonora::media
