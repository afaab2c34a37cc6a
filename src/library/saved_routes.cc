#include "library/saved_routes.h"

#include "catalog/catalog_json.h"
#include "core/strings.h"
#include "core/time_format.h"

namespace sonora::library {

using http::Method;
using http::Request;
using http::Response;

namespace {

// Route table (docs/api/routes.md):
//   PUT    /api/v1/me/tracks                         saved_tracks:save         ?ids= or {ids}
//   DELETE /api/v1/me/tracks                         saved_tracks:remove       ?ids= or {ids}
//   GET    /api/v1/me/tracks                         saved_tracks:list         limit offset market
//   GET    /api/v1/me/tracks/contains                saved_tracks:contains     ?ids=
//   PUT    /api/v1/me/albums                         saved_albums:save         ?ids= or {ids}
//   DELETE /api/v1/me/albums                         saved_albums:remove       ?ids= or {ids}
//   GET    /api/v1/me/albums                         saved_albums:list         limit offset market
//   GET    /api/v1/me/albums/contains                saved_albums:contains     ?ids=
//   GET    /api/v1/me/following/artists              artist_follows:list       limit after
//   GET    /api/v1/me/following/artists/contains     artist_follows:contains   ?ids=
//   PUT    /api/v1/me/following/artists/{artist_id}  artist_follows:follow
//   DELETE /api/v1/me/following/artists/{artist_id}  artist_follows:unfollow

// The ids of a save or remove: `?ids=a,b` or a JSON body {"ids": ["a", "b"]} (Spotify accepts
// both), never both at once. An empty piece ("a,,b") is kept so that it fails as malformed.
Result<std::vector<std::string>> IdsFromQueryOrBody(const Request& req) {
  auto query = req.QueryParam("ids");
  const bool has_body = !Trim(req.body).empty();
  if (query && has_body) {
    return Status::InvalidArgument("ids", "give 'ids' in the query or in the body, not both");
  }
  if (query) return query->empty() ? std::vector<std::string>() : Split(*query, ',');
  if (!has_body) return Status::InvalidArgument("ids", "'ids' is required");
  SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
  for (const auto& [key, value] : body.items()) {
    if (key != "ids") return Status::InvalidArgument(key, "unknown member '" + key + "'");
  }
  auto it = body.find("ids");
  if (it == body.end() || !it->is_array()) {
    return Status::InvalidArgument("ids", "'ids' must be an array of ids");
  }
  std::vector<std::string> ids;
  for (const auto& v : *it) {
    if (!v.is_string()) return Status::InvalidArgument("ids", "'ids' must hold strings");
    ids.push_back(v.get<std::string>());
  }
  return ids;
}

Result<std::vector<std::string>> IdsFromQuery(const Request& req) {
  auto query = req.QueryParam("ids");
  if (!query) return Status::InvalidArgument("ids", "'ids' is required");
  return query->empty() ? std::vector<std::string>() : Split(*query, ',');
}

Json IdsJson(const std::vector<std::string>& ids) {
  Json out = Json::array();
  for (const auto& id : ids) out.push_back(id);
  return out;
}

Json ContainsJson(const std::vector<bool>& flags) {
  Json out = Json::array();
  for (bool b : flags) out.push_back(b);
  return out;
}

std::string AddedAt(int64_t ms) { return FormatIso8601(FromMillis(ms)); }

// PUT, DELETE, GET and GET contains for one collection of saved items.
void AddCollection(http::Router& router, SavedService& service, SavedKind kind,
                   const std::string& path, const std::string& resource) {
  for (bool save : {true, false}) {
    router.Add(save ? Method::kPut : Method::kDelete, path, resource + (save ? ":save" : ":remove"),
               {.query = {"ids"}}, [&service, kind, save](Request& req) -> Result<Response> {
                 SONORA_ASSIGN_OR_RETURN(auto ids, IdsFromQueryOrBody(req));
                 const std::string& user = req.user().user_id;
                 SONORA_RETURN_IF_ERROR(save ? service.Save(kind, user, ids)
                                             : service.Remove(kind, user, ids));
                 return Response::Json(200, {{"saved", save}, {"ids", IdsJson(ids)}});
               });
  }

  router.Add(Method::kGet, path + "/contains", resource + ":contains", {.query = {"ids"}},
             [&service, kind](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(auto ids, IdsFromQuery(req));
               SONORA_ASSIGN_OR_RETURN(auto flags, service.Contains(kind, req.user().user_id, ids));
               return Response::Json(200, ContainsJson(flags));
             });

  router.Add(
      Method::kGet, path, resource + ":list", {.query = {"limit", "offset", "market"}},
      [&service, kind, path](Request& req) -> Result<Response> {
        SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
        SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
        const std::string& user = req.user().user_id;
        Json items = Json::array();
        int64_t total = 0;
        if (kind == SavedKind::kTrack) {
          SONORA_ASSIGN_OR_RETURN(auto saved, service.ListTracks(user, page.limit, page.offset));
          for (const auto& s : saved.items) {
            items.push_back({{"added_at", AddedAt(s.added_at_ms)},
                             {"track", catalog::TrackJson(s.track, market)}});
          }
          total = saved.total;
        } else {
          SONORA_ASSIGN_OR_RETURN(auto saved, service.ListAlbums(user, page.limit, page.offset));
          for (const auto& s : saved.items) {
            items.push_back({{"added_at", AddedAt(s.added_at_ms)},
                             {"album", catalog::AlbumJson(s.album, market)}});
          }
          total = saved.total;
        }
        return Response::Json(
            200, catalog::PageJson(std::move(items), total, page.limit, page.offset, path));
      });
}

}  // namespace

void AddSavedRoutes(http::Router& router, SavedService& service) {
  AddCollection(router, service, SavedKind::kTrack, "/api/v1/me/tracks", "saved_tracks");
  AddCollection(router, service, SavedKind::kAlbum, "/api/v1/me/albums", "saved_albums");

  router.Add(
      Method::kGet, "/api/v1/me/following/artists", "artist_follows:list",
      {.query = {"limit", "after"}}, [&service](Request& req) -> Result<Response> {
        SONORA_ASSIGN_OR_RETURN(auto limit, http::QueryInt(req, "limit", 1, http::kMaxPageLimit));
        std::optional<std::string> after;
        if (auto a = req.QueryParam("after")) after = std::string(*a);
        const int64_t page_limit = limit.value_or(http::kDefaultPageLimit);
        SONORA_ASSIGN_OR_RETURN(FollowedArtists page,
                                service.ListFollowedArtists(req.user().user_id, page_limit, after));
        Json items = Json::array();
        for (const auto& a : page.items) items.push_back(catalog::ArtistJson(a));
        Json next = nullptr;
        Json cursor = nullptr;
        if (page.after) {
          cursor = *page.after;
          next = "/api/v1/me/following/artists?limit=" + std::to_string(page_limit) +
                 "&after=" + PercentEncode(*page.after);
        }
        return Response::Json(200, {{"items", std::move(items)},
                                    {"total", page.total},
                                    {"limit", page_limit},
                                    {"next", next},
                                    {"cursors", {{"after", cursor}}}});
      });

  // Registered before the {artist_id} routes; a PUT or DELETE on ".../contains" reaches them
  // and answers 404 like any id that isn't an artist.
  router.Add(Method::kGet, "/api/v1/me/following/artists/contains", "artist_follows:contains",
             {.query = {"ids"}}, [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(auto ids, IdsFromQuery(req));
               SONORA_ASSIGN_OR_RETURN(
                   auto flags, service.Contains(SavedKind::kArtist, req.user().user_id, ids));
               return Response::Json(200, ContainsJson(flags));
             });

  for (bool follow : {true, false}) {
    router.Add(
        follow ? Method::kPut : Method::kDelete, "/api/v1/me/following/artists/{artist_id}",
        follow ? "artist_follows:follow" : "artist_follows:unfollow", {},
        [&service, follow](Request& req) -> Result<Response> {
          const std::string id(req.PathParam("artist_id"));
          const std::string& user = req.user().user_id;
          SONORA_RETURN_IF_ERROR(follow ? service.Follow(user, id) : service.Unfollow(user, id));
          return Response::Json(200, {{"following", follow}, {"artist_id", id}});
        });
  }
}

}  // namespace sonora::library
