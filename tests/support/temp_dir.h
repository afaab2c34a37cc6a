// TempDir: a fresh directory per test, deleted with everything in it when the object goes away.
// Tests are hermetic (STYLE.md 3.8): nothing is written outside one of these.
#pragma once

#include <string>

namespace sonora::testing {

class TempDir {
 public:
  // Creates $TMPDIR/sonora-test.XXXXXX (or under /tmp). Aborts the test binary if the directory
  // cannot be created: no test can run meaningfully without it.
  TempDir();
  // Removes the directory recursively; errors are ignored (a test must not fail in cleanup).
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Absolute path, without a trailing slash.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sonora::testing
