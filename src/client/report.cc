#include "client/report.h"

#include <cstdio>

namespace sonora::client {

Json ReportJson(const PlayReport& r) {
  return {{"track_id", r.track_id},
          {"playback_session_id", r.playback_session_id},
          {"time_to_first_audio_ms", r.time_to_first_audio_ms},
          {"playback_start_ms", r.playback_start_ms},
          {"stalls", r.stalls},
          {"stall_ms", r.stall_ms},
          {"quality_switches", r.quality_switches},
          {"chunk_qualities", r.chunk_qualities},
          {"chunks", r.chunks},
          {"bytes_downloaded", r.bytes_downloaded},
          {"average_throughput_kbps", r.average_throughput_kbps},
          {"audio_seconds", r.audio_seconds},
          {"speed", r.playback_speed},
          {"prefetched_next", r.prefetched_next},
          {"next_track_id", r.next_track_id.empty() ? Json(nullptr) : Json(r.next_track_id)},
          {"prefetched_chunks", r.prefetched_chunks},
          {"wall_ms", r.wall_ms}};
}

std::string ReportText(const PlayReport& r) {
  std::string qualities;
  for (size_t i = 0; i < r.chunk_qualities.size(); ++i) {
    if (i) qualities += ' ';
    qualities += r.chunk_qualities[i];
  }
  char buf[1024];
  std::string out;
  std::snprintf(buf, sizeof buf, "track %s (session %s)\n", r.track_id.c_str(),
                r.playback_session_id.c_str());
  out += buf;
  std::snprintf(buf, sizeof buf,
                "time to first audio: %.1f ms (playback started after %.1f ms, speed %gx)\n",
                r.time_to_first_audio_ms, r.playback_start_ms, r.playback_speed);
  out += buf;
  std::snprintf(buf, sizeof buf, "stalls: %d (%.0f ms)\nquality switches: %d\n", r.stalls,
                r.stall_ms, r.quality_switches);
  out += buf;
  out += "qualities per chunk: " + qualities + "\n";
  std::snprintf(buf, sizeof buf,
                "chunks: %d, audio %.2f s, %lld bytes downloaded, average throughput %.0f kbps\n",
                r.chunks, r.audio_seconds, static_cast<long long>(r.bytes_downloaded),
                r.average_throughput_kbps);
  out += buf;
  if (r.prefetched_next) {
    std::snprintf(buf, sizeof buf, "prefetched next track %s: %d chunks\n", r.next_track_id.c_str(),
                  r.prefetched_chunks);
  } else {
    std::snprintf(buf, sizeof buf, "prefetched next track: no\n");
  }
  out += buf;
  return out;
}

}  // namespace sonora::client
