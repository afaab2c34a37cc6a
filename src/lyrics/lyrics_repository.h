// Stored lyrics (`track_lyrics`, written by ingest from sidecar .lrc files), read by track.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sonora::lyrics {

class LyricsRepository {
 public:
  explicit LyricsRepository(store::Database& db) : db_(db) {}

  // The LRC text of those of `track_ids` that have lyrics, at most `max_chars` characters each
  // (the database cuts it, so a hostile sidecar costs no more to read), in one query.
  Result<std::map<std::string, std::string>> LrcOf(const std::vector<std::string>& track_ids,
                                                   int64_t max_chars);

 private:
  store::Database& db_;
};

}  // namespace sonora::lyrics
