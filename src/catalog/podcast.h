// Podcast models (PRODUCT.md C13; docs/decisions/0015-podcasts.md): shows and their episodes.
// Plain data, no I/O. Episodes are not tracks: they live in their own tables and never appear
// in albums, artists, recommendations or track search.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sonora::catalog {

struct Show {
  std::string show_id;
  std::string title;
  std::string publisher;
  std::string description;
  std::string language;  // BCP 47 tag as tagged ("en", "en-US"); "" unknown
  bool explicit_content = false;
  std::optional<std::string> artwork_id;
  std::vector<std::string> genres;
  std::vector<std::string> available_countries;  // empty: everywhere
  int64_t created_at_ms = 0;
  int64_t total_episodes = 0;  // counted on read; ignored by writes
};

struct ShowRef {
  std::string show_id;
  std::string title;
  std::string publisher;
  std::optional<std::string> artwork_id;
  std::vector<std::string> available_countries;
};

struct Episode {
  std::string episode_id;
  ShowRef show;
  std::string title;
  std::string description;
  std::string release_date;  // "YYYY-MM-DD", "YYYY-MM", "YYYY" or ""
  int64_t duration_ms = 0;
  bool explicit_content = false;
  int episode_number = 0;                        // 0: untagged
  std::vector<std::string> available_countries;  // empty: the show's markets apply
  int64_t created_at_ms = 0;
};

// Where an episode is available: its own list when it has one, else its show's (empty:
// everywhere).
std::vector<std::string> EpisodeMarkets(const Episode& e);
// EpisodeMarkets(e) admits `country` (empty country: no market filter).
bool EpisodeAvailableIn(const Episode& e, std::string_view country);

}  // namespace sonora::catalog
