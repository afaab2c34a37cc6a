// A map bounded to `capacity` entries that forgets its least recently used entry to make room.
// Not thread-safe: callers hold their own lock (every cache that uses it already has one).
// With a transparent `Hash` (core/string_map.h's StringHash for string keys), Find and Erase
// take any type the key compares with, such as a std::string_view.
//
// Caches used to empty themselves when full; under a skewed load that turns every request cold
// at once. Evicting one entry at a time keeps the popular ones.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace sonora {

template <typename K, typename V, typename Hash = std::hash<K>>
class LruMap {
 public:
  explicit LruMap(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}
  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  // The value, marked most recently used; nullptr when absent. The pointer stays valid until
  // the entry is erased or evicted.
  template <typename Q = K>
  V* Find(const Q& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // Inserts or replaces, marks it most recently used, and evicts the least recently used entry
  // when over capacity. Returns the stored value.
  V& Put(const K& key, V value) {
    if (V* existing = Find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return order_.front().second;
  }

  template <typename Q = K>
  bool Erase(const Q& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    order_.erase(it->second);
    index_.erase(it);
    return true;
  }

  void Clear() {
    index_.clear();
    order_.clear();
  }

  size_t size() const { return order_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  using Order = std::list<std::pair<K, V>>;  // most recently used first
  size_t capacity_;
  Order order_;
  std::unordered_map<K, typename Order::iterator, Hash, std::equal_to<>> index_;
};

}  // namespace sonora
