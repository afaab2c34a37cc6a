#include "catalog/podcast_repository.h"

#include "catalog/catalog.h"
#include "catalog/list_column.h"

namespace sonora::catalog {

namespace {

// total_episodes comes from a correlated count: shows are read one page at a time, and the
// episodes index (show_id, ...) answers each count from the index alone.
constexpr std::string_view kShowSelect =
    "SELECT s.show_id, s.title, s.publisher, s.description, s.language, s.explicit, "
    "s.artwork_id, s.genres, s.available_countries, s.created_at_ms, "
    "(SELECT COUNT(*) FROM episodes e WHERE e.show_id = s.show_id) FROM shows s ";

Show ShowFromRow(const store::Row& r) {
  Show s;
  s.show_id = r.GetString(0);
  s.title = r.GetString(1);
  s.publisher = r.GetString(2);
  s.description = r.GetString(3);
  s.language = r.GetString(4);
  s.explicit_content = r.GetBool(5);
  s.artwork_id = r.GetOptionalString(6);
  s.genres = ListFromColumn(r.GetString(7));
  s.available_countries = ListFromColumn(r.GetString(8));
  s.created_at_ms = r.GetInt(9);
  s.total_episodes = r.GetInt(10);
  return s;
}

constexpr std::string_view kEpisodeSelect =
    "SELECT e.episode_id, e.title, e.description, e.release_date, e.duration_ms, e.explicit, "
    "e.episode_number, e.available_countries, e.created_at_ms, s.show_id, s.title, s.publisher, "
    "s.artwork_id, s.available_countries FROM episodes e JOIN shows s ON s.show_id = e.show_id ";

Episode EpisodeFromRow(const store::Row& r) {
  Episode e;
  e.episode_id = r.GetString(0);
  e.title = r.GetString(1);
  e.description = r.GetString(2);
  e.release_date = r.GetString(3);
  e.duration_ms = r.GetInt(4);
  e.explicit_content = r.GetBool(5);
  e.episode_number = static_cast<int>(r.GetInt(6));
  e.available_countries = ListFromColumn(r.GetString(7));
  e.created_at_ms = r.GetInt(8);
  e.show.show_id = r.GetString(9);
  e.show.title = r.GetString(10);
  e.show.publisher = r.GetString(11);
  e.show.artwork_id = r.GetOptionalString(12);
  e.show.available_countries = ListFromColumn(r.GetString(13));
  return e;
}

}  // namespace

std::vector<std::string> EpisodeMarkets(const Episode& e) {
  return e.available_countries.empty() ? e.show.available_countries : e.available_countries;
}

bool EpisodeAvailableIn(const Episode& e, std::string_view country) {
  return AvailableIn(EpisodeMarkets(e), country);
}

Result<std::vector<Show>> PodcastRepository::ShowsWhere(const std::string& where,
                                                        const store::Params& params) {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(std::string(kShowSelect) + where, params));
  std::vector<Show> out;
  out.reserve(res.rows.size());
  for (const auto& r : res.rows) out.push_back(ShowFromRow(r));
  return out;
}

Result<std::vector<Episode>> PodcastRepository::EpisodesWhere(store::Session* s,
                                                              const std::string& where,
                                                              const store::Params& params,
                                                              const std::string& order_limit) {
  const std::string sql = std::string(kEpisodeSelect) + where + order_limit;
  SONORA_ASSIGN_OR_RETURN(auto res, s ? s->Query(sql, params) : db_.Query(sql, params));
  std::vector<Episode> out;
  out.reserve(res.rows.size());
  for (const auto& r : res.rows) out.push_back(EpisodeFromRow(r));
  return out;
}

Result<Show> PodcastRepository::GetShow(const std::string& show_id) {
  SONORA_ASSIGN_OR_RETURN(auto shows, ShowsWhere("WHERE s.show_id = ?", {show_id}));
  if (shows.empty()) return Status::NotFound("no such show");
  return std::move(shows[0]);
}

Result<std::vector<Show>> PodcastRepository::GetShows(const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Show>();
  store::Params params(ids.begin(), ids.end());
  return ShowsWhere("WHERE s.show_id IN " + store::InList(ids.size()), params);
}

Result<std::vector<Episode>> PodcastRepository::GetEpisodes(const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Episode>();
  store::Params params(ids.begin(), ids.end());
  return EpisodesWhere(nullptr, "WHERE e.episode_id IN " + store::InList(ids.size()), params, "");
}

Result<std::vector<Episode>> PodcastRepository::GetShowEpisodes(const std::string& show_id,
                                                                int64_t limit, int64_t offset) {
  return EpisodesWhere(nullptr, "WHERE e.show_id = ? ", {show_id, limit, offset},
                       "ORDER BY e.release_date DESC, e.episode_number DESC, e.episode_id DESC "
                       "LIMIT ? OFFSET ?");
}

Result<std::vector<std::string>> PodcastRepository::ShowEpisodeIds(const std::string& show_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT episode_id FROM episodes WHERE show_id = ?", {show_id}));
  std::vector<std::string> ids;
  ids.reserve(res.rows.size());
  for (const auto& r : res.rows) ids.push_back(r.GetString(0));
  return ids;
}

Result<std::optional<Show>> PodcastRepository::FindShowByKey(store::Session& s,
                                                             const std::string& publisher_key,
                                                             const std::string& title_key) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, s.Query(std::string(kShowSelect) + "WHERE s.publisher_key = ? AND s.title_key = ? "
                                                   "ORDER BY s.created_at_ms, s.show_id LIMIT 1",
                        {publisher_key, title_key}));
  if (res.rows.empty()) return std::optional<Show>();
  return std::optional<Show>(ShowFromRow(res.rows[0]));
}

Result<std::optional<Episode>> PodcastRepository::FindEpisode(store::Session& s,
                                                              const std::string& episode_id) {
  SONORA_ASSIGN_OR_RETURN(auto found,
                          EpisodesWhere(&s, "WHERE e.episode_id = ?", {episode_id}, ""));
  if (found.empty()) return std::optional<Episode>();
  return std::optional<Episode>(std::move(found[0]));
}

Status PodcastRepository::UpsertShow(store::Session& s, const Show& show) {
  return s
      .Query(
          "INSERT INTO shows (show_id, title, publisher, description, language, explicit, "
          "artwork_id, genres, available_countries, created_at_ms, publisher_key, title_key) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (show_id) DO UPDATE SET title = excluded.title, "
          "publisher = excluded.publisher, description = excluded.description, "
          "language = excluded.language, explicit = excluded.explicit, "
          "artwork_id = excluded.artwork_id, genres = excluded.genres, "
          "available_countries = excluded.available_countries, "
          "publisher_key = excluded.publisher_key, title_key = excluded.title_key",
          {show.show_id, show.title, show.publisher, show.description, show.language,
           show.explicit_content, show.artwork_id, ListColumn(show.genres),
           ListColumn(show.available_countries), show.created_at_ms, NameKey(show.publisher),
           NameKey(show.title)})
      .status();
}

Status PodcastRepository::UpsertEpisode(store::Session& s, const Episode& e) {
  return s
      .Query(
          "INSERT INTO episodes (episode_id, show_id, title, description, release_date, "
          "duration_ms, explicit, episode_number, available_countries, created_at_ms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (episode_id) DO UPDATE SET show_id = excluded.show_id, "
          "title = excluded.title, description = excluded.description, "
          "release_date = excluded.release_date, duration_ms = excluded.duration_ms, "
          "explicit = excluded.explicit, episode_number = excluded.episode_number, "
          "available_countries = excluded.available_countries",
          {e.episode_id, e.show.show_id, e.title, e.description, e.release_date, e.duration_ms,
           e.explicit_content, e.episode_number, ListColumn(e.available_countries),
           e.created_at_ms})
      .status();
}

}  // namespace sonora::catalog
