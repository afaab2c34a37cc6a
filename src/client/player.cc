#include "client/player.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "client/abr.h"
#include "core/json.h"
#include "core/strings.h"
#include "media/codec.h"
#include "streaming/url_signer.h"

namespace sonora::client {

int64_t RealTimer::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void RealTimer::SleepMicros(int64_t micros) {
  if (micros > 0) std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kBufferTargetMs =
    std::chrono::duration_cast<std::chrono::milliseconds>(kBufferTarget).count();

// A non-2xx answer as a Status, keeping the server's message and code (PRODUCT.md §2 shape).
Status ErrorFromReply(const std::string& what, const HttpReply& reply) {
  std::string message = "HTTP " + std::to_string(reply.status);
  std::string code;
  if (auto j = ParseJson(reply.body); j.ok() && j->is_object()) {
    Json e = (*j)["error"];
    if (e.is_object()) {
      if (e["message"].is_string()) message = e["message"].get<std::string>();
      if (e["code"].is_string()) code = e["code"].get<std::string>();
    }
  }
  message = what + ": " + message;
  switch (reply.status) {
    case 401:
      return Status::Unauthenticated(message);
    case 403:
      return Status::PermissionDenied(code.empty() ? "forbidden" : code, message);
    case 404:
      return Status::NotFound(message);
    case 429:
      return Status::ResourceExhausted(message, 1);
    default:
      break;
  }
  if (reply.status >= 500) return Status::Unavailable(message);
  return Status::InvalidArgument("request", message);
}

struct ChunkFile {
  std::string file;
  int64_t frames = 0;
  int64_t bytes = 0;
};

struct Offer {
  RenditionOffer abr;
  std::string prefix;  // signed URL prefix ending in '/'
  std::vector<ChunkFile> files;
};

// What POST /player/play answered, reduced to what the player uses.
struct TrackPlan {
  std::string track_id, session_id, next_track_id;
  std::string encryption_key;  // raw 16 bytes when chunks arrive sealed (paid tiers)
  int sample_rate = 0;
  int cap_kbps = 0;
  std::vector<Offer> offers;  // chunked (Ogg "NNNkbps") qualities only
  std::vector<RenditionOffer> abr_offers;
  int chunk_count = 0;
  std::vector<int64_t> chunk_ms;  // per chunk, from the manifest's frames
};

Result<TrackPlan> ParsePlan(const std::string& body) {
  auto bad = [](const std::string& m) {
    return Status::InvalidArgument("response", "play response: " + m);
  };
  SONORA_ASSIGN_OR_RETURN(Json j, ParseJsonObject(body));
  TrackPlan p;
  if (!j["playback_session_id"].is_string() || !j["streaming_urls"].is_object() ||
      !j["media"].is_object() || !j["media"]["sample_rate"].is_number_integer() ||
      !j["media"]["renditions"].is_object() || !j["track"].is_object()) {
    return bad("missing playback_session_id, track, streaming_urls or media");
  }
  p.session_id = j["playback_session_id"].get<std::string>();
  if (j["encryption_key"].is_string()) {
    auto key = Base64UrlDecode(j["encryption_key"].get<std::string>());
    if (!key || key->size() != 16) return bad("encryption_key is not a 16-byte base64url key");
    p.encryption_key = std::move(*key);
  }
  if (j["track"]["track_id"].is_string()) p.track_id = j["track"]["track_id"].get<std::string>();
  p.sample_rate = j["media"]["sample_rate"].get<int>();
  if (p.sample_rate <= 0) return bad("bad sample_rate");
  Json next = j["next_tracks"];
  if (next.is_array() && !next.empty() && next[0].is_object() && next[0]["track_id"].is_string()) {
    p.next_track_id = next[0]["track_id"].get<std::string>();
  }
  for (const auto& [key, url] : j["streaming_urls"].items()) {
    auto kbps = ParseKbpsKey(key);
    if (!kbps || !url.is_string()) continue;  // "lossless" is one FLAC file, not chunks
    Json r = j["media"]["renditions"][key];
    if (!r.is_object() || !r["files"].is_array() || r["files"].empty()) continue;
    Offer o;
    o.abr.key = key;
    o.abr.nominal_kbps = *kbps;
    o.prefix = url.get<std::string>();
    if (!o.prefix.ends_with('/')) return bad("streaming URL without a trailing '/'");
    int64_t bytes = 0, frames = 0;
    for (Json f : r["files"]) {
      if (!f.is_object() || !f["file"].is_string() || !f["frames"].is_number_integer() ||
          !f["bytes"].is_number_integer()) {
        return bad("bad file entry in " + key);
      }
      ChunkFile c{f["file"].get<std::string>(), f["frames"].get<int64_t>(),
                  f["bytes"].get<int64_t>()};
      if (c.file.find('/') != std::string::npos || c.frames <= 0 || c.bytes <= 0) {
        return bad("bad file entry in " + key);
      }
      bytes += c.bytes;
      frames += c.frames;
      o.files.push_back(std::move(c));
    }
    o.abr.actual_kbps = MeasuredKbps(bytes, frames, p.sample_rate);
    p.offers.push_back(std::move(o));
  }
  if (p.offers.empty()) return bad("no chunked quality offered");
  std::sort(p.offers.begin(), p.offers.end(),
            [](const Offer& a, const Offer& b) { return a.abr.nominal_kbps < b.abr.nominal_kbps; });
  p.chunk_count = static_cast<int>(p.offers.front().files.size());
  for (const Offer& o : p.offers) {
    if (static_cast<int>(o.files.size()) != p.chunk_count) {
      return bad("renditions disagree on the chunk count");
    }
    p.abr_offers.push_back(o.abr);
  }
  for (const ChunkFile& c : p.offers.front().files) {
    p.chunk_ms.push_back(c.frames * 1000 / p.sample_rate);
  }
  return p;
}

class Session {
 public:
  Session(HttpTransport& http, PlaybackTimer& timer, const PlayerOptions& options)
      : http_(http), timer_(timer), options_(options) {}

  Result<PlayOutcome> Run() {
    SONORA_RETURN_IF_ERROR(Login());
    const int64_t t0 = timer_.NowMicros();
    SONORA_ASSIGN_OR_RETURN(TrackPlan plan, RequestPlay(options_.track_id, options_.quality));
    if (!options_.quality.empty()) {
      // The server answers the quality it granted (the request capped by the tier).
      if (auto granted = ParseKbpsKey(quality_granted_)) plan.cap_kbps = *granted;
    }
    report_.track_id = plan.track_id.empty() ? options_.track_id : plan.track_id;
    report_.playback_session_id = plan.session_id;
    report_.playback_speed = options_.speed;
    out_.pcm.samples.clear();

    // Chunks to play: all, or those covering options_.max_seconds.
    int n = plan.chunk_count;
    if (options_.max_seconds > 0) {
      int64_t covered = 0;
      for (int i = 0; i < plan.chunk_count; ++i) {
        if (static_cast<double>(covered) >= options_.max_seconds * 1000) {
          n = i;
          break;
        }
        covered += plan.chunk_ms[i];
      }
    }
    int64_t end_ms = 0;
    for (int i = 0; i < n; ++i) end_ms += plan.chunk_ms[i];
    end_ms_ = end_ms;

    // 2. Preload.
    int next = 0;
    for (; next < std::min(n, kPreloadChunks); ++next) {
      SONORA_RETURN_IF_ERROR(FetchChunk(plan, next, /*play=*/true));
      buffered_ms_ += plan.chunk_ms[next];
      if (next == 0) report_.time_to_first_audio_ms = (timer_.NowMicros() - t0) / 1000.0;
    }
    playing_ = true;
    last_us_ = timer_.NowMicros();
    report_.playback_start_ms = (last_us_ - t0) / 1000.0;

    // 3 and 4: the playback loop.
    bool prefetch_done = plan.next_track_id.empty();
    int64_t last_chunks_ms = 0;
    for (int i = std::max(0, n - kPrefetchWhenChunksLeft); i < n; ++i)
      last_chunks_ms += plan.chunk_ms[i];
    const int64_t prefetch_at_ms = end_ms - last_chunks_ms;
    while (position_ms_ < static_cast<double>(end_ms)) {
      Advance();
      const double ahead = static_cast<double>(buffered_ms_) - position_ms_;
      if (next < n && ahead < static_cast<double>(kBufferTargetMs)) {
        SONORA_RETURN_IF_ERROR(FetchChunk(plan, next, /*play=*/true));
        Advance();  // the clock ran (or stalled) while the chunk downloaded
        buffered_ms_ += plan.chunk_ms[next];
        EndStall();
        ++next;
        continue;
      }
      if (next == n && !prefetch_done && position_ms_ >= static_cast<double>(prefetch_at_ms)) {
        prefetch_done = true;
        SONORA_RETURN_IF_ERROR(Prefetch(plan));
        continue;
      }
      double wake_ms = static_cast<double>(end_ms);
      if (next < n)
        wake_ms = static_cast<double>(buffered_ms_ - kBufferTargetMs);
      else if (!prefetch_done)
        wake_ms = static_cast<double>(prefetch_at_ms);
      const double sleep_us = std::max(1000.0, (wake_ms - position_ms_) * 1000.0 / options_.speed);
      timer_.SleepMicros(static_cast<int64_t>(std::ceil(sleep_us)));
    }
    report_.wall_ms = (timer_.NowMicros() - t0) / 1000.0;
    report_.average_throughput_kbps = download_us_ > 0
                                          ? static_cast<double>(report_.bytes_downloaded) * 8.0 *
                                                1000.0 / static_cast<double>(download_us_)
                                          : 0;
    if (out_.pcm.sample_rate > 0) {
      report_.audio_seconds = static_cast<double>(played_frames_) / out_.pcm.sample_rate;
    }
    out_.report = std::move(report_);
    return std::move(out_);
  }

 private:
  Status Login() {
    Json body = {{"username", options_.username}, {"password", options_.password}};
    SONORA_ASSIGN_OR_RETURN(HttpReply r,
                            http_.Send("POST", "/api/v1/auth/login", {}, DumpJson(body)));
    if (r.status != 200) return ErrorFromReply("login", r);
    SONORA_ASSIGN_OR_RETURN(Json j, ParseJsonObject(r.body));
    if (!j["access_token"].is_string()) {
      return Status::InvalidArgument("response", "login response has no access_token");
    }
    auth_ = {{"Authorization", "Bearer " + j["access_token"].get<std::string>()}};
    return Status();
  }

  Result<TrackPlan> RequestPlay(const std::string& track_id, const std::string& quality) {
    Json body = {{"track_id", track_id}};
    if (!quality.empty()) body["quality"] = quality;
    SONORA_ASSIGN_OR_RETURN(HttpReply r,
                            http_.Send("POST", "/api/v1/player/play", auth_, DumpJson(body)));
    if (r.status != 200) return ErrorFromReply("play " + track_id, r);
    if (auto j = ParseJsonObject(r.body); j.ok() && (*j)["quality"].is_string()) {
      quality_granted_ = (*j)["quality"].get<std::string>();
    }
    return ParsePlan(r.body);
  }

  // Downloads chunk `index` at the quality the ABR picks now, measures it, and decodes it.
  Status FetchChunk(const TrackPlan& plan, int index, bool play) {
    const int q = ChooseQuality({.offers = plan.abr_offers,
                                 .measured_kbps = throughput_kbps_,
                                 .max_nominal_kbps = plan.cap_kbps});
    const Offer& offer = plan.offers[q];
    const ChunkFile& file = offer.files[index];
    const int64_t start = timer_.NowMicros();
    SONORA_ASSIGN_OR_RETURN(HttpReply r, http_.Send("GET", offer.prefix + file.file, {}, {}));
    const int64_t took = std::max<int64_t>(1, timer_.NowMicros() - start);
    if (r.status != 200) return ErrorFromReply("chunk " + file.file, r);
    download_us_ += took;
    report_.bytes_downloaded += static_cast<int64_t>(r.body.size());
    const double sample_kbps = static_cast<double>(r.body.size()) * 8.0 * 1000.0 / took;
    throughput_kbps_ = UpdateThroughput(throughput_kbps_, sample_kbps);

    if (!plan.encryption_key.empty()) {
      // Paid tiers: the chunk's counter block, then AES-128-CTR under the play's key.
      SONORA_ASSIGN_OR_RETURN(r.body, streaming::OpenSealedChunk(plan.encryption_key, r.body));
    }
    // Decode: proves the bytes are real audio.
    const std::string path = options_.temp_dir + "/chunk.ogg";
    {
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
      if (!f) return Status::Internal("cannot write " + path);
    }
    auto pcm = media::DecodeFile(path);
    if (!pcm.ok()) {
      return Status::InvalidArgument("chunk", "chunk " + offer.abr.key + "/" + file.file +
                                                  " does not decode: " + pcm.status().ToString());
    }
    if (!play) return Status();
    if (!report_.chunk_qualities.empty() && report_.chunk_qualities.back() != offer.abr.key) {
      ++report_.quality_switches;
    }
    report_.chunk_qualities.push_back(offer.abr.key);
    ++report_.chunks;
    played_frames_ += pcm->frames();
    out_.pcm.sample_rate = pcm->sample_rate;
    out_.pcm.channels = pcm->channels;
    if (options_.keep_pcm) {
      out_.pcm.samples.insert(out_.pcm.samples.end(), pcm->samples.begin(), pcm->samples.end());
    }
    return Status();
  }

  Status Prefetch(const TrackPlan& current) {
    SONORA_ASSIGN_OR_RETURN(TrackPlan next, RequestPlay(current.next_track_id, options_.quality));
    const int k = std::min(kPrefetchChunks, next.chunk_count);
    for (int i = 0; i < k; ++i) {
      SONORA_RETURN_IF_ERROR(FetchChunk(next, i, /*play=*/false));
      ++report_.prefetched_chunks;
    }
    report_.prefetched_next = k > 0;
    report_.next_track_id = current.next_track_id;
    return Status();
  }

  // Moves the playback clock by the real time since the last call x speed, stopping at the end
  // of the buffer: reaching it starts a stall, which lasts until EndStall.
  void Advance() {
    const int64_t now = timer_.NowMicros();
    const double elapsed_us = static_cast<double>(now - last_us_);
    last_us_ = now;
    if (!playing_) return;
    if (stall_started_us_) return;  // still waiting for data
    const double target = position_ms_ + elapsed_us / 1000.0 * options_.speed;
    if (target <= static_cast<double>(buffered_ms_)) {
      position_ms_ = target;
      return;
    }
    if (buffered_ms_ >= end_ms_) {  // the end of the track, not a stall
      position_ms_ = static_cast<double>(end_ms_);
      return;
    }
    // The clock hit the end of the buffer part-way through `elapsed`.
    const double over_us = (target - static_cast<double>(buffered_ms_)) * 1000.0 / options_.speed;
    position_ms_ = static_cast<double>(buffered_ms_);
    stall_started_us_ = now - static_cast<int64_t>(over_us);
    ++report_.stalls;
  }

  void EndStall() {
    if (!stall_started_us_) return;
    const int64_t now = timer_.NowMicros();
    report_.stall_ms += static_cast<double>(now - *stall_started_us_) / 1000.0;
    stall_started_us_.reset();
    last_us_ = now;
  }

  HttpTransport& http_;
  PlaybackTimer& timer_;
  const PlayerOptions& options_;
  Headers auth_;
  std::string quality_granted_;
  PlayReport report_;
  PlayOutcome out_;
  std::optional<double> throughput_kbps_;
  int64_t download_us_ = 0;
  int64_t played_frames_ = 0;
  // The playback clock.
  bool playing_ = false;
  int64_t last_us_ = 0;
  double position_ms_ = 0;
  int64_t buffered_ms_ = 0;
  int64_t end_ms_ = 0;  // where the clock stops: the track's end or options.max_seconds
  std::optional<int64_t> stall_started_us_;
};

}  // namespace

Result<PlayOutcome> PlayTrack(HttpTransport& http, PlaybackTimer& timer,
                              const PlayerOptions& options) {
  if (options.username.empty() || options.track_id.empty()) {
    return Status::InvalidArgument("track_id", "a username and a track id are required");
  }
  if (!(options.speed > 0)) return Status::InvalidArgument("speed", "--speed must be > 0");
  if (!ParseQualityCap(options.quality)) {
    return Status::InvalidArgument("quality", "--quality must be low, normal, high or NNNkbps");
  }
  Session s(http, timer, options);
  return s.Run();
}

}  // namespace sonora::client
