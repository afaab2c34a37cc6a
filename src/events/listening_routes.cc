#include "events/listening_routes.h"

#include <charconv>
#include <unordered_map>

#include "catalog/catalog_json.h"
#include "core/ids.h"
#include "core/time_format.h"

namespace sonora::events {

using http::Method;
using http::Request;
using http::Response;

namespace {

inline constexpr int64_t kMaxStatsDays = 90;

Result<int64_t> Limit(const Request& req) {
  SONORA_ASSIGN_OR_RETURN(auto limit, http::QueryInt(req, "limit", 1, http::kMaxPageLimit));
  return limit.value_or(http::kDefaultPageLimit);
}

// History cursors are "<started_at_ms>.<session_id>": opaque to clients, stable across pages.
std::string EncodeCursor(const Listen& l) {
  return std::to_string(l.started_at_ms) + "." + l.session_id;
}

Result<std::optional<HistoryCursor>> DecodeCursor(const Request& req) {
  auto raw = req.QueryParam("before");
  if (!raw) return std::optional<HistoryCursor>();
  const auto dot = raw->find('.');
  HistoryCursor c;
  if (dot == std::string_view::npos) return Status::InvalidArgument("before", "malformed cursor");
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + dot, c.started_at_ms);
  c.session_id = std::string(raw->substr(dot + 1));
  if (ec != std::errc() || end != raw->data() + dot || c.started_at_ms < 0 ||
      !IsWellFormedId(c.session_id)) {
    return Status::InvalidArgument("before", "malformed cursor");
  }
  return std::optional<HistoryCursor>(std::move(c));
}

Json ContextJson(const std::string& uri) {
  if (uri.empty()) return nullptr;
  std::string type = uri.rfind("sonora:album:", 0) == 0      ? "album"
                     : uri.rfind("sonora:playlist:", 0) == 0 ? "playlist"
                     : uri.rfind("sonora:artist:", 0) == 0   ? "artist"
                                                             : "other";
  return {{"type", type}, {"uri", uri}};
}

// The catalog's JSON for `ids`, by id; deleted tracks are simply absent.
Result<std::unordered_map<std::string, Json>> TracksById(catalog::CatalogService& catalog,
                                                         const std::vector<std::string>& ids,
                                                         const std::string& market) {
  std::unordered_map<std::string, Json> out;
  if (ids.empty()) return out;
  SONORA_ASSIGN_OR_RETURN(auto tracks, catalog.GetTracks(ids));
  for (const auto& t : tracks) {
    if (t) out.emplace(t->track_id, catalog::TrackJson(*t, market));
  }
  return out;
}

std::string DayString(int64_t day) {
  return FormatIso8601Millis(day * kDayMs).substr(0, 10);  // YYYY-MM-DD
}

}  // namespace

void AddListeningRoutes(http::Router& router, ListeningDeps d) {
  router.Add(Method::kGet, "/api/v1/me/player", "me:player", {},
             [d](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(auto state, d.events.GetState(req.user().user_id));
               if (!state) return Response::NoContent();
               return Response::Json(200, {{"session_id", state->session_id},
                                           {"position_ms", state->position_ms},
                                           {"is_playing", state->is_playing},
                                           {"volume", state->volume},
                                           {"updated_at", FormatIso8601Millis(state->updated_at_ms)}});
             });

  router.Add(
      Method::kGet, "/api/v1/me/player/history", "me:history",
      {.query = {"limit", "before", "market"}}, [d](Request& req) -> Result<Response> {
        SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
        SONORA_ASSIGN_OR_RETURN(int64_t limit, Limit(req));
        SONORA_ASSIGN_OR_RETURN(auto before, DecodeCursor(req));
        SONORA_ASSIGN_OR_RETURN(auto listens,
                                d.listening.History(req.user().user_id, limit, before));
        std::vector<std::string> ids;
        for (const auto& l : listens) ids.push_back(l.track_id);
        SONORA_ASSIGN_OR_RETURN(auto tracks, TracksById(d.catalog, ids, market));
        Json items = Json::array();
        for (const auto& l : listens) {
          auto t = tracks.find(l.track_id);
          items.push_back({{"track", t == tracks.end() ? Json(nullptr) : t->second},
                           {"started_at", FormatIso8601Millis(l.started_at_ms)},
                           {"duration_played_ms", l.duration_played_ms},
                           {"completed", l.completed},
                           {"skipped", l.skipped},
                           {"counted_as_play", l.counted},
                           {"context", ContextJson(l.context_uri)},
                           {"device_id", l.device_id},
                           {"quality", l.quality},
                           {"playback_session_id", l.session_id}});
        }
        Json next = nullptr, cursor = nullptr;
        if (static_cast<int64_t>(listens.size()) == limit) {
          cursor = EncodeCursor(listens.back());
          next = "/api/v1/me/player/history?limit=" + std::to_string(limit) +
                 "&before=" + cursor.get<std::string>();
        }
        return Response::Json(200, {{"items", std::move(items)},
                                    {"limit", limit},
                                    {"cursors", {{"before", cursor}}},
                                    {"next", next}});
      });

  router.Add(
      Method::kGet, "/api/v1/me/player/recently-played", "me:recently_played",
      {.query = {"limit", "before", "after", "market"}}, [d](Request& req) -> Result<Response> {
        SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
        SONORA_ASSIGN_OR_RETURN(int64_t limit, Limit(req));
        SONORA_ASSIGN_OR_RETURN(auto before, http::QueryInt(req, "before", 0, INT64_MAX));
        SONORA_ASSIGN_OR_RETURN(auto after, http::QueryInt(req, "after", 0, INT64_MAX));
        if (before && after) {
          return Status::InvalidArgument("before", "give 'before' or 'after', not both");
        }
        SONORA_ASSIGN_OR_RETURN(auto plays,
                                d.listening.RecentlyPlayed(req.user().user_id,
                                                           d.clock.NowMillis(), limit, before,
                                                           after));
        std::vector<std::string> ids;
        for (const auto& p : plays) ids.push_back(p.track_id);
        SONORA_ASSIGN_OR_RETURN(auto tracks, TracksById(d.catalog, ids, market));
        Json items = Json::array();
        for (const auto& p : plays) {
          auto t = tracks.find(p.track_id);
          if (t == tracks.end()) continue;  // removed from the catalog since
          items.push_back({{"track", t->second},
                           {"played_at", FormatIso8601Millis(p.played_at_ms)},
                           {"context", ContextJson(p.context_uri)}});
        }
        Json cursors = nullptr, next = nullptr;
        if (!plays.empty()) {
          cursors = {{"after", std::to_string(plays.front().played_at_ms)},
                     {"before", std::to_string(plays.back().played_at_ms)}};
        }
        if (static_cast<int64_t>(plays.size()) == limit) {
          next = "/api/v1/me/player/recently-played?limit=" + std::to_string(limit) +
                 "&before=" + std::to_string(plays.back().played_at_ms);
        }
        return Response::Json(200, {{"items", std::move(items)},
                                    {"limit", limit},
                                    {"cursors", cursors},
                                    {"next", next}});
      });

  router.Add(Method::kGet, "/api/v1/tracks/{id}/stats", "tracks:stats", {.query = {"days"}},
             [d](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(auto days, http::QueryInt(req, "days", 1, kMaxStatsDays));
               SONORA_ASSIGN_OR_RETURN(catalog::Track track,
                                       d.catalog.GetTrack(std::string(req.PathParam("id"))));
               const int64_t today = d.clock.NowMillis() / kDayMs;
               SONORA_ASSIGN_OR_RETURN(
                   auto daily,
                   d.listening.TrackDaily(track.track_id, today - days.value_or(7) + 1, today));
               Json items = Json::array();
               int64_t total = 0;
               for (const auto& s : daily) {
                 total += s.plays;
                 items.push_back({{"date", DayString(s.day)},
                                  {"plays", s.plays},
                                  {"unique_listeners", s.unique_listeners}});
               }
               return Response::Json(200, {{"track_id", track.track_id},
                                           {"play_threshold_ms", kPlayThresholdMs},
                                           {"total_plays", total},
                                           {"daily", std::move(items)}});
             });

  router.Add(Method::kGet, "/api/v1/artists/{id}/stats", "artists:stats", {},
             [d](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(catalog::Artist artist,
                                       d.catalog.GetArtist(std::string(req.PathParam("id"))));
               SONORA_ASSIGN_OR_RETURN(
                   int64_t listeners,
                   d.listening.MonthlyListeners(artist.artist_id, d.clock.NowMillis()));
               return Response::Json(200, {{"artist_id", artist.artist_id},
                                           {"monthly_listeners", listeners},
                                           {"window_days", kMonthlyListenerWindowDays}});
             });

  router.Add(Method::kGet, "/api/v1/artists/{id}/top-tracks", "artists:top_tracks",
             {.query = {"market"}}, [d](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(catalog::Artist artist,
                                       d.catalog.GetArtist(std::string(req.PathParam("id"))));
               SONORA_ASSIGN_OR_RETURN(auto ids,
                                       d.listening.TopTracks(artist.artist_id, d.clock.NowMillis()));
               SONORA_ASSIGN_OR_RETURN(auto tracks, TracksById(d.catalog, ids, market));
               Json items = Json::array();
               for (const auto& id : ids) {
                 auto t = tracks.find(id);
                 if (t != tracks.end()) items.push_back(t->second);
               }
               return Response::Json(200, {{"tracks", std::move(items)}});
             });
}

}  // namespace sonora::events
