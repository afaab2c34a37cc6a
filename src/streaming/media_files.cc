#include "streaming/media_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>

#include "core/ids.h"

namespace sonora::streaming {

std::string HttpDate(int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

void SetMediaHeaders(ResolvedFile& f) {
  f.headers = std::make_shared<const http::SharedHeaders>(http::HeaderList{
      {"Cache-Control", "public, max-age=31536000, immutable"},
      {"ETag", f.etag},
      {"Last-Modified", f.last_modified},
      {"Accept-Ranges", "bytes"},
      {"X-Content-Type-Options", "nosniff"},
  });
}

Result<std::string> ReadWholeFile(const ResolvedFile& f) {
  const int fd = f.open ? f.open->fd() : ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::NotFound("media file unreadable");
  std::string data(static_cast<size_t>(f.size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (!f.open) ::close(fd);
  if (done != data.size()) return Status::NotFound("media file unreadable");
  return data;
}

std::shared_ptr<const http::OpenFile> HoldOpen(const std::string& path,
                                               const std::shared_ptr<std::atomic<int>>& open_count,
                                               int max_open) {
  if (open_count->fetch_add(1) >= max_open) {
    open_count->fetch_sub(1);
    return nullptr;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    open_count->fetch_sub(1);
    return nullptr;
  }
  return std::shared_ptr<const http::OpenFile>(new http::OpenFile(fd),
                                               [count = open_count](const http::OpenFile* f) {
                                                 delete f;
                                                 count->fetch_sub(1);
                                               });
}

bool MediaFiles::Fresh(const Entry& e, Clock::time_point now) const {
  if (e.content_version >= 0) {
    // Something changed since it was read: confirm its media version now.
    if (observed_version_ > e.content_version) return false;
    if (now - observed_at_ < kRecheck) return true;  // unchanged as of a recent report
  }
  return now - e.checked < kRecheck;
}

void MediaFiles::Observe(int64_t content_version) {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (content_version < observed_version_) return;  // an older read reported late
  observed_version_ = content_version;
  observed_at_ = now;
}

Result<ManifestRef> MediaFiles::Manifest(const std::string& track_id) {
  if (!IsWellFormedId(track_id)) return Status::NotFound("no such track");
  const auto now = Clock::now();
  int64_t content_version;
  bool known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry* e = cache_.Find(track_id);
    if (e && Fresh(*e, now)) return e->ref;
    known = e != nullptr;
    content_version = observed_version_;  // taken before the reads below
  }
  if (known) {
    // Usually unchanged: one small read confirms the cached version.
    SONORA_ASSIGN_OR_RETURN(auto state, repo_.FindStateAndVersion(track_id));
    if (!state || state->first != "ready") {
      std::lock_guard<std::mutex> lock(mu_);
      cache_.Erase(track_id);
      return Status::NotFound("track has no playable media");
    }
    std::lock_guard<std::mutex> lock(mu_);
    Entry* e = cache_.Find(track_id);
    if (e && e->ref.version == state->second) {
      e->checked = now;
      e->content_version = content_version;
      return e->ref;
    }
  }
  SONORA_ASSIGN_OR_RETURN(auto row, repo_.FindByTrackId(track_id));
  if (!row || row->media_state != "ready") {
    std::lock_guard<std::mutex> lock(mu_);
    cache_.Erase(track_id);
    return Status::NotFound("track has no playable media");
  }
  SONORA_ASSIGN_OR_RETURN(media::Manifest m, media::ParseManifest(row->manifest));
  ManifestRef ref{std::make_shared<const media::Manifest>(std::move(m)), row->media_version};
  std::lock_guard<std::mutex> lock(mu_);
  cache_.Put(track_id, Entry{ref, now, content_version, {}});
  return ref;
}

std::optional<ManifestRef> MediaFiles::CachedManifest(const std::string& track_id) {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  Entry* e = cache_.Find(track_id);
  if (e && Fresh(*e, now)) return e->ref;
  return std::nullopt;
}

Result<std::shared_ptr<const ResolvedFile>> MediaFiles::Resolve(std::string_view track_id,
                                                                std::string_view rendition,
                                                                std::string_view file_name) {
  // One buffer per thread for the "<rendition>/<file>" key: no allocation per chunk.
  thread_local std::string key;
  key.assign(rendition).append(1, '/').append(file_name);
  // The file as remembered by the track's entry, when `usable` accepts the entry.
  auto remembered = [&](auto&& usable) -> std::shared_ptr<const ResolvedFile> {
    std::lock_guard<std::mutex> lock(mu_);
    Entry* e = cache_.Find(track_id);
    if (!e || !usable(*e)) return nullptr;
    auto f = e->files.find(key);
    return f == e->files.end() ? nullptr : f->second;
  };
  // The hot path: a fresh manifest entry that has resolved this file before.
  const auto now = Clock::now();
  if (auto f = remembered([&](const Entry& e) SONORA_REQUIRES(mu_) { return Fresh(e, now); })) {
    return f;
  }
  const std::string id(track_id);
  SONORA_ASSIGN_OR_RETURN(ManifestRef ref, Manifest(id));
  if (auto f = remembered([&](const Entry& e) { return e.ref.version == ref.version; })) return f;
  SONORA_ASSIGN_OR_RETURN(ResolvedFile out, ResolveOnDisk(id, ref, rendition, file_name));
  // Keep it open for the responses to come, while descriptors are to spare.
  out.open = HoldOpen(out.path, open_files_, kMaxOpenFiles);
  SetMediaHeaders(out);
  auto shared = std::make_shared<const ResolvedFile>(std::move(out));
  std::lock_guard<std::mutex> lock(mu_);
  Entry* e = cache_.Find(track_id);
  if (e && e->ref.version == ref.version) e->files.insert_or_assign(key, shared);
  return shared;
}

Result<ResolvedFile> MediaFiles::ResolveOnDisk(const std::string& track_id, const ManifestRef& ref,
                                               std::string_view rendition,
                                               std::string_view file_name) {
  const int version = ref.version;
  const media::Rendition* r = ref.manifest->Find(rendition);
  if (!r) return Status::NotFound("no such rendition");
  ResolvedFile out;
  bool listed = file_name == "init.mp4" && r->container == "fmp4";
  for (size_t i = 0; i < r->chunks.size() && !listed; ++i) {
    if (r->chunks[i].file_name == file_name) {
      listed = true;
      out.chunk_index = static_cast<int>(i);
    }
  }
  if (!listed) return Status::NotFound("no such file");

  // Names come from our own manifest, but check containment anyway: defence in depth against a
  // tampered manifest or a symlink planted in the store.
  std::string candidate = store_.TrackDir(track_id, version);
  candidate.append(1, '/').append(rendition).append(1, '/').append(file_name);
  char resolved[PATH_MAX];
  if (!::realpath(candidate.c_str(), resolved)) return Status::NotFound("media file missing");
  const std::string root = store_.root() + "/tracks/";
  if (std::string_view(resolved).substr(0, root.size()) != root) {
    return Status::NotFound("media file outside the store");
  }
  struct stat st;
  if (::stat(resolved, &st) != 0 || !S_ISREG(st.st_mode))
    return Status::NotFound("media file missing");
  out.path = resolved;
  out.size = st.st_size;
  out.mtime_s = st.st_mtim.tv_sec;
  out.last_modified = HttpDate(out.mtime_s);
  out.etag = "\"" + track_id + "-v" + std::to_string(version) + "-";
  out.etag.append(rendition).append(1, '-').append(file_name).append(1, '"');
  return out;
}

}  // namespace sonora::streaming
