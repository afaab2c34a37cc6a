#include "lyrics/lrc.h"

#include <algorithm>
#include <optional>

#include "core/strings.h"

namespace sonora::lyrics {

namespace {

// Header keys that LRC tools write (`[key:value]`). Other bracketed words stay text: a lyric
// line may start with "[Chorus]" or "[Verse 2: Jay-Z]".
constexpr std::string_view kHeaderKeys[] = {"ar", "al", "ti",     "au", "by",   "re",
                                            "ve", "la", "length", "id", "lang", "tool"};
// A header tag longer than this is not a tag, nor is a time tag longer than the other bound
// ("[99999:59.999]"): a line of a million '[' or '<' stays linear to read.
constexpr size_t kMaxTagBytes = 512;
constexpr size_t kMaxTimeTagBytes = 16;
constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "mm:ss", "mm:ss.f", "mm:ss.ff", "mm:ss.fff" or "mm:ss:ff" (the inside of a tag) in ms.
std::optional<int64_t> ParseTime(std::string_view s) {
  size_t i = 0;
  int64_t minutes = 0;
  while (i < s.size() && IsDigit(s[i]) && i < 5) minutes = minutes * 10 + (s[i++] - '0');
  if (i == 0 || i >= s.size() || s[i] != ':') return std::nullopt;
  const size_t sec_begin = ++i;
  int64_t seconds = 0;
  while (i < s.size() && IsDigit(s[i]) && i - sec_begin < 2)
    seconds = seconds * 10 + (s[i++] - '0');
  if (i == sec_begin || seconds >= 60) return std::nullopt;
  int64_t ms = (minutes * 60 + seconds) * 1000;
  if (i == s.size()) return ms;
  if (s[i] != '.' && s[i] != ':') return std::nullopt;
  const size_t frac_begin = ++i;
  int64_t frac = 0;
  while (i < s.size() && IsDigit(s[i]) && i - frac_begin < 3) frac = frac * 10 + (s[i++] - '0');
  const size_t digits = i - frac_begin;
  if (digits == 0 || i != s.size()) return std::nullopt;
  static constexpr int64_t kScale[] = {0, 100, 10, 1};  // tenths, hundredths, thousandths
  return ms + frac * kScale[digits];
}

// If `s` at `i` opens a time tag with `open` ... `close`, its end (one past `close`).
std::optional<size_t> TimeTagEnd(std::string_view s, size_t i, char close) {
  const size_t end = s.substr(i, kMaxTimeTagBytes).find(close);
  if (end == std::string_view::npos || end < 2) return std::nullopt;
  if (!ParseTime(s.substr(i + 1, end - 1))) return std::nullopt;
  return i + end + 1;
}

// Appends `text` to `out` without tags: time and word tags dropped, control characters as
// spaces, runs of spaces collapsed, invalid bytes as U+FFFD. Trims both ends.
void CleanText(std::string_view text, std::string* out) {
  bool space = true;  // suppresses leading spaces
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '<' || c == '[') {
      if (auto end = TimeTagEnd(text, i, c == '<' ? '>' : ']')) {
        i = *end;
        continue;
      }
    }
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F || c == ' ') {
      if (!space) out->push_back(' ');
      space = true;
      ++i;
      continue;
    }
    const size_t n = DecodeUtf8(text, i);
    if (n == 0) {
      out->append(kReplacement);
      ++i;
    } else {
      out->append(text.substr(i, n));
      i += n;
    }
    space = false;
  }
  if (!out->empty() && out->back() == ' ') out->pop_back();
}

// One line: leading time and header tags, then text.
LrcLine ParseLine(std::string_view line, Lrc* header) {
  LrcLine out;
  size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || line[i] != '[') break;
    const size_t close = line.substr(i, kMaxTagBytes).find(']');
    if (close == std::string_view::npos) break;
    const std::string_view inside = line.substr(i + 1, close - 1);
    if (auto t = ParseTime(inside)) {
      out.times_ms.push_back(*t);
      i += close + 1;
      continue;
    }
    const size_t colon = inside.find(':');
    if (colon == std::string_view::npos) break;
    const std::string key = ToLower(Trim(inside.substr(0, colon)));
    const bool offset = key == "offset";
    if (!offset &&
        std::find(std::begin(kHeaderKeys), std::end(kHeaderKeys), key) == std::end(kHeaderKeys)) {
      break;
    }
    if (header) {
      std::string value;
      CleanText(inside.substr(colon + 1), &value);
      if (offset) {
        std::string_view v = value;
        if (!v.empty() && v.front() == '+') v.remove_prefix(1);
        header->offset_ms = ParseInt(v).value_or(0);
      }
      header->tags[key] = std::move(value);
    }
    i += close + 1;
  }
  CleanText(line.substr(i), &out.text);
  return out;
}

// Calls `fn(line)` for each line of `lrc` (BOM skipped; LF, CRLF or CR ends) until it returns
// false.
template <typename Fn>
void ForEachLine(std::string_view lrc, Fn&& fn) {
  if (lrc.substr(0, kBom.size()) == kBom) lrc.remove_prefix(kBom.size());
  size_t begin = 0;
  while (begin < lrc.size()) {
    size_t end = lrc.find_first_of("\r\n", begin);
    if (end == std::string_view::npos) end = lrc.size();
    if (!fn(lrc.substr(begin, end - begin))) return;
    begin = end;
    if (begin < lrc.size() && lrc[begin] == '\r') ++begin;
    if (begin < lrc.size() && lrc[begin] == '\n') ++begin;
  }
}

}  // namespace

Lrc ParseLrc(std::string_view lrc) {
  Lrc out;
  ForEachLine(lrc, [&](std::string_view raw) {
    LrcLine line = ParseLine(raw, &out);
    if (!line.times_ms.empty() || !line.text.empty()) out.lines.push_back(std::move(line));
    return true;
  });
  return out;
}

std::string LrcToPlainText(std::string_view lrc, size_t max_bytes) {
  std::string out;
  ForEachLine(lrc, [&](std::string_view raw) {
    LrcLine line = ParseLine(raw, nullptr);
    if (line.text.empty()) return true;
    const size_t sep = out.empty() ? 0 : 1;
    if (out.size() + sep + line.text.size() <= max_bytes) {
      if (sep) out.push_back('\n');
      out += line.text;
      return true;
    }
    if (out.empty()) {
      // One line longer than the bound: keep its start, ending on a whole character.
      out = std::string(Utf8Prefix(line.text, max_bytes));
    }
    return false;
  });
  return out;
}

}  // namespace sonora::lyrics
