// Podcast reads for the API: a show, its episodes newest first, an episode. Market rules are
// applied by the caller's JSON (is_playable), as for tracks (docs/decisions/0004-catalog.md).
#pragma once

#include <string>

#include "catalog/catalog_service.h"
#include "catalog/podcast.h"
#include "catalog/podcast_repository.h"
#include "core/result.h"

namespace sonora::catalog {

class PodcastService {
 public:
  explicit PodcastService(PodcastRepository& repo) : repo_(repo) {}

  // kNotFound when the show is absent or the id is malformed. Blocks on the database.
  Result<Show> GetShow(const std::string& show_id);
  // The show's episodes, newest first; total is the show's episode count.
  // kNotFound when the show is absent. `limit` and `offset` are already validated.
  Result<Paged<Episode>> GetShowEpisodes(const std::string& show_id, int64_t limit, int64_t offset);
  // kNotFound when the episode is absent or the id is malformed.
  Result<Episode> GetEpisode(const std::string& episode_id);

 private:
  PodcastRepository& repo_;
};

}  // namespace sonora::catalog
