// The FFTW boundary for the audio analyses (features/): a real-to-complex single-precision FFT of
// one size. fftw3.h stays in fftw_fft.cc (STYLE.md rule 8); callers see float and
// std::complex<float> only.
#pragma once

#include <complex>
#include <cstddef>

namespace sonora::media::internal {

// One forward real FFT of `size()` points with its own input and output buffers (aligned for
// FFTW's SIMD code). The plan behind it is created once per size, under a process-wide lock,
// with FFTW_ESTIMATE so that the same input always gives the same output.
//
// Usage: fill input()[0 .. size()-1], call Execute(), read output()[0 .. size()/2].
// Bins are unnormalized: output()[k] = sum_n x[n] e^{-2 pi i k n / size}.
//
// Thread-safety: an instance is used by one thread at a time; any number of instances (of any
// sizes) may run at once on different threads, since FFTW's execute on distinct arrays is
// thread-safe; only planning and FFTW's allocator are serialized.
class RealFft {
 public:
  // REQUIRES: size is even and >= 2.
  explicit RealFft(int size);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int size() const { return size_; }
  int bins() const { return size_ / 2 + 1; }
  float* input() { return in_; }
  const std::complex<float>* output() const { return out_; }

  void Execute();

 private:
  int size_;
  void* plan_;  // fftwf_plan, owned by the process-wide cache
  float* in_;   // fftwf_malloc'ed, size_ floats
  std::complex<float>*
      out_;  // fftwf_malloc'ed, size_/2+1 bins (layout-compatible with fftwf_complex)
};

}  // namespace sonora::media::internal
