// LRC, the `.lrc` lyrics format that ingest stores beside a track (table `track_lyrics`): lines
// of text, each led by zero or more time tags (`[mm:ss.xx]`), with header tags (`[ar:…]`,
// `[ti:…]`, `[offset:…]`) and, in enhanced LRC, word tags (`<mm:ss.xx>`) inside the text.
//
// This file turns LRC into what other modules need: timed lines, and plain text for the search
// index (docs/decisions/0011-search.md, "Lyrics"). It is plain C++ over core only, so the
// lyrics module's later service (the line at a playback position) and search share one reading
// of the format. Every function takes any bytes (LRC files come from users' folders): nothing
// here fails, throws or takes more than linear time, and all returned text is valid UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sonora::lyrics {

// The longest plain text LrcToPlainText returns by default. The longest real songs come to
// about 8 KiB of text; the bound is there for hostile files (ingest reads sidecars up to 1 MiB).
inline constexpr size_t kMaxPlainTextBytes = 64 << 10;

struct LrcLine {
  // The line's time tags in milliseconds, in the order written (a chorus line carries one per
  // repetition). Empty for an unsynchronised line. The header's offset is not applied.
  std::vector<int64_t> times_ms;
  // The text with time and word tags removed, control characters as spaces, runs of spaces
  // collapsed and both ends trimmed. Empty for a timed instrumental break.
  std::string text;
};

struct Lrc {
  // Header tags by lower-case key ("ar", "ti", "al", "au", "by", "re", "ve", "length", "la",
  // "offset", ...), values trimmed. The last one written wins.
  std::map<std::string, std::string> tags;
  // `[offset:±ms]`: positive shows every line earlier (subtract from times_ms). 0 when absent
  // or unreadable.
  int64_t offset_ms = 0;
  // Lines in file order: every line with a time tag or with text. Header-only and blank lines
  // are left out.
  std::vector<LrcLine> lines;
};

// Reads LRC text. Accepts a UTF-8 byte-order mark, LF, CRLF and lone CR line ends, time tags as
// `[m:ss]`, `[mm:ss.f]`, `[mm:ss.ff]`, `[mm:ss.fff]` and `[mm:ss:ff]` (seconds below 60),
// several time tags on one line, and enhanced-LRC word tags (`<mm:ss.xx>`) anywhere in the text.
// A bracket that is neither a time tag nor a known header key ("[Chorus]") is kept as text.
// Invalid UTF-8 bytes become U+FFFD.
Lrc ParseLrc(std::string_view lrc);

// The lyric lines' text in file order, one per line ('\n'), without tags, headers, blank lines
// or timed breaks: what a listener reads. At most `max_bytes` long: cut at the last whole line
// that fits, or inside a longer first line at a character boundary. A line repeated by several
// time tags appears once, where it is written.
std::string LrcToPlainText(std::string_view lrc, size_t max_bytes = kMaxPlainTextBytes);

}  // namespace sonora::lyrics
