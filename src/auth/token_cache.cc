#include "auth/token_cache.h"

#include <algorithm>
#include <functional>

namespace sonora::auth {

namespace {
// Small caches get one shard, so the capacity bound and the LRU order are exact; large ones
// are split so the I/O threads and workers rarely wait on the same lock.
constexpr size_t kShardedFrom = 1024;
constexpr size_t kShards = 16;
}  // namespace

AccessTokenCache::AccessTokenCache(TokenCacheOptions options) : options_(options) {
  const size_t shards = options_.capacity >= kShardedFrom ? kShards : 1;
  for (size_t i = 0; i < shards; ++i) {
    auto shard = std::make_unique<Shard>();
    // Rounded down, so the shards together never hold more than `capacity`.
    shard->capacity = options_.capacity / shards;
    shards_.push_back(std::move(shard));
  }
}

AccessTokenCache::Shard& AccessTokenCache::ShardFor(std::string_view token_hash) {
  return *shards_[std::hash<std::string_view>{}(token_hash) % shards_.size()];
}

std::optional<http::Principal> AccessTokenCache::Find(std::string_view token_hash,
                                                      int64_t now_ms) {
  if (options_.capacity == 0) return std::nullopt;
  Shard& shard = ShardFor(token_hash);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.index.find(token_hash);
  if (it == shard.index.end()) return std::nullopt;
  const Entry& e = *it->second;
  if (e.expires_at_ms <= now_ms || now_ms - e.cached_at_ms >= options_.max_age.count() ||
      now_ms < e.cached_at_ms) {
    // Expired, too old to trust, or the clock went back: ask the database again.
    auto node = it->second;
    shard.index.erase(it);
    shard.lru.erase(node);
    return std::nullopt;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  return e.principal;
}

void AccessTokenCache::Insert(std::string_view token_hash, const http::Principal& principal,
                              int64_t token_expires_at_ms, int64_t now_ms, uint64_t generation) {
  if (token_expires_at_ms <= now_ms) return;
  Shard& shard = ShardFor(token_hash);
  if (shard.capacity == 0) return;
  std::lock_guard<std::mutex> lock(shard.mu);
  // Checked under the shard lock: an Erase* that advanced the generation after this check
  // walks this shard after the insert below, and removes it if it matches.
  if (generation_.load(std::memory_order_acquire) != generation) return;
  if (auto it = shard.index.find(token_hash); it != shard.index.end()) {
    auto node = it->second;
    shard.index.erase(it);
    shard.lru.erase(node);
  }
  while (shard.lru.size() >= shard.capacity) {
    shard.index.erase(shard.lru.back().token_hash);
    shard.lru.pop_back();
  }
  shard.lru.push_front(Entry{std::string(token_hash), principal, token_expires_at_ms, now_ms});
  shard.index.emplace(shard.lru.front().token_hash, shard.lru.begin());
}

template <typename Pred>
void AccessTokenCache::EraseIf(Pred pred) {
  generation_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mu);
    for (auto it = shard->lru.begin(); it != shard->lru.end();) {
      if (pred(*it)) {
        shard->index.erase(it->token_hash);
        it = shard->lru.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void AccessTokenCache::EraseSession(std::string_view session_id) {
  EraseIf([&](const Entry& e) { return e.principal.session_id == session_id; });
}

void AccessTokenCache::EraseUser(std::string_view user_id) {
  EraseIf([&](const Entry& e) { return e.principal.user_id == user_id; });
}

void AccessTokenCache::EraseExpired(int64_t now_ms) {
  EraseIf([&](const Entry& e) { return e.expires_at_ms <= now_ms; });
}

size_t AccessTokenCache::size() const {
  size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mu);
    n += shard->lru.size();
  }
  return n;
}

}  // namespace sonora::auth
