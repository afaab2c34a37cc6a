#include "media/media_store.h"

#include <filesystem>

#include "core/random.h"
#include "core/strings.h"

namespace sonora::media {

namespace fs = std::filesystem;

Result<MediaStore> MediaStore::Open(const std::string& root) {
  std::error_code ec;
  for (const char* sub : {"tracks", "artwork", "staging"}) {
    fs::create_directories(fs::path(root) / sub, ec);
    if (ec) return Status::Unavailable("cannot create " + root + "/" + sub + ": " + ec.message());
  }
  return MediaStore(fs::absolute(root).lexically_normal().string());
}

std::string MediaStore::Shard(const std::string& id) {
  // Two hex characters of a hash of the id: 256 evenly filled folders.
  uint32_t h = 2166136261u;
  for (unsigned char c : id) h = (h ^ c) * 16777619u;
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[(h >> 4) & 15], kHex[h & 15]};
}

std::string MediaStore::TrackDir(const std::string& track_id, int version) const {
  return root_ + "/tracks/" + Shard(track_id) + "/" + track_id + "/v" + std::to_string(version);
}

std::string MediaStore::ArtworkPath(const std::string& artwork_id, int size) const {
  return root_ + "/artwork/" + Shard(artwork_id) + "/" + artwork_id + "_" + std::to_string(size) +
         ".jpg";
}

Result<std::string> MediaStore::NewStagingDir() const {
  std::string dir = root_ + "/staging/" + RandomBase62(16);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create staging dir: " + ec.message());
  return dir;
}

Status MediaStore::Publish(const std::string& staging_dir, const std::string& track_id,
                           int version) const {
  const fs::path target = TrackDir(track_id, version);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Status::Unavailable("cannot create " + target.parent_path().string());
  fs::remove_all(target, ec);  // a leftover of an interrupted publish of this same version
  fs::rename(staging_dir, target, ec);
  if (ec) return Status::Unavailable("cannot publish " + target.string() + ": " + ec.message());
  // Older versions are no longer referenced by the catalog.
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec)) {
    if (entry.path() != target) fs::remove_all(entry.path(), ec);
  }
  return Status();
}

void MediaStore::Discard(const std::string& staging_dir) const {
  std::error_code ec;
  fs::remove_all(staging_dir, ec);
}

void MediaStore::CleanStaging() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ + "/staging", ec)) {
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace sonora::media
