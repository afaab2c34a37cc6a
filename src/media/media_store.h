// Where media lives on disk (docs/formats/media-layout.md):
//
//   <root>/tracks/<shard>/<track_id>/v<version>/{96,160,320}/chunk_<n>.ogg
//                                               lossless/track.flac
//                                               hls_{96,160,256}/init.mp4, segment_<n>.m4s
//                                               preview/preview.ogg
//   <root>/artwork/<shard>/<artwork_id>_{640,300,64}.jpg
//   <root>/staging/<random>/                    work in progress, never served
//
// A version directory is written in staging and renamed into place in one step after the
// catalog commit, so a crash never leaves a half-written rendition where it can be served, and
// a re-encode gets a new version path (URLs stay immutable). Paths are built from ids the
// catalog issued, never from request input.
#pragma once

#include <string>

#include "core/result.h"

namespace sonora::media {

class MediaStore {
 public:
  // Creates the root folders. Errors: kUnavailable when they cannot be created.
  static Result<MediaStore> Open(const std::string& root);

  const std::string& root() const { return root_; }
  std::string TrackDir(const std::string& track_id, int version) const;
  std::string ArtworkPath(const std::string& artwork_id, int size) const;

  // A fresh, empty staging directory.
  Result<std::string> NewStagingDir() const;
  // Moves a finished staging directory to TrackDir(track_id, version) and removes older
  // versions of the track. kUnavailable on filesystem errors.
  Status Publish(const std::string& staging_dir, const std::string& track_id, int version) const;
  // Removes a staging directory (best effort).
  void Discard(const std::string& staging_dir) const;
  // Removes staging leftovers of a crashed run. Call at start-up, before any ingest.
  void CleanStaging() const;

 private:
  explicit MediaStore(std::string root) : root_(std::move(root)) {}
  static std::string Shard(const std::string& id);
  std::string root_;
};

}  // namespace sonora::media
