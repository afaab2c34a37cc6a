// What the fuzz targets share: a property check that stops the run with a message, so that
// libFuzzer records the input as a crash (and the replay test fails) when a parser breaks one
// of its documented promises, not only when it crashes.
#pragma once

#include <cstdio>
#include <cstdlib>

#define SONORA_FUZZ_CHECK(cond)                                                        \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)
