#include "catalog/podcast_json.h"

#include "catalog/catalog.h"
#include "catalog/catalog_json.h"

namespace sonora::catalog {

Json ShowJson(const Show& s, std::string_view market) {
  Json languages = Json::array();
  if (!s.language.empty()) languages.push_back(s.language);
  Json j = {{"id", s.show_id},
            {"type", "show"},
            {"name", s.title},
            {"publisher", s.publisher},
            {"description", s.description},
            {"languages", std::move(languages)},
            {"explicit", s.explicit_content},
            {"images", ArtworkImagesJson(s.artwork_id)},
            {"total_episodes", s.total_episodes},
            {"media_type", "audio"},
            {"genres", s.genres},
            {"available_countries", s.available_countries}};
  if (!market.empty()) j["is_playable"] = AvailableIn(s.available_countries, market);
  return j;
}

Json EpisodeJson(const Episode& e, std::string_view market) {
  Json j = {
      {"id", e.episode_id},
      {"type", "episode"},
      {"name", e.title},
      {"description", e.description},
      {"duration_ms", e.duration_ms},
      {"release_date", e.release_date},
      {"explicit", e.explicit_content},
      {"episode_number", e.episode_number},
      {"images", ArtworkImagesJson(e.show.artwork_id)},
      {"show", {{"id", e.show.show_id}, {"name", e.show.title}, {"publisher", e.show.publisher}}},
      {"available_countries", e.available_countries}};
  if (!market.empty()) j["is_playable"] = EpisodeAvailableIn(e, market);
  return j;
}

}  // namespace sonora::catalog
