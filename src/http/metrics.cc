#include "http/metrics.h"

#include "core/strings.h"

namespace sonora::http {

void ActionStats::Record(int http_status, double seconds) {
  size_t idx = kCodes.size();
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i] == http_status) {
      idx = i;
      break;
    }
  }
  by_code_[idx].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kLatencyBucketsSeconds.size() && seconds > kLatencyBucketsSeconds[b]) ++b;
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

ActionStats& Metrics::ForAction(const std::string& action) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& a : actions_)
    if (a.action() == action) return a;
  return actions_.emplace_back(action);
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP sonora_http_requests_total HTTP requests by route action and status.\n";
  out += "# TYPE sonora_http_requests_total counter\n";
  for (const auto& a : actions_) {
    for (size_t i = 0; i <= ActionStats::kCodes.size(); ++i) {
      uint64_t n = a.by_code_[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string code = i < ActionStats::kCodes.size() ? std::to_string(ActionStats::kCodes[i])
                                                        : std::string("other");
      out += "sonora_http_requests_total{action=\"" + a.action() + "\",code=\"" + code +
             "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP sonora_http_request_duration_seconds Time from routing to response.\n";
  out += "# TYPE sonora_http_request_duration_seconds histogram\n";
  for (const auto& a : actions_) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kLatencyBucketsSeconds.size(); ++b) {
      cumulative += a.buckets_[b].load(std::memory_order_relaxed);
      std::string le = b < kLatencyBucketsSeconds.size() ? FormatDouble(kLatencyBucketsSeconds[b])
                                                          : std::string("+Inf");
      out += "sonora_http_request_duration_seconds_bucket{action=\"" + a.action() + "\",le=\"" +
             le + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "sonora_http_request_duration_seconds_sum{action=\"" + a.action() + "\"} " +
           FormatDouble(static_cast<double>(a.sum_micros_.load()) / 1e6) + "\n";
    out += "sonora_http_request_duration_seconds_count{action=\"" + a.action() + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += "# HELP sonora_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE sonora_http_requests_in_flight gauge\n";
  out += "sonora_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
  out += "# HELP sonora_http_connections_total Connections accepted.\n";
  out += "# TYPE sonora_http_connections_total counter\n";
  out += "sonora_http_connections_total " + std::to_string(connections_total_.load()) + "\n";
  for (const auto& g : gauges_) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n" + g.name + " " +
           FormatDouble(g.read()) + "\n";
  }
  return out;
}

}  // namespace sonora::http
