// The access-token cache behind AuthService::Authenticate: keyed token hash -> the principal the
// token grants, so a request with a recently seen bearer token needs no database query.
//
// Bounds (docs/decisions/0005-accounts.md, "Access-token cache"):
//   - capacity: at most `capacity` entries; the least recently used goes first;
//   - expiry: an entry is never answered at or after its token's own expiry;
//   - age: an entry is never answered once `max_age` old, so a revocation made by another
//     process or node (which cannot reach this memory) takes effect within `max_age`.
// Revocations made through this process's AuthService erase the entries they affect at once
// (EraseSession, EraseUser). A lookup that read the database before such an erase must not put
// its now-stale row back: Insert takes the generation() read before the query and drops the
// row when any erase happened since.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/thread_annotations.h"
#include "http/request.h"

namespace sonora::auth {

struct TokenCacheOptions {
  // Most tokens remembered at once; 0 turns the cache off (every call reads the database).
  // Default: 100,000 (about 30 MB at the worst).
  size_t capacity = 100'000;
  // Longest an entry is trusted without reading the database again. Default: 5 s.
  std::chrono::milliseconds max_age{5000};
};

class AccessTokenCache {
 public:
  explicit AccessTokenCache(TokenCacheOptions options);

  // Read before the database lookup whose result will be passed to Insert.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // The principal cached for `token_hash`, if it is younger than max_age and its token has not
  // expired at `now_ms`; a stale entry is dropped. Thread-safe; never blocks on I/O.
  std::optional<http::Principal> Find(std::string_view token_hash, int64_t now_ms);

  // Remembers what the database said about `token_hash` at `now_ms`, unless an Erase* call
  // happened after `generation` was read or the token is already expired. Evicts the least
  // recently used entry of its shard when full. Thread-safe.
  void Insert(std::string_view token_hash, const http::Principal& principal,
              int64_t token_expires_at_ms, int64_t now_ms, uint64_t generation);

  // Drop every entry of one login session (logout, refresh-token reuse) or of one user (tier,
  // admin flag). Walk the whole cache: O(size), for rare events. Thread-safe.
  void EraseSession(std::string_view session_id);
  void EraseUser(std::string_view user_id);
  // Drops the entries whose token expired at or before `now_ms` (housekeeping). Thread-safe.
  void EraseExpired(int64_t now_ms);

  size_t size() const;
  size_t capacity() const { return options_.capacity; }

 private:
  struct Entry {
    std::string token_hash;
    http::Principal principal;
    int64_t expires_at_ms = 0;
    int64_t cached_at_ms = 0;
  };
  // One LRU list with its index; the index keys view the list nodes' token_hash.
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> lru SONORA_GUARDED_BY(mu);  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index SONORA_GUARDED_BY(mu);
    size_t capacity = 0;
  };

  Shard& ShardFor(std::string_view token_hash);
  template <typename Pred>
  void EraseIf(Pred pred);

  const TokenCacheOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Advanced by every Erase* (before it walks the shards).
  std::atomic<uint64_t> generation_{0};
};

}  // namespace sonora::auth
