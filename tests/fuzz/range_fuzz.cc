// ParseRange (src/http/range.h) on hostile Range header values. Input: the representation's
// size in decimal on the first line (1000 when it is not a number), the header value after it.
// Promises checked: a satisfiable range lies inside the representation and is not empty; an
// empty header or an empty representation is never a 206; the answer does not depend on
// anything but the input.
#include <cstdint>
#include <string_view>

#include "core/strings.h"
#include "fuzz_check.h"
#include "http/range.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  int64_t representation = 1000;
  std::string_view header = input;
  if (newline != std::string_view::npos) {
    // A file's size is never negative.
    if (auto parsed = sonora::ParseInt(input.substr(0, newline)); parsed && *parsed >= 0) {
      representation = *parsed;
    }
    header = input.substr(newline + 1);
  }

  const sonora::http::RangeRequest r = sonora::http::ParseRange(header, representation);
  switch (r.kind) {
    case sonora::http::RangeKind::kSatisfiable:
      SONORA_FUZZ_CHECK(!header.empty());
      SONORA_FUZZ_CHECK(r.first >= 0);
      SONORA_FUZZ_CHECK(r.first <= r.last);
      SONORA_FUZZ_CHECK(r.last < representation);
      SONORA_FUZZ_CHECK(r.length() >= 1 && r.length() <= representation);
      break;
    case sonora::http::RangeKind::kUnsatisfiable:
      SONORA_FUZZ_CHECK(!header.empty());
      break;
    case sonora::http::RangeKind::kNone:
      break;
  }
  const sonora::http::RangeRequest again = sonora::http::ParseRange(header, representation);
  SONORA_FUZZ_CHECK(again.kind == r.kind && again.first == r.first && again.last == r.last);
  return 0;
}
