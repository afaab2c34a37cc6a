#include "media/internal/ffmpeg_util.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string_view>

#include "core/log.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace sonora::media::internal {

void InputFormatDeleter::operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }

void OutputFormatDeleter::operator()(AVFormatContext* ctx) const {
  if (ctx == nullptr) return;
  if (ctx->oformat != nullptr && !(ctx->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx->pb);
  avformat_free_context(ctx);
}

void CodecContextDeleter::operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
void FrameDeleter::operator()(AVFrame* frame) const { av_frame_free(&frame); }
void PacketDeleter::operator()(AVPacket* packet) const { av_packet_free(&packet); }
void SwrDeleter::operator()(SwrContext* swr) const { swr_free(&swr); }
void SwsDeleter::operator()(SwsContext* sws) const { sws_freeContext(sws); }

Dictionary::~Dictionary() { av_dict_free(&dict_); }

void Dictionary::Set(const std::string& key, const std::string& value) {
  av_dict_set(&dict_, key.c_str(), value.c_str(), 0);
}

std::string Dictionary::Leftover() const {
  std::string keys;
  const AVDictionaryEntry* e = nullptr;
  while ((e = av_dict_get(dict_, "", e, AV_DICT_IGNORE_SUFFIX)) != nullptr) {
    if (!keys.empty()) keys += ",";
    keys += e->key;
  }
  return keys;
}

namespace {

// FFmpeg's complaints about a hostile file are not our errors (callers get a Status): they go to
// our log at debug level instead of raw lines on stderr.
void LogCallback(void* avcl, int level, const char* fmt, va_list args) {
  if (level > av_log_get_level() || !log::Enabled(log::Level::kDebug)) return;
  char line[1024];
  int print_prefix = 1;
  if (av_log_format_line2(avcl, level, fmt, args, line, sizeof(line), &print_prefix) < 0) return;
  std::string_view text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.empty()) log::Debug("ffmpeg: " + std::string(text));
}

}  // namespace

void InitFfmpeg() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(&LogCallback);
  });
}

std::string AvErrorText(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(err, buf, sizeof(buf)) < 0) {
    std::snprintf(buf, sizeof(buf), "error %d", err);
  }
  return std::string(buf) + " (" + std::to_string(err) + ")";
}

Result<int64_t> FileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Internal("cannot stat " + path + ": " + std::strerror(errno));
  }
  return static_cast<int64_t>(st.st_size);
}

Status ValidatePcm(const PcmBuffer& pcm) {
  if (pcm.channels < 1 || pcm.channels > 8) {
    return Status::InvalidArgument("pcm", "channels must be 1..8");
  }
  if (pcm.sample_rate < 8000 || pcm.sample_rate > 192000) {
    return Status::InvalidArgument("pcm", "sample rate must be 8000..192000 Hz");
  }
  if (pcm.frames() == 0) return Status::InvalidArgument("pcm", "no samples");
  return Status();
}

namespace {

// Frames per encoder call when the encoder takes any size (PCM, FLAC takes its own).
constexpr int kVariableFrameSize = 4096;

AVSampleFormat PickSampleFormat(const AVCodec* codec) {
  if (codec->sample_fmts == nullptr) return AV_SAMPLE_FMT_FLTP;
  for (AVSampleFormat preferred : {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S16}) {
    for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f) {
      if (*f == preferred) return preferred;
    }
  }
  return codec->sample_fmts[0];
}

Status FfmpegError(const std::string& what, int err) {
  return Status::Internal(what + ": " + AvErrorText(err));
}

// Receives every packet the encoder has ready and writes it. `first_written` tracks the
// Ogg-page flush of MuxSpec::flush_after_first_packet.
Status WritePackets(AVCodecContext* enc, AVFormatContext* oc, AVStream* st, AVPacket* pkt,
                    const MuxSpec& mux, EncodeStats& stats) {
  while (true) {
    int ret = avcodec_receive_packet(enc, pkt);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return Status();
    if (ret < 0) return FfmpegError("encoding with " + std::string(enc->codec->name), ret);
    pkt->stream_index = st->index;
    av_packet_rescale_ts(pkt, enc->time_base, st->time_base);
    ret = av_write_frame(oc, pkt);
    av_packet_unref(pkt);
    if (ret < 0) return FfmpegError("writing a " + mux.muxer + " packet", ret);
    if (++stats.packets == 1 && mux.flush_after_first_packet) {
      ret = av_write_frame(oc, nullptr);
      if (ret < 0) return FfmpegError("flushing the first page", ret);
    }
  }
}

}  // namespace

Result<EncodeStats> EncodePcm(const PcmBuffer& pcm, int64_t begin, int64_t end,
                              const AudioEncodeSpec& spec, const MuxSpec& mux) {
  InitFfmpeg();
  SONORA_RETURN_IF_ERROR(ValidatePcm(pcm));
  SONORA_DCHECK(begin >= 0 && begin < end && end <= pcm.frames());

  const AVCodec* codec = avcodec_find_encoder_by_name(spec.encoder.c_str());
  if (codec == nullptr) return Status::Internal("FFmpeg has no encoder " + spec.encoder);

  AVFormatContext* raw_oc = nullptr;
  int ret = avformat_alloc_output_context2(&raw_oc, nullptr, mux.muxer.c_str(), mux.path.c_str());
  if (ret < 0) return FfmpegError("creating a " + mux.muxer + " muxer", ret);
  OutputFormatPtr oc(raw_oc);

  CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (!enc) return Status::Internal("out of memory allocating an encoder");
  enc->sample_rate = pcm.sample_rate;
  av_channel_layout_default(&enc->ch_layout, pcm.channels);
  enc->sample_fmt = PickSampleFormat(codec);
  enc->time_base = AVRational{1, pcm.sample_rate};
  if (spec.bit_rate > 0) enc->bit_rate = spec.bit_rate;
  enc->thread_count = 1;
  if (oc->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  {
    Dictionary opts;
    for (const auto& [k, v] : spec.codec_options) opts.Set(k, v);
    ret = avcodec_open2(enc.get(), codec, opts.get());
    if (ret < 0) return FfmpegError("opening encoder " + spec.encoder, ret);
    if (const std::string left = opts.Leftover(); !left.empty()) {
      return Status::Internal("encoder " + spec.encoder + " ignored options: " + left);
    }
  }

  AVStream* st = avformat_new_stream(oc.get(), nullptr);
  if (st == nullptr) return Status::Internal("out of memory allocating a stream");
  ret = avcodec_parameters_from_context(st->codecpar, enc.get());
  if (ret < 0) return FfmpegError("copying encoder parameters", ret);
  st->time_base = enc->time_base;

  if (!(oc->oformat->flags & AVFMT_NOFILE)) {
    // "file:" so that a path is never read as another protocol's URL.
    ret = avio_open(&oc->pb, ("file:" + mux.path).c_str(), AVIO_FLAG_WRITE);
    if (ret < 0) {
      return Status::InvalidArgument("path", "cannot write " + mux.path + ": " + AvErrorText(ret));
    }
  }
  {
    Dictionary opts;
    for (const auto& [k, v] : mux.options) opts.Set(k, v);
    ret = avformat_write_header(oc.get(), opts.get());
    if (ret < 0) return FfmpegError("writing the " + mux.muxer + " header", ret);
    if (const std::string left = opts.Leftover(); !left.empty()) {
      return Status::Internal("muxer " + mux.muxer + " ignored options: " + left);
    }
  }

  const bool variable = (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0;
  const int frame_size = (variable || enc->frame_size <= 0) ? kVariableFrameSize : enc->frame_size;
  const int channels = pcm.channels;

  FramePtr frame(av_frame_alloc());
  PacketPtr pkt(av_packet_alloc());
  if (!frame || !pkt) return Status::Internal("out of memory allocating a frame");
  frame->format = enc->sample_fmt;
  frame->sample_rate = enc->sample_rate;
  frame->nb_samples = frame_size;
  ret = av_channel_layout_copy(&frame->ch_layout, &enc->ch_layout);
  if (ret < 0) return FfmpegError("copying a channel layout", ret);
  ret = av_frame_get_buffer(frame.get(), 0);
  if (ret < 0) return FfmpegError("allocating a frame", ret);

  // Non-planar-float encoders get their samples through libswresample (same rate and layout,
  // so it only converts the format and never buffers).
  SwrPtr swr;
  if (enc->sample_fmt != AV_SAMPLE_FMT_FLTP) {
    SwrContext* raw_swr = nullptr;
    ret = swr_alloc_set_opts2(&raw_swr, &enc->ch_layout, enc->sample_fmt, enc->sample_rate,
                              &enc->ch_layout, AV_SAMPLE_FMT_FLT, pcm.sample_rate, 0, nullptr);
    swr.reset(raw_swr);
    if (ret < 0) return FfmpegError("configuring the sample converter", ret);
    ret = swr_init(swr.get());
    if (ret < 0) return FfmpegError("initializing the sample converter", ret);
  }

  EncodeStats stats;
  for (int64_t pos = begin; pos < end; pos += frame_size) {
    const int n = static_cast<int>(std::min<int64_t>(frame_size, end - pos));
    ret = av_frame_make_writable(frame.get());
    if (ret < 0) return FfmpegError("making a frame writable", ret);
    frame->nb_samples = n;
    frame->pts = pos - begin;
    const float* src = pcm.samples.data() + pos * channels;
    if (!swr) {
      if (channels == 2) {
        auto* left = reinterpret_cast<float*>(frame->data[0]);
        auto* right = reinterpret_cast<float*>(frame->data[1]);
        for (int i = 0; i < n; ++i) {
          left[i] = src[2 * i];
          right[i] = src[2 * i + 1];
        }
      } else {
        for (int c = 0; c < channels; ++c) {
          auto* dst = reinterpret_cast<float*>(frame->extended_data[c]);
          for (int i = 0; i < n; ++i) dst[i] = src[i * channels + c];
        }
      }
    } else {
      const auto* in = reinterpret_cast<const uint8_t*>(src);
      ret = swr_convert(swr.get(), frame->extended_data, n, &in, n);
      if (ret != n) return FfmpegError("converting samples", ret < 0 ? ret : AVERROR_BUG);
    }
    ret = avcodec_send_frame(enc.get(), frame.get());
    if (ret < 0) return FfmpegError("sending a frame to " + spec.encoder, ret);
    SONORA_RETURN_IF_ERROR(WritePackets(enc.get(), oc.get(), st, pkt.get(), mux, stats));
  }
  ret = avcodec_send_frame(enc.get(), nullptr);
  if (ret < 0) return FfmpegError("flushing " + spec.encoder, ret);
  SONORA_RETURN_IF_ERROR(WritePackets(enc.get(), oc.get(), st, pkt.get(), mux, stats));

  ret = av_write_trailer(oc.get());
  if (ret < 0) return FfmpegError("writing the " + mux.muxer + " trailer", ret);
  if (!(oc->oformat->flags & AVFMT_NOFILE)) {
    ret = avio_closep(&oc->pb);
    if (ret < 0) return FfmpegError("closing " + mux.path, ret);
  }
  stats.initial_padding = enc->initial_padding;
  return stats;
}

}  // namespace sonora::media::internal
