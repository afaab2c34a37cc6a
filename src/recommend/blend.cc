#include "recommend/blend.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <unordered_map>

namespace sonora::recommend {

namespace {
double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }
}  // namespace

double BlendScore(const BlendSignals& s) {
  const double popularity = std::min(std::clamp(s.popularity, 0, 100) / 100.0, kPopularityCap);
  return kWeightContent * Clamp01(s.content) + kWeightCollaborative * Clamp01(s.collaborative) +
         kWeightPopularity * popularity + kWeightFreshness * Clamp01(s.freshness);
}

double FreshnessScore(int64_t release_ms, int64_t now_ms) {
  if (release_ms < 0) return 0;
  const double days = static_cast<double>(now_ms - release_ms) / 86'400'000.0;
  if (days < 0) return 1;
  if (days >= kFreshnessDays) return 0;
  return (kFreshnessDays - days) / kFreshnessDays;
}

int64_t ReleaseDateMillis(const std::string& date) {
  int y = 0;
  unsigned m = 1, d = 1;
  if (date.size() == 10) {
    if (std::sscanf(date.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return -1;
  } else if (date.size() == 7) {
    if (std::sscanf(date.c_str(), "%4d-%2u", &y, &m) != 2) return -1;
  } else if (date.size() == 4) {
    if (std::sscanf(date.c_str(), "%4d", &y) != 1) return -1;
  } else {
    return -1;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return -1;
  const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return static_cast<int64_t>(days) * 86'400'000;
}

PoolSplit SplitPool(int pool) {
  PoolSplit s;
  s.collaborative = static_cast<int>(pool * kPoolShareCollaborative + 0.5);
  s.content = static_cast<int>(pool * kPoolShareContent + 0.5);
  s.model = std::max(0, pool - s.collaborative - s.content);
  return s;
}

std::vector<int32_t> DiversifyByGenre(const std::vector<int32_t>& ranked,
                                      const std::vector<std::string>& genre_of, int max_per_genre,
                                      size_t want) {
  std::vector<int32_t> out, skipped;
  std::unordered_map<std::string, int> per_genre;
  for (int32_t i : ranked) {
    if (out.size() >= want) break;
    const std::string& g = genre_of[static_cast<size_t>(i)];
    if (!g.empty() && per_genre[g] >= max_per_genre) {
      skipped.push_back(i);
      continue;
    }
    if (!g.empty()) ++per_genre[g];
    out.push_back(i);
  }
  for (int32_t i : skipped) {
    if (out.size() >= want) break;
    out.push_back(i);
  }
  return out;
}

}  // namespace sonora::recommend
