#include "catalog/podcast_service.h"

#include "core/ids.h"

namespace sonora::catalog {

Result<Show> PodcastService::GetShow(const std::string& show_id) {
  if (!IsWellFormedId(show_id)) return Status::NotFound("no such show");
  return repo_.GetShow(show_id);
}

Result<Paged<Episode>> PodcastService::GetShowEpisodes(const std::string& show_id, int64_t limit,
                                                       int64_t offset) {
  SONORA_ASSIGN_OR_RETURN(Show show, GetShow(show_id));
  Paged<Episode> page;
  SONORA_ASSIGN_OR_RETURN(page.items, repo_.GetShowEpisodes(show_id, limit, offset));
  page.total = show.total_episodes;
  page.limit = limit;
  page.offset = offset;
  return page;
}

Result<Episode> PodcastService::GetEpisode(const std::string& episode_id) {
  if (!IsWellFormedId(episode_id)) return Status::NotFound("no such episode");
  SONORA_ASSIGN_OR_RETURN(auto found, repo_.GetEpisodes({episode_id}));
  if (found.empty()) return Status::NotFound("no such episode");
  return std::move(found[0]);
}

}  // namespace sonora::catalog
