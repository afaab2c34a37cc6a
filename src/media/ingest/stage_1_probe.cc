// Stage 1: open the master, read its stream info and tags, and pick up cover art (embedded,
// else cover.jpg/folder.jpg beside it) and sidecar .lrc lyrics.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/strings.h"
#include "media/ingest/track_job.h"

namespace sonora::media::ingest {

namespace fs = std::filesystem;

namespace {
constexpr int64_t kMaxSidecarBytes = 16 << 20;  // covers and lyrics beyond this are ignored

std::optional<std::string> ReadSmallFile(const fs::path& p, int64_t max_bytes) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  auto size = fs::file_size(p, ec);
  if (ec || static_cast<int64_t>(size) > max_bytes) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

Status Stage1Probe(TrackJob& job, const Deps& deps) {
  struct stat st;
  if (::stat(job.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::NotFound("not a regular file");
  }
  job.size = st.st_size;
  job.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  // The container, tags and embedded cover come from the media worker: a hostile file can
  // crash or stall it, never this process.
  SONORA_ASSIGN_OR_RETURN(ParsedMaster parsed,
                          ParseMaster(job.path, deps.options.limits, deps.options.worker));
  job.probe = parsed.probe;
  // A header that already declares more than the cap is refused before any decoding: a
  // "10-hour" file must not get as far as buffering PCM.
  if (job.probe.duration_ms > deps.options.limits.max_duration_ms) {
    return Status::InvalidArgument(
        "file", "declares " + std::to_string(job.probe.duration_ms / 1000) +
                    " s, over the ingest cap of " +
                    std::to_string(deps.options.limits.max_duration_ms / 1000) + " s");
  }

  // Tags are optional: a file TagLib can't read still ingests, named after the file.
  if (parsed.tags) job.tags = std::move(*parsed.tags);
  const fs::path p(job.path);
  if (job.tags.title.empty()) job.tags.title = p.stem().string();
  if (!IsValidUtf8(job.tags.title)) job.tags.title = "Untitled";

  if (parsed.cover_bytes) job.cover_bytes = std::move(parsed.cover_bytes);
  if (!job.cover_bytes) {
    for (const char* name : {"cover.jpg", "folder.jpg", "cover.png", "folder.png", "front.jpg"}) {
      if (auto bytes = ReadSmallFile(p.parent_path() / name, kMaxSidecarBytes)) {
        job.cover_bytes = std::move(bytes);
        break;
      }
    }
  }
  fs::path lrc = p;
  lrc.replace_extension(".lrc");
  if (auto text = ReadSmallFile(lrc, 1 << 20); text && IsValidUtf8(*text))
    job.lrc = std::move(text);
  return Status();
}

}  // namespace sonora::media::ingest
