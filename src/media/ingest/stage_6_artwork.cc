// Stage 6: artwork at 640, 300 and 64 px, content-addressed (the id is a hash of the source
// image), so a cover shared by a whole album is stored once. Written straight into the artwork
// store: a file there is complete before anything refers to it, and identical bytes give the
// same name.
#include <filesystem>

#include "core/log.h"
#include "media/fingerprint.h"
#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

namespace fs = std::filesystem;

inline constexpr int kArtworkSizes[] = {640, 300, 64};

Status Stage6Artwork(TrackJob& job, const Deps& deps) {
  if (!job.cover_bytes) return Status();
  const std::string id = BytesHash(*job.cover_bytes).substr(0, 32);
  for (int size : kArtworkSizes) {
    const std::string path = deps.store.ArtworkPath(id, size);
    std::error_code ec;
    if (fs::exists(path, ec)) continue;
    fs::create_directories(fs::path(path).parent_path(), ec);
    const std::string tmp = path + ".tmp" + std::to_string(size);
    Status s = ScaleArtworkIsolated(*job.cover_bytes, size, tmp, deps.options.worker);
    if (!s.ok()) {
      // Broken art never fails a track: it is ingested without artwork.
      log::Warn("artwork skipped path=" + job.path + " " + s.ToString());
      fs::remove(tmp, ec);
      return Status();
    }
    fs::rename(tmp, path, ec);
    if (ec) return Status::Unavailable("cannot place artwork " + path);
  }
  job.artwork_id = id;
  return Status();
}

}  // namespace sonora::media::ingest
