// Quality choice for the headless player (seed 000 §7 "Adaptive Quality"): pure functions, no I/O.
//
// A rendition's bitrate is what its files really weigh (bytes * 8 / duration, from the play
// response's manifest), not its nominal label, so a quiet track's 320 kbps rendition that
// averages 250 kbps is chosen at 500 kbps of measured throughput. The choice is capped by what
// the server offered (streaming_urls: the user's tier) and by the quality the user asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sonora::client {

// Seed 000 §7: "Select quality with 50% safety margin": use at most half the measured throughput.
inline constexpr double kSafetyMargin = 0.5;
// Weight of the newest sample in the throughput average (exponentially weighted).
inline constexpr double kThroughputEwmaAlpha = 0.5;

// One quality the server offered for a track.
struct RenditionOffer {
  std::string key;         // "96kbps", "160kbps", "320kbps"
  int nominal_kbps = 0;    // 96, 160, 320: the label, used for ordering and the user's cap
  double actual_kbps = 0;  // bytes * 8 / duration over all its files; 0 when unknown
};

// The bitrate of a rendition from its manifest: total bytes over total frames at sample_rate.
// 0 when frames or sample_rate is not positive.
double MeasuredKbps(int64_t total_bytes, int64_t total_frames, int sample_rate);

// The throughput the player may spend: measured * kSafetyMargin.
double SafeKbps(double measured_kbps);

struct AbrInput {
  std::vector<RenditionOffer> offers;   // any order; must not be empty
  std::optional<double> measured_kbps;  // nullopt before the first download
  int max_nominal_kbps = 0;             // the user's --quality cap; 0 means no cap
};

// The index into `offers` of the quality to fetch next:
//  - without a measurement: the lowest offered quality (start fast, then climb);
//  - otherwise the highest quality (by nominal kbps, within the cap) whose actual bitrate (the
//    nominal one when actual is 0) is <= SafeKbps(measured); the lowest when none fits.
// Returns -1 only when `offers` is empty.
int ChooseQuality(const AbrInput& input);

// The throughput estimate after a download: quick to fall, slow to rise. A sample below the
// estimate replaces it (a link that just got worse must not keep feeding 320 kbps chunks into a
// draining buffer); a higher one is averaged in (exponentially weighted), so one lucky burst
// does not climb the ladder. `previous` nullopt starts at `sample_kbps`.
double UpdateThroughput(std::optional<double> previous, double sample_kbps);

// "96kbps" -> 96; nullopt for anything else ("lossless", "96", "kbps").
std::optional<int> ParseKbpsKey(const std::string& key);

// The user's --quality: "low" 96, "normal" 160, "high"/"very_high" 320, or a key such as
// "160kbps"; nullopt when unknown. An empty string means no cap (0).
std::optional<int> ParseQualityCap(const std::string& quality);

}  // namespace sonora::client
