// A small parallel-for over [0, n) for the batch work in recommend/ (ALS sweeps, evaluation,
// neighbour lists): `threads` std::threads take chunks of `grain` indices from a shared counter,
// so uneven rows (heavy users) balance out. The calling thread is one of the workers.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace sonora::recommend::internal {

// Calls fn(begin, end) on disjoint chunks covering [0, n); fn(worker, begin, end) form gets the
// worker index in [0, threads) for per-thread scratch. Returns when all chunks are done.
template <typename Fn>
void ParallelChunks(int64_t n, int threads, int64_t grain, const Fn& fn) {
  threads = std::max(1, threads);
  grain = std::max<int64_t>(1, grain);
  std::atomic<int64_t> next{0};
  auto work = [&](int worker) {
    while (true) {
      int64_t begin = next.fetch_add(grain);
      if (begin >= n) return;
      fn(worker, begin, std::min(n, begin + grain));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
}

}  // namespace sonora::recommend::internal
