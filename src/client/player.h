// The headless player behind `sonora play` (issue 4, seed 000 §7 AudioPlayer), for real against
// a running server: log in, POST /player/play, preload kPreloadChunks chunks, then run a
// simulated playback clock (speed x real time) that keeps kBufferTarget of audio buffered ahead,
// choosing each chunk's quality from measured throughput (abr.h), and prefetch the first chunks
// of the next track near the end. Every chunk is decoded with FFmpeg (media::DecodeFile) to
// prove it is real audio. No Beast here: HTTP comes through HttpTransport, time through
// PlaybackTimer.
//
// Model, in the order it runs:
//  1. Login, then the play request; the time-to-first-audio stopwatch starts as it is sent.
//  2. Preload chunks 0..2 (chunk 0 at the lowest offered quality: nothing is measured yet), each
//     decoded; TTFA stops when chunk 0 is decoded. The playback clock starts after the preload.
//  3. Loop: advance the clock by elapsed real time x speed. While less than kBufferTarget is
//     buffered ahead, fetch the next chunk at ChooseQuality(EWMA throughput). A quality change
//     happens only between chunks (a chunk is fetched whole at one quality) and is counted.
//     If the clock reaches unbuffered audio it stops there: one stall, lasting until the chunk
//     being fetched arrives (wall-clock ms). Otherwise sleep until there is work.
//  4. Once every chunk is buffered and <= kPrefetchWhenChunksLeft chunks are left to play, POST
//     /player/play for next_tracks[0] and fetch (and decode) its first kPrefetchChunks chunks;
//     they are not played.
//  5. The run ends when the clock reaches the end of the track (or options.max_seconds).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "client/http_transport.h"
#include "client/report.h"
#include "core/result.h"
#include "media/pcm.h"

namespace sonora::client {

// Seed 000 §7: "Preload first 3 chunks (30 seconds)" before playback starts.
inline constexpr int kPreloadChunks = 3;
// Seed 000 §7: buffer_target = 30 seconds ahead of the playback position.
inline constexpr std::chrono::seconds kBufferTarget{30};
// Seed 000 §9 prefetching: the first 2 chunks of the next track ...
inline constexpr int kPrefetchChunks = 2;
// ... once this many chunks (or fewer) of the current track are left to play.
inline constexpr int kPrefetchWhenChunksLeft = 2;

// Monotonic time, the seam that lets tests run the model without sleeping.
class PlaybackTimer {
 public:
  virtual ~PlaybackTimer() = default;
  virtual int64_t NowMicros() const = 0;
  virtual void SleepMicros(int64_t micros) = 0;
};

// std::chrono::steady_clock and std::this_thread::sleep_for.
class RealTimer final : public PlaybackTimer {
 public:
  int64_t NowMicros() const override;
  void SleepMicros(int64_t micros) override;
};

struct PlayerOptions {
  std::string username;  // REQUIRES: non-empty
  std::string password;
  std::string track_id;  // REQUIRES: non-empty
  // Sent as the play request's "quality" and used as the ABR's upper bound ("low", "normal",
  // "high", "160kbps" ...). Default: empty (the tier's best; no cap).
  std::string quality;
  // Playback clock rate relative to real time. REQUIRES: > 0. Default 1.
  double speed = 1;
  // Play only this much audio (whole chunks covering it); 0 plays the whole track.
  double max_seconds = 0;
  // Where each downloaded chunk is written to be decoded. REQUIRES: an existing writable dir.
  std::string temp_dir;
  // Keep the decoded PCM of the played chunks (for --output). Default: only count frames.
  bool keep_pcm = false;
};

struct PlayOutcome {
  PlayReport report;
  media::PcmBuffer pcm;  // the played chunks, back to back; empty unless keep_pcm
};

// Plays options.track_id once through `http`.
// Errors: kUnauthenticated (bad login; the server's message), kPermissionDenied (region or
// tier; reason() is the server's code), kNotFound (unknown track), kInvalidArgument (a request
// or response the client cannot use, e.g. no chunked quality offered, a chunk that does not
// decode), and the transport's kUnavailable / kDeadlineExceeded for network failures.
Result<PlayOutcome> PlayTrack(HttpTransport& http, PlaybackTimer& timer,
                              const PlayerOptions& options);

}  // namespace sonora::client
