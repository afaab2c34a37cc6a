#include "media/internal/fftw_fft.h"

#include <fftw3.h>

#include <map>
#include <mutex>

#include "core/check.h"

namespace sonora::media::internal {
namespace {

// FFTW's planner keeps global state and is not thread-safe; fftwf_execute_dft_r2c on arrays
// other than the planning ones is. So plans are made once per size under this lock and never
// destroyed (a handful of sizes per process). The lock also covers FFTW's allocator.
std::mutex& PlanMutex() {
  static std::mutex* const mu = new std::mutex;
  return *mu;
}

fftwf_plan PlanFor(int size) {
  static auto* const plans = new std::map<int, fftwf_plan>;
  std::lock_guard<std::mutex> lock(PlanMutex());
  auto it = plans->find(size);
  if (it != plans->end()) return it->second;
  // Plan on fftwf_malloc'ed arrays: new-array execution requires the same alignment, which every
  // RealFft's buffers have. FFTW_ESTIMATE keeps the plan (and so the rounding) independent of
  // timing, which keeps the analyses deterministic.
  float* in = fftwf_alloc_real(static_cast<size_t>(size));
  fftwf_complex* out = fftwf_alloc_complex(static_cast<size_t>(size / 2 + 1));
  fftwf_plan plan = fftwf_plan_dft_r2c_1d(size, in, out, FFTW_ESTIMATE);
  fftwf_free(in);
  fftwf_free(out);
  SONORA_CHECK(plan != nullptr);  // FFTW_ESTIMATE planning of a 1-D r2c cannot fail
  plans->emplace(size, plan);
  return plan;
}

}  // namespace

RealFft::RealFft(int size) : size_(size), plan_(PlanFor(size)) {
  SONORA_DCHECK(size >= 2 && size % 2 == 0);
  // FFTW documents only fftwf_execute* as thread-safe, so its allocator runs under the lock too.
  std::lock_guard<std::mutex> lock(PlanMutex());
  in_ = fftwf_alloc_real(static_cast<size_t>(size));
  out_ = reinterpret_cast<std::complex<float>*>(
      fftwf_alloc_complex(static_cast<size_t>(size / 2 + 1)));
  SONORA_CHECK(in_ != nullptr && out_ != nullptr);  // out of memory: cannot continue
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(PlanMutex());
  fftwf_free(in_);
  fftwf_free(out_);
}

void RealFft::Execute() {
  fftwf_execute_dft_r2c(static_cast<fftwf_plan>(plan_), in_,
                        reinterpret_cast<fftwf_complex*>(out_));
}

}  // namespace sonora::media::internal
