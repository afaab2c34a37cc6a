// HTTP Range requests (RFC 9110 §14) for media: one byte range per request.
//
// Choices (docs/decisions/0008-range.md): a syntactically invalid Range header is ignored (the
// whole file, 200), as the RFC allows; a request for several ranges is answered with the whole
// file (200) rather than multipart/byteranges, which no audio player needs; a range that starts
// at or past the end is 416 with `Content-Range: bytes */<size>`.
#pragma once

#include <cstdint>
#include <string_view>

namespace sonora::http {

enum class RangeKind {
  kNone,           // no Range header, an invalid one, or several ranges: send the whole file
  kSatisfiable,    // send [first, last] with 206
  kUnsatisfiable,  // 416
};

struct RangeRequest {
  RangeKind kind = RangeKind::kNone;
  int64_t first = 0;  // inclusive
  int64_t last = 0;   // inclusive
  int64_t length() const { return last - first + 1; }
};

// Interprets `header` (the Range field value, or empty) for a representation of `size` bytes.
RangeRequest ParseRange(std::string_view header, int64_t size);

}  // namespace sonora::http
