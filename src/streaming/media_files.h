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
#include <string_view>
#include <unordered_map>

#include "core/lru_map.h"
#include "core/result.h"
#include "core/string_map.h"
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
  // The fields every response with this file carries, formatted once (SetMediaHeaders):
  // Cache-Control (immutable), ETag, Last-Modified, Accept-Ranges and X-Content-Type-Options.
  std::shared_ptr<const http::SharedHeaders> headers;
};

// Fills `f.headers` from its etag and last_modified.
void SetMediaHeaders(ResolvedFile& f);

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
  static constexpr std::chrono::seconds kRecheck{2};

  static constexpr size_t kDefaultMaxManifests = 20'000;

  // Keeps up to `max_manifests` parsed manifests (at least 1), least recently used dropped
  // first.
  MediaFiles(media::MediaRepository& repo, const media::MediaStore& store,
             size_t max_manifests = kDefaultMaxManifests)
      : repo_(repo), store_(store), cache_(max_manifests) {}

  // How many manifests it keeps (caches of per-manifest data elsewhere follow it).
  size_t max_manifests() const { return cache_.capacity(); }

  // The track's manifest and media version, when its media is ready. Parsed manifests are
  // cached by (track, version): a re-encode bumps the version, so a stale one is never used.
  // An entry is trusted without a database read while the content version it was read under is
  // still the latest one a caller reported within kRecheck (Observe); once a later version is
  // reported its media version is read again on next use. With no recent report it is read
  // again at most every kRecheck per track, so a re-encode or a takedown made by another
  // process (`sonora ingest`) reaches the chunk routes within that time even when no play
  // reports the version.
  // Errors: kNotFound when the track has no ready media. Thread-safe.
  Result<ManifestRef> Manifest(const std::string& track_id);
  // Memory only, never blocking (play's attempt on the I/O thread): what Manifest() would
  // answer from its cache now, or nullopt when it would have to read the database.
  // Thread-safe.
  std::optional<ManifestRef> CachedManifest(const std::string& track_id);
  // Tells the cache the content version (catalog::CatalogRepository::ContentVersion) a caller
  // has just read; every media edit advances it. Thread-safe.
  void Observe(int64_t content_version);

  // Errors: kNotFound for an unknown track, rendition or file name, media not ready, a file
  // missing on disk, or a path that escapes the store. Files of a version never change, so a
  // resolved file is remembered with its manifest (a file deleted since fails at open()).
  // The answer is shared by every request for the file until its manifest entry goes.
  Result<std::shared_ptr<const ResolvedFile>> Resolve(std::string_view track_id,
                                                      std::string_view rendition,
                                                      std::string_view file_name);

  // Descriptors held open for resolved files (a file of a version never changes, so an open
  // descriptor serves it until the version goes): saves an open(2) and a close(2) per chunk.
  // Small beside the server's descriptor budget; files resolved once it is spent are opened
  // per response. Released with their manifest entry.
  static constexpr int kMaxOpenFiles = 1024;

 private:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    ManifestRef ref;
    Clock::time_point checked;     // when its media version was last read
    int64_t content_version = -1;  // the observed content version when it was read
    StringMap<std::shared_ptr<const ResolvedFile>> files;  // "<rendition>/<file>"
  };
  bool Fresh(const Entry& e, Clock::time_point now) const SONORA_REQUIRES(mu_);
  Result<ResolvedFile> ResolveOnDisk(const std::string& track_id, const ManifestRef& ref,
                                     std::string_view rendition, std::string_view file_name);

  media::MediaRepository& repo_;
  const media::MediaStore& store_;
  std::mutex mu_;
  LruMap<std::string, Entry, StringHash> cache_ SONORA_GUARDED_BY(mu_);
  // The highest content version a caller reported, and when it was last reported.
  int64_t observed_version_ SONORA_GUARDED_BY(mu_) = -1;
  Clock::time_point observed_at_ SONORA_GUARDED_BY(mu_);
  // Descriptors open now; shared with their deleters, which may outlive this object.
  std::shared_ptr<std::atomic<int>> open_files_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace sonora::streaming
