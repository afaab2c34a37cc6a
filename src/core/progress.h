// A terminal progress bar for long work (ingest, catalog generation, index builds): redraws one
// line on a TTY with rate and ETA; on a pipe or in CI prints a line every 10%. Writes to stderr.
// Not thread-safe: one owner updates it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sonora {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t total, std::string unit);
  void Update(int64_t done);
  // Prints the final line with the overall rate.
  void Finish();

 private:
  void Draw(bool final);
  std::string label_, unit_;
  int64_t total_, done_ = 0;
  bool tty_;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace sonora
