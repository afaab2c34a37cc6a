#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace sonora::http {

LocalRateLimiter::LocalRateLimiter(const Clock& clock, size_t max_keys)
    : clock_(clock), max_keys_(max_keys) {}

Status LocalRateLimiter::Take(std::string_view key, const BucketPolicy& policy) {
  if (policy.per_second <= 0) return Status();
  const int64_t now = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.emplace_front(key);
    it = buckets_.emplace(std::string(key), Bucket{policy.burst, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    double elapsed = static_cast<double>(std::max<int64_t>(0, now - it->second.updated_ms)) / 1000;
    it->second.tokens = std::min(policy.burst, it->second.tokens + elapsed * policy.per_second);
    it->second.updated_ms = now;
  }
  if (it->second.tokens >= 1.0) {
    it->second.tokens -= 1.0;
    return Status();
  }
  double wait = (1.0 - it->second.tokens) / policy.per_second;
  return Status::ResourceExhausted("rate limit exceeded; retry later",
                                   std::max(1, static_cast<int>(std::ceil(wait))));
}

}  // namespace sonora::http
