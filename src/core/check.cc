#include "core/check.h"

#include <cstdio>
#include <cstdlib>

namespace sonora::internal {

void CheckFailed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "SONORA_CHECK failed: %s at %s:%d\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace sonora::internal
