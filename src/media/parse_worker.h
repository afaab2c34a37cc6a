// Untrusted media is parsed in a separate process that can be killed (SECURITY.md §7): the
// probe (libavformat, TagLib), the decode to PCM (libavcodec) and the cover-art scaler each
// run in a short-lived `sonora media-worker` child, which caps its own memory, CPU time and
// file writes before it touches the file. The parent waits with a deadline and kills the
// child with SIGKILL when it passes; a child that crashes or is killed is a bad file, never a
// crashed ingest. Results come back over a pipe (docs/formats/media-worker.md).
//
// With an empty `binary` the same functions run in-process (unit tests, tools).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "media/codec.h"
#include "media/pcm.h"
#include "media/tags.h"

namespace sonora::media {

struct WorkerOptions {
  // The executable that answers `media-worker` (the sonora binary); empty: in-process.
  std::string binary;
  // Extra wall-clock time a child gets on top of the decode cap (start-up, the pipe).
  std::chrono::milliseconds grace{5'000};
};

// What stage 1 reads from a master.
struct ParsedMaster {
  ProbeInfo probe;
  std::optional<TrackTags> tags;           // absent when TagLib cannot read the file
  std::optional<std::string> cover_bytes;  // the embedded picture, if any
};

// ProbeFile + ReadTags + ExtractEmbeddedCover. Errors: as ProbeFile; kInvalidArgument ("file")
// when the worker crashes; kDeadlineExceeded when it runs past limits.max_decode_time.
Result<ParsedMaster> ParseMaster(const std::string& path, const DecodeLimits& limits,
                                 const WorkerOptions& worker);

// DecodeFile in the worker. Errors: as DecodeFile, plus the two above.
Result<PcmBuffer> DecodeMaster(const std::string& path, const DecodeLimits& limits,
                               const WorkerOptions& worker);

// ScaleArtwork in the worker (which may write only `out_path`). Errors: as ScaleArtwork, plus
// the two above.
Status ScaleArtworkIsolated(const std::string& image_bytes, int size, const std::string& out_path,
                            const WorkerOptions& worker);

// The child's side: `sonora media-worker MODE ARGS...` (argv after "media-worker"). Writes the
// answer to standard output and returns the process exit code.
int RunMediaWorker(int argc, char** argv);

}  // namespace sonora::media
