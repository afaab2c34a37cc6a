// What `sonora play` measured: the report printed as text or JSON (issue 4, "Client").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"

namespace sonora::client {

struct PlayReport {
  std::string track_id;
  std::string playback_session_id;
  // Play request sent -> first chunk decoded (seed 000 §7 "time to first audio").
  double time_to_first_audio_ms = 0;
  // Preload (kPreloadChunks) finished: the moment the playback clock starts, from the play request.
  double playback_start_ms = 0;
  int stalls = 0;            // times the playback clock reached audio not yet buffered
  double stall_ms = 0;       // wall-clock time spent stalled, summed
  int quality_switches = 0;  // chunk i fetched at a different quality than chunk i - 1
  std::vector<std::string> chunk_qualities;  // per played chunk, in order: "96kbps" ...
  int chunks = 0;                            // chunks of this track downloaded and decoded
  int64_t bytes_downloaded = 0;              // chunk bodies, this track and prefetched ones
  double average_throughput_kbps = 0;        // bytes * 8 over the time spent downloading chunks
  double audio_seconds = 0;                  // decoded audio of this track (what --output holds)
  double playback_speed = 1;
  bool prefetched_next = false;
  std::string next_track_id;  // the track whose first chunks were prefetched; "" if none
  int prefetched_chunks = 0;
  double wall_ms = 0;  // the whole run, login excluded
};

Json ReportJson(const PlayReport& report);
// A few human-readable lines, each ending with '\n'.
std::string ReportText(const PlayReport& report);

}  // namespace sonora::client
