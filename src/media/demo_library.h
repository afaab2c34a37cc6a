// The demo's music: a small catalog synthesized in code (drums, bass and chords with known
// tempo, key and mode), written as tagged FLAC masters with some sidecar .lrc lyrics, so that
// `sonora demo` runs the same ingest path as real music.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace sonora::media {

struct DemoTrackSpec {
  std::string path;  // the master written
  std::string artist, album, title;
  double bpm = 0;
  int key = 0;
  bool major = true;
  double seconds = 0;
};

struct DemoLibraryOptions {
  int tracks = 40;     // the minimum: eight artists, five tracks each
  uint64_t seed = 7;
  std::function<void(int done, int total)> progress;
};

// Writes the masters under `dir` (artist/album/NN title.flac). Idempotent: files that exist are
// kept. Returns what was (or would be) written.
Result<std::vector<DemoTrackSpec>> WriteDemoLibrary(const std::string& dir,
                                                    const DemoLibraryOptions& options);

}  // namespace sonora::media
