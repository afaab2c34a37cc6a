#include "streaming/sealed_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "core/log.h"
#include "core/random.h"

namespace sonora::streaming {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStalePrefix = ".stale-";

// Writes `data` to `path` through a temporary file in the same directory and a rename, so a
// reader never sees a partial copy. No fsync: a crash loses the cache, and Start discards what
// a crashed process left anyway.
bool WriteThroughRename(const std::string& path, std::string_view data) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return false;
  const std::string tmp = path + ".tmp-" + FastRandomBase62(12);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok =
      ::close(fd) == 0 && done == data.size() && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

}  // namespace

SealedFiles::SealedFiles(std::string root, std::string store_root)
    : root_(std::move(root)), store_root_(std::move(store_root)) {}

Status SealedFiles::Start() {
  std::error_code ec;
  if (!fs::exists(root_, ec)) return Status();
  // A rename is instant whatever the cache holds; Prune deletes the tree later.
  const std::string stale = root_ + std::string(kStalePrefix) + FastRandomBase62(8);
  fs::rename(root_, stale, ec);
  if (ec)
    return Status::Internal("cannot move the sealed-file cache " + root_ + ": " + ec.message());
  return Status();
}

std::string SealedFiles::PathFor(std::string_view kind, int64_t period,
                                 std::string_view relative) const {
  std::string path = root_;
  path += "/p";
  path += std::to_string(period);
  path += '/';
  path += kind;
  path += '/';
  path += relative;
  return path;
}

Result<SealedCopy> SealedFiles::Get(const ResolvedFile& clear, std::string_view kind,
                                    int64_t period, const Seal& seal) {
  // The copy's place mirrors the clear file's place in the store, whose paths the catalog
  // issued (MediaFiles checked them): nothing here comes from the request.
  if (clear.path.size() <= store_root_.size() + 1 || !clear.path.starts_with(store_root_) ||
      clear.path[store_root_.size()] != '/') {
    return Status::Internal("media file outside the store: " + clear.path);
  }
  const std::string_view relative = std::string_view(clear.path).substr(store_root_.size() + 1);
  // One buffer per thread for the "<kind>/<relative path>" key: no allocation per request.
  thread_local std::string key;
  key.assign(kind).append(1, '/').append(relative);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto p = periods_.find(period);
    if (p != periods_.end()) {
      auto f = p->second.find(key);
      if (f != p->second.end()) return SealedCopy{f->second, {}, true};
    }
  }

  ResolvedFile file;
  file.etag = clear.etag.substr(0, clear.etag.size() - 1) + "-" + std::string(kind) + "-p" +
              std::to_string(period) + "\"";
  file.mtime_s = clear.mtime_s;
  file.last_modified = clear.last_modified;
  file.chunk_index = clear.chunk_index;
  SetMediaHeaders(file);
  const std::string path = PathFor(kind, period, relative);

  // Made by this process earlier (everything older was moved away at Start) and forgotten since.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    file.path = path;
    file.size = st.st_size;
  } else {
    SONORA_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(clear));
    SONORA_ASSIGN_OR_RETURN(std::string sealed, seal(std::move(bytes)));
    file.size = static_cast<int64_t>(sealed.size());
    if (!WriteThroughRename(path, sealed)) {
      if (unwritable_.fetch_add(1) == 0) {
        log::Warn("sealed-file cache: cannot write under " + root_ +
                  "; sealing in memory per request");
      }
      return SealedCopy{std::make_shared<const ResolvedFile>(std::move(file)), std::move(sealed),
                        false};
    }
    written_.fetch_add(1);
    file.path = path;
  }
  file.open = HoldOpen(path, open_files_, kMaxOpenFiles);
  auto shared = std::make_shared<const ResolvedFile>(std::move(file));
  std::lock_guard<std::mutex> lock(mu_);
  auto& files = periods_[period];
  if (files.size() >= kMaxRemembered) files.clear();
  files.insert_or_assign(key, shared);
  return SealedCopy{std::move(shared), {}, true};
}

void SealedFiles::Prune(int64_t oldest_kept) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    periods_.erase(periods_.begin(), periods_.lower_bound(oldest_kept));
  }
  std::error_code ec;
  // What Start moved away.
  const fs::path root(root_);
  for (fs::directory_iterator it(root.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(root.filename().string() + std::string(kStalePrefix))) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
      if (rm) log::Warn("sealed-file cache: cannot delete " + it->path().string());
    }
  }
  // Periods no key reaches any more.
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() < 2 || name[0] != 'p') continue;
    char* parsed_end = nullptr;
    const long long period = std::strtoll(name.c_str() + 1, &parsed_end, 10);
    if (*parsed_end != '\0' || period >= oldest_kept) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
    if (rm) log::Warn("sealed-file cache: cannot delete " + it->path().string());
  }
}

}  // namespace sonora::streaming
