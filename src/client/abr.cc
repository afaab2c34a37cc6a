#include "client/abr.h"

#include <charconv>

namespace sonora::client {

double MeasuredKbps(int64_t total_bytes, int64_t total_frames, int sample_rate) {
  if (total_frames <= 0 || sample_rate <= 0) return 0;
  const double seconds = static_cast<double>(total_frames) / sample_rate;
  return static_cast<double>(total_bytes) * 8.0 / 1000.0 / seconds;
}

double SafeKbps(double measured_kbps) { return measured_kbps * kSafetyMargin; }

int ChooseQuality(const AbrInput& input) {
  if (input.offers.empty()) return -1;
  int lowest = 0;
  for (int i = 1; i < static_cast<int>(input.offers.size()); ++i) {
    if (input.offers[i].nominal_kbps < input.offers[lowest].nominal_kbps) lowest = i;
  }
  if (!input.measured_kbps) return lowest;
  const double budget = SafeKbps(*input.measured_kbps);
  int best = -1;
  for (int i = 0; i < static_cast<int>(input.offers.size()); ++i) {
    const RenditionOffer& o = input.offers[i];
    if (input.max_nominal_kbps > 0 && o.nominal_kbps > input.max_nominal_kbps) continue;
    const double cost = o.actual_kbps > 0 ? o.actual_kbps : o.nominal_kbps;
    if (cost > budget) continue;
    if (best < 0 || o.nominal_kbps > input.offers[best].nominal_kbps) best = i;
  }
  return best < 0 ? lowest : best;
}

double UpdateThroughput(std::optional<double> previous, double sample_kbps) {
  if (!previous || sample_kbps < *previous) return sample_kbps;  // drops count at once
  return kThroughputEwmaAlpha * sample_kbps + (1.0 - kThroughputEwmaAlpha) * *previous;
}

std::optional<int> ParseKbpsKey(const std::string& key) {
  constexpr std::string_view kSuffix = "kbps";
  if (key.size() <= kSuffix.size() || !key.ends_with(kSuffix)) return std::nullopt;
  int value = 0;
  const char* end = key.data() + key.size() - kSuffix.size();
  auto [ptr, ec] = std::from_chars(key.data(), end, value);
  if (ec != std::errc() || ptr != end || value <= 0) return std::nullopt;
  return value;
}

std::optional<int> ParseQualityCap(const std::string& quality) {
  if (quality.empty()) return 0;
  if (quality == "low") return 96;
  if (quality == "normal") return 160;
  if (quality == "high" || quality == "very_high") return 320;
  return ParseKbpsKey(quality);
}

}  // namespace sonora::client
