// Encrypted copies of media files, made once per key period and then served from disk exactly
// like the clear files (sendfile, Range, validators).
//
// A paid session's chunks are sealed under its track's key for the period the session started
// in, and an HLS segment under its rendition's key for the period its name carries
// (docs/formats/signed-urls.md). Neither depends on the listener, so every listener of a track
// in a period gets the same bytes: the first request encrypts the file and writes the result
// under <root>/p<period>/<kind>/<the file's path in the media store>; later ones send that file.
//
// The copies are a cache. `Start` moves away whatever an earlier process left (a crash may have
// cut a write short), `Prune` deletes the periods no key can reach any more, and a copy that
// cannot be written (a full disk) is served from memory instead, as before the cache.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "core/string_map.h"
#include "core/thread_annotations.h"
#include "streaming/media_files.h"

namespace sonora::streaming {

// The sealed form of one file: on disk (`file.path`, usually held open) or, when it could not be
// kept there, in `body`.
struct SealedCopy {
  // Validators, size and header fields are the sealed copy's own; shared by every request
  // for it while it is remembered.
  std::shared_ptr<const ResolvedFile> file;
  std::string body;  // only when !on_disk
  bool on_disk = false;
};

class SealedFiles {
 public:
  // `root`: a directory for this cache alone (created on demand). `store_root`: the media
  // store's root; only files under it are sealed.
  SealedFiles(std::string root, std::string store_root);

  // Moves the copies an earlier process left out of the way (deleted by the next Prune). Call
  // once before serving.
  Status Start();

  // Turns a clear file's bytes into the sealed bytes. Deterministic for a (file, kind, period).
  using Seal = std::function<Result<std::string>(std::string clear)>;

  // The sealed copy of `clear` for `kind` ("ctr", "hls") and `period`, made with `seal` on
  // first use. Thread-safe; two first requests at once may both seal, and either copy wins.
  Result<SealedCopy> Get(const ResolvedFile& clear, std::string_view kind, int64_t period,
                         const Seal& seal);

  // Forgets and deletes the copies of periods before `oldest_kept`, and what Start moved away.
  // Does file system work: call it off the I/O threads (housekeeping).
  void Prune(int64_t oldest_kept);

  // Copies made on disk and served from memory since start (for tests and metrics).
  int64_t written() const { return written_.load(); }
  int64_t unwritable() const { return unwritable_.load(); }

  static constexpr int kMaxOpenFiles = 1024;  // sealed copies held open, as MediaFiles

 private:
  static constexpr size_t kMaxRemembered = 100'000;  // per period; refills on demand

  std::string PathFor(std::string_view kind, int64_t period, std::string_view relative) const;
  std::shared_ptr<const http::OpenFile> OpenHeld(const std::string& path);

  const std::string root_;
  const std::string store_root_;
  std::mutex mu_;
  // period -> "<kind>/<relative path>" -> the copy on disk.
  std::map<int64_t, StringMap<std::shared_ptr<const ResolvedFile>>> periods_ SONORA_GUARDED_BY(mu_);
  std::shared_ptr<std::atomic<int>> open_files_ = std::make_shared<std::atomic<int>>(0);
  std::atomic<int64_t> written_{0}, unwritable_{0};
};

}  // namespace sonora::streaming
