// Stage 5: check the chunked renditions cover the track exactly (consecutive, gapless, summing
// to the track's frames) and write manifest.json beside them.
#include <fstream>

#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

Status Stage5Segment(TrackJob& job, const Deps&) {
  for (const auto& r : job.manifest.renditions) {
    if (r.name == "preview" || r.chunks.empty()) continue;
    int64_t next = 0;
    for (const auto& c : r.chunks) {
      // Contiguity is what makes chunk-by-chunk playback gapless; a hole here is an encoder bug.
      if (c.start_frame != next || c.frames <= 0 || c.bytes <= 0) {
        return Status::Internal("rendition " + r.name + " has a gap or empty chunk at " +
                                c.file_name);
      }
      next += c.frames;
    }
    if (r.container == "ogg" && next != job.manifest.frames) {
      return Status::Internal("rendition " + r.name + " covers " + std::to_string(next) +
                              " frames, track has " + std::to_string(job.manifest.frames));
    }
  }
  std::ofstream out(job.staging_dir + "/manifest.json");
  out << DumpJson(ManifestToJson(job.manifest));
  if (!out) return Status::Unavailable("cannot write manifest.json");
  return Status();
}

}  // namespace sonora::media::ingest
