#include "http/range.h"

#include <charconv>

#include "core/strings.h"

namespace sonora::http {

namespace {
bool ParseNumber(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;  // 18 digits: no overflow, far past any file
  for (char c : s)
    if (c < '0' || c > '9') return false;
  std::from_chars(s.data(), s.data() + s.size(), *out);
  return true;
}
}  // namespace

RangeRequest ParseRange(std::string_view header, int64_t size) {
  RangeRequest none;
  header = Trim(header);
  if (header.empty() || header.size() > 256) return none;
  if (header.substr(0, 6) != "bytes=") return none;  // unknown units are ignored
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return none;  // several ranges: whole file
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return none;
  std::string_view a = Trim(spec.substr(0, dash)), b = Trim(spec.substr(dash + 1));
  RangeRequest r;
  if (a.empty()) {
    // Suffix range: the last N bytes.
    int64_t n = 0;
    if (!ParseNumber(b, &n)) return none;
    if (n == 0 || size == 0) return {RangeKind::kUnsatisfiable, 0, 0};
    r.first = n >= size ? 0 : size - n;
    r.last = size - 1;
  } else {
    int64_t first = 0, last = 0;
    if (!ParseNumber(a, &first)) return none;
    if (b.empty()) {
      last = size - 1;
    } else {
      if (!ParseNumber(b, &last) || last < first) return none;
      if (last >= size) last = size - 1;
    }
    if (first >= size) return {RangeKind::kUnsatisfiable, 0, 0};
    r.first = first;
    r.last = last;
  }
  r.kind = RangeKind::kSatisfiable;
  return r;
}

}  // namespace sonora::http
