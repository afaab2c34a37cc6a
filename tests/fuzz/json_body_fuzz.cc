// ParseJson and ParseJsonObject (src/core/json.h), the readers of every request body. Promises
// checked: no crash or hang on any bytes; what they accept is valid UTF-8 and survives a
// round trip through dump() unchanged; ParseJsonObject accepts objects only, and exactly the
// objects ParseJson accepts.
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "core/strings.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto any = sonora::ParseJson(text);
  auto object = sonora::ParseJsonObject(text);
  if (any.ok()) {
    SONORA_FUZZ_CHECK(sonora::IsValidUtf8(text));
    const std::string dumped = any->dump();
    auto again = sonora::ParseJson(dumped);
    SONORA_FUZZ_CHECK(again.ok());
    SONORA_FUZZ_CHECK(*again == *any);
    SONORA_FUZZ_CHECK(object.ok() == any->is_object());
  } else {
    SONORA_FUZZ_CHECK(!object.ok());
  }
  if (object.ok()) SONORA_FUZZ_CHECK(object->is_object());
  return 0;
}
