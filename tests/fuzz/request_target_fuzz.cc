// Request::ParseTarget (src/http/request.h): the request target as received, split into the
// path and the query and percent-decoded. Promises checked: no crash on any bytes; what it
// accepts decodes to valid UTF-8 in the path and in every query name and value; a path that
// decodes is never longer than the target it came from.
#include <cstdint>
#include <string_view>

#include "core/strings.h"
#include "fuzz_check.h"
#include "http/request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  sonora::http::Request req;
  if (!req.ParseTarget(target).ok()) return 0;
  SONORA_FUZZ_CHECK(sonora::IsValidUtf8(req.path));
  SONORA_FUZZ_CHECK(req.path.size() <= target.size());
  for (const auto& [name, value] : req.query) {
    SONORA_FUZZ_CHECK(sonora::IsValidUtf8(name));
    SONORA_FUZZ_CHECK(sonora::IsValidUtf8(value));
  }
  return 0;
}
