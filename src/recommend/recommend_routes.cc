#include "recommend/recommend_routes.h"

#include <cctype>

#include "catalog/catalog_json.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "http/request.h"

namespace sonora::recommend {

using http::Method;
using http::Request;
using http::Response;

namespace {

// Route table (docs/api/routes.md):
//   GET /api/v1/recommendations   recommendations:get   seed_tracks seed_artists seed_genres
//                                                      limit market
//   GET /api/v1/playlists/discover-weekly  discover_weekly:get  market
//   GET /api/v1/artists/{id}/related-artists  artists:related  (no parameters)
//   GET /api/v1/radio                      radio:get            seed_track limit offset market
//   GET /api/v1/me/daily-mixes             daily_mixes:get      market
//   GET /api/v1/playlists/release-radar    release_radar:get    market

// A comma-separated seed list; absent or empty is no seeds. Empty pieces ("a,,b") fail.
Result<std::vector<std::string>> SeedList(const Request& req, const char* name) {
  auto raw = req.QueryParam(name);
  if (!raw || raw->empty()) return std::vector<std::string>();
  std::vector<std::string> out = Split(*raw, ',');
  if (out.size() > kMaxSeeds) {
    return Status::InvalidArgument(name, "at most " + std::to_string(kMaxSeeds) + " seeds");
  }
  return out;
}

bool WellFormedGenre(std::string_view g) {
  if (g.empty() || g.size() > 64) return false;
  for (char c : g) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != ' ' && c != '-' && c != '&' && c != '_') return false;
  }
  return true;
}

Result<Seeds> ParseSeeds(const Request& req) {
  Seeds seeds;
  SONORA_ASSIGN_OR_RETURN(seeds.tracks, SeedList(req, "seed_tracks"));
  SONORA_ASSIGN_OR_RETURN(seeds.artists, SeedList(req, "seed_artists"));
  SONORA_ASSIGN_OR_RETURN(seeds.genres, SeedList(req, "seed_genres"));
  for (const auto& id : seeds.tracks) {
    if (!IsWellFormedId(id)) return Status::InvalidArgument("seed_tracks", "malformed track id");
  }
  for (const auto& id : seeds.artists) {
    if (!IsWellFormedId(id)) return Status::InvalidArgument("seed_artists", "malformed artist id");
  }
  for (const auto& g : seeds.genres) {
    if (!WellFormedGenre(g)) return Status::InvalidArgument("seed_genres", "malformed genre");
  }
  if (seeds.size() < 1 || seeds.size() > kMaxSeeds) {
    return Status::InvalidArgument("seed_tracks", "give 1 to " + std::to_string(kMaxSeeds) +
                                                      " seeds in total across seed_tracks, "
                                                      "seed_artists and seed_genres");
  }
  return seeds;
}

Json SeedsJson(const Seeds& seeds) {
  Json out = Json::array();
  for (const auto& id : seeds.tracks) out.push_back({{"type", "track"}, {"id", id}});
  for (const auto& id : seeds.artists) out.push_back({{"type", "artist"}, {"id", id}});
  for (const auto& g : seeds.genres) out.push_back({{"type", "genre"}, {"id", g}});
  return out;
}

// A stored list in the seed's Discover Weekly shape. Tracks new to the listener carry
// "is_new": true when `mark_new` (Daily Mix).
Json GeneratedJson(const GeneratedPlaylist& p, const std::string& playlist_id,
                   const std::string& market, bool mark_new) {
  Json tracks = Json::array();
  for (const auto& t : p.tracks) {
    Json j = catalog::TrackJson(t, market);
    if (mark_new) j["is_new"] = p.new_tracks.count(t.track_id) > 0;
    tracks.push_back(std::move(j));
  }
  return {{"playlist_id", playlist_id},
          {"name", p.name},
          {"description", p.description},
          {"tracks", std::move(tracks)},
          {"generated_at", FormatIso8601(FromMillis(p.generated_at_ms))},
          {"expires_at", FormatIso8601(FromMillis(p.expires_at_ms))}};
}

// A family of one list (Discover Weekly, Release Radar) in the seed's Discover Weekly shape,
// with playlist_id "auto_<family>_<user>". The list is generated for the caller's own country
// and stored for its period; ?market= only sets is_playable on the tracks.
void AddSingleListRoute(http::Router& router, const char* path, const char* name,
                        PlaylistFamily& family) {
  router.Add(
      Method::kGet, path, name, {.query = {"market"}}, [&family](Request& req) -> Result<Response> {
        SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
        const http::Principal& user = req.user();
        SONORA_ASSIGN_OR_RETURN(GeneratedPlaylist p, family.Get(user.user_id, user.country));
        return Response::Json(
            200, GeneratedJson(p, "auto_" + std::string(family.family()) + "_" + user.user_id,
                               market, false));
      });
}

}  // namespace

void AddRecommendRoutes(http::Router& router, RecommendationService& service,
                        const ScheduledPlaylists& generated) {
  router.Add(
      Method::kGet, "/api/v1/recommendations", "recommendations:get",
      {.query = {"seed_tracks", "seed_artists", "seed_genres", "limit", "market"}},
      [&service](Request& req) -> Result<Response> {
        SONORA_ASSIGN_OR_RETURN(Seeds seeds, ParseSeeds(req));
        SONORA_ASSIGN_OR_RETURN(auto limit,
                                http::QueryInt(req, "limit", 1, kMaxRecommendationLimit));
        SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
        SONORA_ASSIGN_OR_RETURN(auto recs, service.Recommend(req.user().user_id, seeds, market,
                                                             static_cast<int>(limit.value_or(20))));
        Json tracks = Json::array();
        for (const auto& r : recs) {
          Json j = catalog::TrackJson(r.track, market);
          j["match_score"] = r.match_score;
          j["reason"] = r.reason;
          tracks.push_back(std::move(j));
        }
        return Response::Json(200, {{"tracks", std::move(tracks)}, {"seeds", SeedsJson(seeds)}});
      });

  AddSingleListRoute(router, "/api/v1/playlists/discover-weekly", "discover_weekly:get",
                     generated.discover_weekly);
  // Up to 6 mixes for today, biggest first; the lists are generated for the caller's own
  // country and kept for the UTC day; ?market= only sets is_playable.
  router.Add(Method::kGet, "/api/v1/me/daily-mixes", "daily_mixes:get", {.query = {"market"}},
             [&mixes = generated.daily_mixes](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               const http::Principal& user = req.user();
               SONORA_ASSIGN_OR_RETURN(auto lists, mixes.GetAll(user.user_id, user.country));
               Json out = Json::array();
               int64_t generated_at = 0, expires_at = 0;
               for (size_t i = 0; i < lists.size(); ++i) {
                 out.push_back(GeneratedJson(
                     lists[i], "auto_daily_mix_" + std::to_string(i + 1) + "_" + user.user_id,
                     market, true));
                 generated_at = lists[i].generated_at_ms;
                 expires_at = lists[i].expires_at_ms;
               }
               Json body = {{"mixes", std::move(out)}};
               if (!lists.empty()) {
                 body["generated_at"] = FormatIso8601(FromMillis(generated_at));
                 body["expires_at"] = FormatIso8601(FromMillis(expires_at));
               }
               return Response::Json(200, std::move(body));
             });

  AddSingleListRoute(router, "/api/v1/playlists/release-radar", "release_radar:get",
                     generated.release_radar);

  // Spotify's shape: {"artists": [...]}, 20 at most, no parameters.
  router.Add(Method::kGet, "/api/v1/artists/{id}/related-artists", "artists:related", {},
             [&service](Request& req) -> Result<Response> {
               const std::string id(req.PathParam("id"));
               if (!IsWellFormedId(id)) return Status::NotFound("no such artist");
               SONORA_ASSIGN_OR_RETURN(auto related, service.RelatedArtists(id, 20));
               Json artists = Json::array();
               for (const auto& a : related) artists.push_back(catalog::ArtistJson(a));
               return Response::Json(200, {{"artists", std::move(artists)}});
             });

  // An endless station: page `offset` of the cycle, wrapping around at its end, with `next`
  // always set.
  router.Add(
      Method::kGet, "/api/v1/radio", "radio:get",
      {.query = {"seed_track", "limit", "offset", "market"}},
      [&service](Request& req) -> Result<Response> {
        auto seed = req.QueryParam("seed_track");
        if (!seed || seed->empty()) {
          return Status::InvalidArgument("seed_track", "'seed_track' is required");
        }
        const std::string seed_track(*seed);
        if (!IsWellFormedId(seed_track)) {
          return Status::InvalidArgument("seed_track", "malformed track id");
        }
        SONORA_ASSIGN_OR_RETURN(auto limit, http::QueryInt(req, "limit", 1, http::kMaxPageLimit));
        SONORA_ASSIGN_OR_RETURN(auto offset, http::QueryInt(req, "offset", 0, 1'000'000'000));
        SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
        SONORA_ASSIGN_OR_RETURN(auto cycle,
                                service.RadioCycle(req.user().user_id, seed_track, market));
        const int64_t n = limit.value_or(http::kDefaultPageLimit);
        const int64_t from = offset.value_or(0);
        Json tracks = Json::array();
        for (int64_t i = 0; !cycle.empty() && i < n; ++i) {
          const auto& r =
              cycle[static_cast<size_t>((from + i) % static_cast<int64_t>(cycle.size()))];
          Json j = catalog::TrackJson(r.track, market);
          j["match_score"] = r.match_score;
          j["reason"] = r.reason;
          tracks.push_back(std::move(j));
        }
        return Response::Json(200, {{"seed_track", seed_track},
                                    {"tracks", std::move(tracks)},
                                    {"limit", n},
                                    {"offset", from},
                                    {"next", from + n}});
      });
}

}  // namespace sonora::recommend
