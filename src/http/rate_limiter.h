// Token-bucket rate limiting (SECURITY.md §4). In-process and bounded: the table holds at most
// `max_keys` buckets and drops the least recently used when full, so a flood of distinct keys
// cannot grow memory. A Redis-backed limiter for several nodes implements the same interface.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/lru_map.h"
#include "core/status.h"
#include "core/thread_annotations.h"

namespace sonora::http {

struct BucketPolicy {
  double per_second = 0;  // refill rate; 0 disables the limit
  double burst = 0;       // bucket size
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes one token for `key` under `policy`. OK, or kResourceExhausted with the seconds until
  // a token is available. `remaining`, when not null, receives the tokens left in the bucket
  // afterwards (a fraction below 1 when refused). Thread-safe.
  virtual Status Take(std::string_view key, const BucketPolicy& policy, double* remaining) = 0;
  Status Take(std::string_view key, const BucketPolicy& policy) {
    return Take(key, policy, nullptr);
  }
};

class LocalRateLimiter final : public RateLimiter {
 public:
  LocalRateLimiter(const Clock& clock, size_t max_keys = 100'000);
  using RateLimiter::Take;
  Status Take(std::string_view key, const BucketPolicy& policy, double* remaining) override;

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  const Clock& clock_;
  std::mutex mu_;
  LruMap<std::string, Bucket> buckets_ SONORA_GUARDED_BY(mu_);  // the least recent key goes
};

}  // namespace sonora::http
