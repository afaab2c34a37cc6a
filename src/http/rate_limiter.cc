#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace sonora::http {

LocalRateLimiter::LocalRateLimiter(const Clock& clock, size_t max_keys)
    : clock_(clock), buckets_(max_keys) {}

Status LocalRateLimiter::Take(std::string_view key, const BucketPolicy& policy, double* remaining) {
  if (policy.per_second <= 0) return Status();
  const int64_t now = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  const std::string k(key);
  Bucket* b = buckets_.Find(k);
  if (!b) {
    b = &buckets_.Put(k, Bucket{policy.burst, now});
  } else {
    double elapsed = static_cast<double>(std::max<int64_t>(0, now - b->updated_ms)) / 1000;
    b->tokens = std::min(policy.burst, b->tokens + elapsed * policy.per_second);
    b->updated_ms = now;
  }
  const bool granted = b->tokens >= 1.0;
  if (granted) b->tokens -= 1.0;
  if (remaining) *remaining = b->tokens;
  if (granted) return Status();
  double wait = (1.0 - b->tokens) / policy.per_second;
  return Status::ResourceExhausted("rate limit exceeded; retry later",
                                   std::max(1, static_cast<int>(std::ceil(wait))));
}

}  // namespace sonora::http
