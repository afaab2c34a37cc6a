// Resolves (track, rendition, file) to a file on disk, only through the catalog: the file name
// must be listed in the track's manifest for that rendition, the track's media must be 'ready',
// and the final path must lie inside the media store after symlinks are resolved (SECURITY.md
// §1: path traversal). A request never contributes a path component the catalog didn't issue.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/result.h"
#include "core/thread_annotations.h"
#include "http/response.h"
#include "media/manifest.h"
#include "media/media_repository.h"
#include "media/media_store.h"

namespace sonora::streaming {

// A parsed manifest shared by every request for the same track version.
struct ManifestRef {
  std::shared_ptr<const media::Manifest> manifest;
  int version = 0;
};

struct ResolvedFile {
  std::string path;
  int64_t size = 0;
  int64_t mtime_s = 0;
  std::string etag;           // strong: "<track_id>-v<version>-<rendition>-<file>"
  std::string last_modified;  // mtime_s as an HTTP date, formatted once when resolved
  int chunk_index = -1;       // for chunk_<n>.ogg / segment_<n>.m4s; -1 otherwise
  // The file held open for sending, while MediaFiles has descriptors to spare
  // (kMaxOpenFiles); null: open `path` per response.
  std::shared_ptr<const http::OpenFile> open;
};

// The whole of `f`, read from its held descriptor when it has one. Errors: kNotFound when the
// file is gone or shorter than resolved.
Result<std::string> ReadWholeFile(const ResolvedFile& f);

// `path` opened read-only and held for many responses, while `open_count` (shared with the
// deleters, which may outlive the caller) stays under `max_open`; null otherwise or when the
// open fails, and the caller's responses open the path themselves.
std::shared_ptr<const http::OpenFile> HoldOpen(const std::string& path,
                                               const std::shared_ptr<std::atomic<int>>& open_count,
                                               int max_open);

// `unix_s` as an IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(int64_t unix_s);

class MediaFiles {
 public:
  MediaFiles(media::MediaRepository& repo, const media::MediaStore& store)
      : repo_(repo), store_(store) {}

  // The track's manifest and media version, when its media is ready. Parsed manifests are
  // cached by (track, version): a re-encode bumps the version, so a stale one is never used.
  // The version itself is re-read from the database at most every kRecheck per track, so a
  // re-encode or a takedown reaches the chunk routes within that time (another process, such
  // as `sonora ingest`, may have made it).
  // Errors: kNotFound when the track has no ready media. Thread-safe.
  Result<ManifestRef> Manifest(const std::string& track_id);
  // Memory only, never blocking (play's attempt on the I/O thread): what Manifest() would
  // answer from its cache now, or nullopt when it would have to read the database.
  // Thread-safe.
  std::optional<ManifestRef> CachedManifest(const std::string& track_id);

  // Errors: kNotFound for an unknown track, rendition or file name, media not ready, a file
  // missing on disk, or a path that escapes the store. Files of a version never change, so a
  // resolved file is remembered with its manifest (a file deleted since fails at open()).
  Result<ResolvedFile> Resolve(const std::string& track_id, const std::string& rendition,
                               const std::string& file_name);

 private:
  static constexpr size_t kMaxCachedManifests = 20'000;
  static constexpr std::chrono::seconds kRecheck{2};
  // Descriptors held open for resolved files (a file of a version never changes, so an open
  // descriptor serves it until the version goes): saves an open(2) and a close(2) per chunk.
  // Small beside the server's descriptor budget; files resolved once it is spent are opened
  // per response. Released with their manifest entry.
  static constexpr int kMaxOpenFiles = 1024;

  struct Entry {
    ManifestRef ref;
    std::chrono::steady_clock::time_point checked;
    std::unordered_map<std::string, ResolvedFile> files;  // "<rendition>/<file>"
  };
  Result<ResolvedFile> ResolveOnDisk(const std::string& track_id, const ManifestRef& ref,
                                     const std::string& rendition, const std::string& file_name);

  media::MediaRepository& repo_;
  const media::MediaStore& store_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_ SONORA_GUARDED_BY(mu_);
  // Descriptors open now; shared with their deleters, which may outlive this object.
  std::shared_ptr<std::atomic<int>> open_files_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace sonora::streaming
