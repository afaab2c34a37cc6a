// Clang thread-safety annotations (LevelDB's port/thread_annotations.h idea). No-ops on GCC;
// the clang preset builds with -Wthread-safety.
#pragma once

#if defined(__clang__)
#define SONORA_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SONORA_THREAD_ANNOTATION(x)
#endif

#define SONORA_GUARDED_BY(x) SONORA_THREAD_ANNOTATION(guarded_by(x))
#define SONORA_REQUIRES(...) SONORA_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define SONORA_EXCLUDES(...) SONORA_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
