// Stage 4: every rendition, written into a fresh staging directory:
//   {96,160,320}/chunk_<n>.ogg   Ogg Vorbis in 10 s chunks (seed 000 §6-7)
//   lossless/track.flac          FLAC for hifi
//   hls_{96,160,256}/            AAC-LC fMP4 segments for HLS players
//   preview/preview.ogg          30 s from the track's most energetic stretch, not its intro
// A podcast episode gets the speech profile only: 96/chunk_<n>.ogg and hls_96/.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

namespace fs = std::filesystem;

namespace {

// The start of the loudest 30 s window (RMS over 1 s steps), skipping the first 10% so an
// intro is never chosen over the body of the track.
int64_t PreviewStartFrame(const PcmBuffer& pcm) {
  const int64_t window = kPreviewMs * pcm.sample_rate / 1000;
  const int64_t total = pcm.frames();
  if (total <= window) return 0;
  const int64_t step = pcm.sample_rate;
  std::vector<double> energy;  // per 1 s block
  for (int64_t f = 0; f < total; f += step) {
    double sum = 0;
    int64_t end = std::min(total, f + step);
    for (int64_t i = f * pcm.channels; i < end * pcm.channels; ++i) {
      sum += static_cast<double>(pcm.samples[static_cast<size_t>(i)]) * pcm.samples[static_cast<size_t>(i)];
    }
    energy.push_back(sum);
  }
  const size_t blocks = static_cast<size_t>(window / step);
  const size_t first = energy.size() / 10;
  double best = -1;
  size_t best_start = first;
  for (size_t s = first; s + blocks <= energy.size(); ++s) {
    double sum = 0;
    for (size_t k = s; k < s + blocks; ++k) sum += energy[k];
    if (sum > best) {
      best = sum;
      best_start = s;
    }
  }
  return std::min<int64_t>(static_cast<int64_t>(best_start) * step, total - window);
}

std::vector<ChunkInfo> Single(const std::string& file, int64_t frames, int64_t bytes) {
  return {ChunkInfo{file, 0, frames, bytes}};
}

}  // namespace

Status Stage4Transcode(TrackJob& job, const Deps& deps) {
  SONORA_ASSIGN_OR_RETURN(job.staging_dir, deps.store.NewStagingDir());
  const std::string& dir = job.staging_dir;
  Manifest& m = job.manifest;
  m.sample_rate = job.pcm.sample_rate;
  m.channels = job.pcm.channels;
  m.frames = job.pcm.frames();
  m.duration_ms = job.pcm.duration_ms();
  m.chunk_frames = kChunkLength.count() * job.pcm.sample_rate;
  m.renditions.clear();

  if (job.episode) {
    const std::string q = std::to_string(kSpeechKbps);
    fs::create_directories(dir + "/" + q);
    SONORA_ASSIGN_OR_RETURN(auto chunks, EncodeVorbisChunks(job.pcm, kSpeechKbps, dir + "/" + q));
    m.renditions.push_back({q, "vorbis", "ogg", kSpeechKbps, std::move(chunks)});
    fs::create_directories(dir + "/hls_" + q);
    SONORA_ASSIGN_OR_RETURN(auto segments, EncodeHlsAac(job.pcm, kSpeechKbps, dir + "/hls_" + q));
    m.renditions.push_back({"hls_" + q, "aac", "fmp4", kSpeechKbps, std::move(segments)});
    return Status();
  }

  for (int kbps : kVorbisQualities) {
    const std::string sub = dir + "/" + std::to_string(kbps);
    fs::create_directories(sub);
    SONORA_ASSIGN_OR_RETURN(auto chunks, EncodeVorbisChunks(job.pcm, kbps, sub));
    m.renditions.push_back({std::to_string(kbps), "vorbis", "ogg", kbps, std::move(chunks)});
  }

  fs::create_directories(dir + "/lossless");
  SONORA_ASSIGN_OR_RETURN(int64_t flac_bytes, EncodeFlac(job.pcm, dir + "/lossless/track.flac"));
  m.renditions.push_back({"lossless", "flac", "flac", 0, Single("track.flac", m.frames, flac_bytes)});

  for (int kbps : kHlsQualities) {
    const std::string name = "hls_" + std::to_string(kbps);
    fs::create_directories(dir + "/" + name);
    SONORA_ASSIGN_OR_RETURN(auto segments, EncodeHlsAac(job.pcm, kbps, dir + "/" + name));
    m.renditions.push_back({name, "aac", "fmp4", kbps, std::move(segments)});
  }

  const int64_t start = PreviewStartFrame(job.pcm);
  const int64_t length = std::min<int64_t>(m.frames - start, kPreviewMs * m.sample_rate / 1000);
  fs::create_directories(dir + "/preview");
  SONORA_ASSIGN_OR_RETURN(
      int64_t preview_bytes,
      EncodeClip(job.pcm, start, length, kPreviewKbps, dir + "/preview/preview.ogg"));
  m.renditions.push_back({"preview", "vorbis", "ogg", kPreviewKbps,
                          {ChunkInfo{"preview.ogg", start, length, preview_bytes}}});
  job.preview_start_ms = start * 1000 / m.sample_rate;
  return Status();
}

}  // namespace sonora::media::ingest
