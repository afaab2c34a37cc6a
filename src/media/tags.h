// Tags read from a master (TagLib adapter: media/internal/taglib_tags.cc).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace sonora::media {

struct TrackTags {
  std::string title;
  std::vector<std::string> artists;  // split on ";", "/", " feat. ", " ft. ", " & " (documented)
  std::string album;
  std::string album_artist;
  int track_number = 0;
  int disc_number = 0;
  std::string date;  // "YYYY" or "YYYY-MM-DD"
  std::vector<std::string> genres;
  std::string isrc;
  bool explicit_content = false;
  // Podcast fields (docs/decisions/0015-podcasts.md): the COMMENT (else DESCRIPTION) tag, the
  // iTunes/ID3 convention for an episode's show notes, and LANGUAGE.
  std::string description;
  std::string language;
};

inline constexpr size_t kMaxTagLength = 1024;  // longer values are cut: a tag bomb stays small
// Descriptions are show notes, longer than names; still bounded.
inline constexpr size_t kMaxDescriptionLength = 4096;

// Reads tags; absent fields are empty. Never fails on odd tags: kInvalidArgument only when TagLib
// cannot open the file at all (the caller then relies on the file name).
Result<TrackTags> ReadTags(const std::string& path);

// Writes `tags` into the file's native tag format (Vorbis comments for FLAC/Ogg, ID3v2 for MP3,
// RIFF INFO/ID3 for WAV). Used by the demo to tag the masters it synthesizes, and by tests.
// Errors: kInvalidArgument when TagLib cannot open or save the file.
Status WriteTags(const std::string& path, const TrackTags& tags);

// Splits a multi-artist credit ("A feat. B", "A; B", "A / B", "A & B") into names.
std::vector<std::string> SplitArtists(const std::string& credit);

}  // namespace sonora::media
