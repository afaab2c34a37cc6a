// The demo's music: a small catalog synthesized in code (drums, bass and chords with known
// tempo, key and mode), written as tagged FLAC masters with some sidecar .lrc lyrics, so that
// `sonora demo` runs the same ingest path as real music. Its podcasts likewise: speech-like
// audio written as FLAC masters tagged with genre "Podcast".
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

struct DemoEpisodeSpec {
  std::string path;  // the master written
  std::string show, publisher, title, description, date;
  int number = 0;  // episode number within the show
  double seconds = 0;
};

struct DemoPodcastOptions {
  int shows = 2;              // issue 3: speech-like podcast material in the demo
  int episodes_per_show = 3;  // 30-45 s each
  uint64_t seed = 11;
};

// Writes speech-like episode masters (synth::SpeechLike) under `dir` as
// <show>/NN <title>.flac, tagged for the podcast ingest path: genre "Podcast", album = show,
// album artist = publisher, title, comment = description, date, track number = episode number,
// language. Idempotent: files that exist are kept. kInvalidArgument beyond 2 shows of 10
// episodes.
Result<std::vector<DemoEpisodeSpec>> WriteDemoPodcasts(const std::string& dir,
                                                       const DemoPodcastOptions& options);

}  // namespace sonora::media
