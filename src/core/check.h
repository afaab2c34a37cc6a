// SONORA_CHECK: always on, for "cannot continue" (a broken data dir at start-up).
// SONORA_DCHECK: debug builds only, for internal invariants. Neither may ever depend on user
// input, file contents or a network answer: those are Status values.
#pragma once

namespace sonora::internal {
[[noreturn]] void CheckFailed(const char* expr, const char* file, int line);
}  // namespace sonora::internal

#define SONORA_CHECK(cond) \
  ((cond) ? (void)0 : ::sonora::internal::CheckFailed(#cond, __FILE__, __LINE__))

#ifdef NDEBUG
#define SONORA_DCHECK(cond) ((void)0)
#else
#define SONORA_DCHECK(cond) SONORA_CHECK(cond)
#endif
