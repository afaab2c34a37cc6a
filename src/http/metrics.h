// Prometheus metrics for the HTTP layer: per-action request counts by status and latency
// histograms, requests in flight, plus gauges other modules register (database pool).
// Recording is lock-free (atomics per route); only registration and rendering take a lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace sonora::http {

inline constexpr std::array<double, 12> kLatencyBucketsSeconds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

class ActionStats {
 public:
  explicit ActionStats(std::string action) : action_(std::move(action)) {}
  void Record(int http_status, double seconds);
  const std::string& action() const { return action_; }

 private:
  friend class Metrics;
  static constexpr std::array<int, 20> kCodes = {200, 201, 202, 204, 206, 301, 304, 400, 401, 403,
                                                 404, 405, 409, 412, 413, 416, 428, 429, 500, 503};
  std::string action_;
  std::array<std::atomic<uint64_t>, kCodes.size() + 1> by_code_{};  // last: other codes
  std::array<std::atomic<uint64_t>, kLatencyBucketsSeconds.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  // Returns stable storage for an action's counters; called at route registration.
  ActionStats& ForAction(const std::string& action);
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  std::atomic<int64_t>& in_flight() { return in_flight_; }
  std::atomic<uint64_t>& connections_total() { return connections_total_; }

  // The Prometheus text exposition format, version 0.0.4.
  std::string Render() const;

 private:
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::deque<ActionStats> actions_;  // deque: stable addresses
  std::vector<Gauge> gauges_;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<uint64_t> connections_total_{0};
};

}  // namespace sonora::http
