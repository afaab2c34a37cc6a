#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace sonora {

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::Update(int64_t done) {
  done_ = done;
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
    last_draw_ = now;
    Draw(false);
  } else {
    int decile = total_ > 0 ? static_cast<int>(done_ * 10 / total_) : 10;
    if (decile != last_decile_) {
      last_decile_ = decile;
      Draw(false);
    }
  }
}

void ProgressBar::Finish() { Draw(true); }

void ProgressBar::Draw(bool final) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
  double pct = total_ > 0 ? 100.0 * static_cast<double>(done_) / static_cast<double>(total_) : 100;
  double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(pct / 100 * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "%s%s [%s] %lld/%lld %s %5.1f%% %.*f %s/s %s", tty_ ? "\r" : "",
               label_.c_str(), bar.c_str(), static_cast<long long>(done_),
               static_cast<long long>(total_), unit_.c_str(), pct, rate < 10 ? 2 : 0, rate,
               unit_.c_str(),
               final ? "" : ("ETA " + std::to_string(static_cast<int>(eta)) + "s").c_str());
  if (final) std::fprintf(stderr, "in %.1fs\n", secs);
  else if (!tty_) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace sonora
