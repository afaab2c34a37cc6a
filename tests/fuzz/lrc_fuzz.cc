// ParseLrc and LrcToPlainText (src/lyrics/lrc.h), which read lyrics sidecars nobody vetted.
// Promises checked: no crash or hang; every line's text is valid UTF-8 (bad bytes become
// U+FFFD), trimmed, on one line; time tags are not negative; the plain text is valid UTF-8
// and never longer than the bound asked for, whatever the bound.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/strings.h"
#include "fuzz_check.h"
#include "lyrics/lrc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sonora::lyrics::Lrc lrc = sonora::lyrics::ParseLrc(text);
  for (const auto& line : lrc.lines) {
    SONORA_FUZZ_CHECK(sonora::IsValidUtf8(line.text));
    SONORA_FUZZ_CHECK(line.text.find('\n') == std::string::npos);
    SONORA_FUZZ_CHECK(line.text.empty() || (line.text.front() != ' ' && line.text.back() != ' '));
    for (int64_t t : line.times_ms) SONORA_FUZZ_CHECK(t >= 0);
  }
  // A bound from the input's first byte, so small bounds (cuts inside a line) are explored too.
  const size_t bound = size == 0 ? 0 : static_cast<size_t>(data[0]);
  for (size_t max : {bound, sonora::lyrics::kMaxPlainTextBytes}) {
    const std::string plain = sonora::lyrics::LrcToPlainText(text, max);
    SONORA_FUZZ_CHECK(plain.size() <= max);
    SONORA_FUZZ_CHECK(sonora::IsValidUtf8(plain));
  }
  return 0;
}
