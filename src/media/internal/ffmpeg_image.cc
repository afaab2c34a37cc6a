// ScaleArtwork: JPEG or PNG bytes -> center square -> size x size baseline JPEG, all in-process
// with libavcodec (mjpeg/png decoders, mjpeg encoder) and libswscale.
//
// Hostile input: the format is chosen by magic bytes (no demuxer probing), the declared
// dimensions are read from the PNG IHDR or the JPEG SOF header and refused over kMaxPixels before
// any decoder runs, and the decoder's own max_pixels enforces the same cap before it allocates a
// picture (for headers our reader does not understand, e.g. a JPEG whose SOF follows odd markers).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "media/codec.h"
#include "media/internal/ffmpeg_util.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
}

namespace sonora::media {

using internal::AvErrorText;
using internal::CodecContextPtr;
using internal::FramePtr;
using internal::PacketPtr;
using internal::SwsPtr;

namespace {

constexpr int64_t kMaxPixels = 64'000'000;           // 64 megapixels
constexpr size_t kMaxImageBytes = size_t{64} << 20;  // far above any real cover
constexpr int kMaxOutputSize = 4096;
constexpr int kJpegQscale = 3;  // mjpeg quantizer: visually lossless

Status BadImage(std::string message) {
  return Status::InvalidArgument("image", std::move(message));
}

struct Dimensions {
  int64_t width = 0;
  int64_t height = 0;
};

uint32_t Be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t Be32(const uint8_t* p) { return (Be16(p) << 16) | Be16(p + 2); }

// Width and height from a PNG IHDR; nullopt when absent.
std::optional<Dimensions> PngDimensions(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(b.data());
  return Dimensions{Be32(p + 16), Be32(p + 20)};
}

// Width and height from the first JPEG SOFn segment; nullopt when not found before the scan.
std::optional<Dimensions> JpegDimensions(std::string_view b) {
  const auto* p = reinterpret_cast<const uint8_t*>(b.data());
  size_t pos = 2;
  while (pos + 4 <= b.size()) {
    if (p[pos] != 0xFF) return std::nullopt;
    const uint8_t marker = p[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length field
      pos += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // end, or scan data
    const size_t len = Be16(p + pos + 2);
    if (len < 2) return std::nullopt;
    const bool sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (pos + 9 > b.size()) return std::nullopt;
      return Dimensions{Be16(p + pos + 7), Be16(p + pos + 5)};
    }
    pos += 2 + len;
  }
  return std::nullopt;
}

Result<FramePtr> DecodeImage(const std::string& bytes) {
  const std::string_view b(bytes);
  AVCodecID id;
  std::optional<Dimensions> dims;
  if (b.size() >= 3 && static_cast<uint8_t>(b[0]) == 0xFF && static_cast<uint8_t>(b[1]) == 0xD8 &&
      static_cast<uint8_t>(b[2]) == 0xFF) {
    id = AV_CODEC_ID_MJPEG;
    dims = JpegDimensions(b);
  } else if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    id = AV_CODEC_ID_PNG;
    dims = PngDimensions(b);
  } else {
    return BadImage("not a JPEG or PNG image");
  }
  if (dims && (dims->width <= 0 || dims->height <= 0)) return BadImage("the image has no pixels");
  if (dims && dims->width * dims->height > kMaxPixels) {
    return BadImage("the image is " + std::to_string(dims->width) + "x" +
                    std::to_string(dims->height) + ", over 64 megapixels");
  }

  const AVCodec* codec = avcodec_find_decoder(id);
  if (codec == nullptr) return Status::Internal("FFmpeg has no image decoder");
  CodecContextPtr dec(avcodec_alloc_context3(codec));
  if (!dec) return Status::Internal("out of memory allocating a decoder");
  dec->max_pixels = kMaxPixels;
  dec->thread_count = 1;
  int ret = avcodec_open2(dec.get(), codec, nullptr);
  if (ret < 0) return Status::Internal("opening the image decoder: " + AvErrorText(ret));

  PacketPtr pkt(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!pkt || !frame || av_new_packet(pkt.get(), static_cast<int>(bytes.size())) < 0) {
    return Status::Internal("out of memory allocating a packet");
  }
  std::memcpy(pkt->data, bytes.data(), bytes.size());
  ret = avcodec_send_packet(dec.get(), pkt.get());
  if (ret < 0) return BadImage("undecodable image: " + AvErrorText(ret));
  ret = avcodec_receive_frame(dec.get(), frame.get());
  if (ret == AVERROR(EAGAIN)) {
    avcodec_send_packet(dec.get(), nullptr);
    ret = avcodec_receive_frame(dec.get(), frame.get());
  }
  if (ret < 0) return BadImage("undecodable image: " + AvErrorText(ret));
  if (frame->width <= 0 || frame->height <= 0) return BadImage("the image has no pixels");
  return frame;
}

}  // namespace

Status ScaleArtwork(const std::string& image_bytes, int size, const std::string& out_path) {
  internal::InitFfmpeg();
  if (size < 1 || size > kMaxOutputSize) {
    return Status::InvalidArgument("size", "must be 1.." + std::to_string(kMaxOutputSize));
  }
  if (image_bytes.empty() || image_bytes.size() > kMaxImageBytes) {
    return BadImage("the image must be 1 byte to 64 MiB");
  }
  SONORA_ASSIGN_OR_RETURN(FramePtr frame, DecodeImage(image_bytes));

  // Center square crop by moving the plane pointers (chroma offsets round down for subsampled
  // formats, which shifts chroma by at most one source pixel).
  const int side = std::min(frame->width, frame->height);
  frame->crop_left = static_cast<size_t>((frame->width - side) / 2);
  frame->crop_right = static_cast<size_t>(frame->width - side) - frame->crop_left;
  frame->crop_top = static_cast<size_t>((frame->height - side) / 2);
  frame->crop_bottom = static_cast<size_t>(frame->height - side) - frame->crop_top;
  int ret = av_frame_apply_cropping(frame.get(), AV_FRAME_CROP_UNALIGNED);
  if (ret < 0) return BadImage("cannot crop the image: " + AvErrorText(ret));

  SwsPtr sws(sws_getContext(side, side, static_cast<AVPixelFormat>(frame->format), size, size,
                            AV_PIX_FMT_YUVJ420P, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr,
                            nullptr));
  if (!sws) return BadImage("unsupported pixel format");
  FramePtr out(av_frame_alloc());
  if (!out) return Status::Internal("out of memory allocating a frame");
  out->format = AV_PIX_FMT_YUVJ420P;
  out->width = size;
  out->height = size;
  ret = av_frame_get_buffer(out.get(), 0);
  if (ret < 0) return Status::Internal("allocating a frame: " + AvErrorText(ret));
  ret = sws_scale(sws.get(), frame->data, frame->linesize, 0, side, out->data, out->linesize);
  if (ret != size) return Status::Internal("scaling the image failed");

  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (codec == nullptr) return Status::Internal("FFmpeg has no mjpeg encoder");
  CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (!enc) return Status::Internal("out of memory allocating an encoder");
  enc->width = size;
  enc->height = size;
  enc->pix_fmt = AV_PIX_FMT_YUVJ420P;
  enc->color_range = AVCOL_RANGE_JPEG;
  enc->time_base = AVRational{1, 25};
  enc->flags |= AV_CODEC_FLAG_QSCALE;
  enc->global_quality = FF_QP2LAMBDA * kJpegQscale;
  enc->thread_count = 1;
  ret = avcodec_open2(enc.get(), codec, nullptr);
  if (ret < 0) return Status::Internal("opening the mjpeg encoder: " + AvErrorText(ret));
  out->quality = enc->global_quality;
  out->pts = 0;
  PacketPtr pkt(av_packet_alloc());
  if (!pkt) return Status::Internal("out of memory allocating a packet");
  ret = avcodec_send_frame(enc.get(), out.get());
  if (ret >= 0) ret = avcodec_send_frame(enc.get(), nullptr);
  if (ret >= 0) ret = avcodec_receive_packet(enc.get(), pkt.get());
  if (ret < 0) return Status::Internal("encoding the JPEG: " + AvErrorText(ret));

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(out_path.c_str(), "wb"),
                                                    &std::fclose);
  if (!f) return Status::InvalidArgument("out_path", "cannot write " + out_path);
  const size_t n = static_cast<size_t>(pkt->size);
  if (std::fwrite(pkt->data, 1, n, f.get()) != n || std::fclose(f.release()) != 0) {
    return Status::Internal("writing " + out_path + " failed");
  }
  return Status();
}

}  // namespace sonora::media
