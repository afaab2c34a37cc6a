// ParseManifest (src/media/manifest.h), the SAX reader behind every cold play and chunk
// request. Its text comes from our own database, but a damaged or hand-edited row must fail
// cleanly. Promises checked: no crash or hang on any bytes; what it accepts is written back by
// ManifestToJson and read again to the same manifest.
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "fuzz_check.h"
#include "media/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = sonora::media::ParseManifest(text);
  if (!manifest.ok()) return 0;
  const sonora::Json written = sonora::media::ManifestToJson(*manifest);
  auto again = sonora::media::ParseManifest(sonora::DumpJson(written));
  SONORA_FUZZ_CHECK(again.ok());
  SONORA_FUZZ_CHECK(sonora::media::ManifestToJson(*again) == written);
  return 0;
}
