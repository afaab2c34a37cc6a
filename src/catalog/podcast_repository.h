// The only SQL for shows and episodes (migration 20261124043000). Reads are batched like the
// catalog's: a page of episodes is one query.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/podcast.h"
#include "core/result.h"
#include "store/database.h"

namespace sonora::catalog {

class PodcastRepository {
 public:
  explicit PodcastRepository(store::Database& db) : db_(db) {}

  // kNotFound when absent. total_episodes is filled in.
  Result<Show> GetShow(const std::string& show_id);
  // Batch reads in one query each; ids that don't exist are absent; no particular order.
  Result<std::vector<Show>> GetShows(const std::vector<std::string>& ids);
  Result<std::vector<Episode>> GetEpisodes(const std::vector<std::string>& ids);
  // A show's episodes newest first (release date, then episode number, then id), paged.
  Result<std::vector<Episode>> GetShowEpisodes(const std::string& show_id, int64_t limit,
                                               int64_t offset);
  // Ids of every episode of the show (the search indexer re-reads them when the show changes).
  Result<std::vector<std::string>> ShowEpisodeIds(const std::string& show_id);

  // Ingest's find-or-create, inside its write transaction: the show with these NameKeys.
  Result<std::optional<Show>> FindShowByKey(store::Session& s, const std::string& publisher_key,
                                            const std::string& title_key);
  // Reads inside a write transaction; nullopt when absent.
  Result<std::optional<Episode>> FindEpisode(store::Session& s, const std::string& episode_id);
  // Idempotent upserts keyed by id. UpsertShow stores NameKey(publisher) and NameKey(title).
  Status UpsertShow(store::Session& s, const Show& show);
  Status UpsertEpisode(store::Session& s, const Episode& episode);

 private:
  Result<std::vector<Show>> ShowsWhere(const std::string& where, const store::Params& params);
  Result<std::vector<Episode>> EpisodesWhere(store::Session* s, const std::string& where,
                                             const store::Params& params,
                                             const std::string& order_limit);
  store::Database& db_;
};

}  // namespace sonora::catalog
