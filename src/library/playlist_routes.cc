#include "library/playlist_routes.h"

#include <initializer_list>

#include "catalog/catalog_json.h"
#include "core/country.h"
#include "core/strings.h"
#include "library/playlist_json.h"

namespace sonora::library {

using http::Method;
using http::Request;
using http::Response;

namespace {

// Route table (docs/api/routes.md):
//   POST   /api/v1/playlists                                   playlists:create
//   GET    /api/v1/playlists/{id}                              playlists:get
//   PUT    /api/v1/playlists/{id}                              playlists:update      If-Match
//   DELETE /api/v1/playlists/{id}                              playlists:delete      (unfollow)
//   GET    /api/v1/playlists/{id}/tracks                       playlists:tracks
//   POST   /api/v1/playlists/{id}/tracks                       playlists:add_tracks
//   DELETE /api/v1/playlists/{id}/tracks                       playlists:remove_tracks
//   PUT    /api/v1/playlists/{id}/tracks                       playlists:replace_tracks If-Match
//   PUT    /api/v1/playlists/{id}/tracks/reorder               playlists:reorder_tracks
//   PUT    /api/v1/playlists/{id}/collaborators/{user_id}      playlists:add_collaborator
//   DELETE /api/v1/playlists/{id}/collaborators/{user_id}      playlists:remove_collaborator
//   GET    /api/v1/playlists/{id}/activity                     playlists:activity
//   PUT    /api/v1/playlists/{id}/followers                    playlists:follow
//   DELETE /api/v1/playlists/{id}/followers                    playlists:unfollow
//   GET    /api/v1/me/playlists                                me:playlists
//   GET    /api/v1/users/{user_id}/playlists                   users:playlists

// Bodies are an explicit allowlist (SECURITY.md §1, mass assignment): owner, snapshot_id and
// the like are never read from a body, and an unknown member is a 400 naming it.
Result<Json> ParseBody(const Request& req, std::initializer_list<std::string_view> allowed) {
  SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body.empty() ? "{}" : req.body));
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) return Status::InvalidArgument(key, "unknown member '" + key + "'");
  }
  return body;
}

Result<std::vector<std::string>> StringArray(const Json& body, const std::string& key,
                                             bool required) {
  std::vector<std::string> out;
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(key, "'" + key + "' is required");
    return out;
  }
  if (!it->is_array()) return Status::InvalidArgument(key, "'" + key + "' must be an array");
  for (const auto& v : *it) {
    if (!v.is_string()) return Status::InvalidArgument(key, "'" + key + "' must hold strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// The If-Match value as the service compares it: the quoted snapshot id unquoted, "*" as is;
// a weak validator never matches (strong comparison, RFC 9110 §13.1.1).
std::optional<std::string> IfMatch(const Request& req) {
  auto h = req.Header("if-match");
  if (!h) return std::nullopt;
  std::string v(Trim(*h));
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

std::string ETag(const std::string& snapshot_id) { return "\"" + snapshot_id + "\""; }

std::string Id(const Request& req) { return std::string(req.PathParam("id")); }

Json PlaylistPage(const Paged<Playlist>& page, std::string_view base) {
  Json items = Json::array();
  for (const auto& p : page.items) items.push_back(PlaylistJson(p));
  return catalog::PageJson(std::move(items), page.total, page.limit, page.offset, base);
}

Result<http::Page> PlaylistTracksPage(const Request& req) {
  SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req, kMaxPlaylistTracksPage));
  if (!req.QueryParam("limit")) page.limit = kMaxPlaylistTracksPage;
  return page;
}

Result<Response> GetPlaylist(PlaylistService& service, Request& req) {
  SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
  SONORA_ASSIGN_OR_RETURN(http::Page page, PlaylistTracksPage(req));
  const std::string id = Id(req);
  SONORA_ASSIGN_OR_RETURN(Playlist p, service.Get(req.user().user_id, id));
  SONORA_ASSIGN_OR_RETURN(auto tracks,
                          service.GetTracks(req.user().user_id, id, page.limit, page.offset));
  Json items = Json::array();
  for (const auto& t : tracks.items) items.push_back(PlaylistTrackJson(t, market));
  Json j = PlaylistJson(p);
  j["tracks"] = std::move(items);
  Json paging = catalog::PageJson(Json::array(), tracks.total, page.limit, page.offset,
                                  "/api/v1/playlists/" + id);
  paging.erase("items");
  j["tracks_page"] = std::move(paging);
  Response r = Response::Json(200, j);
  r.SetHeader("ETag", ETag(p.snapshot_id));
  return r;
}

}  // namespace

void AddPlaylistRoutes(http::Router& router, PlaylistService& service) {
  router.Add(Method::kPost, "/api/v1/playlists", "playlists:create", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(
                   Json body, ParseBody(req, {"name", "description", "public", "collaborative"}));
               CreatePlaylistRequest r;
               SONORA_ASSIGN_OR_RETURN(r.name, RequiredString(body, "name"));
               SONORA_ASSIGN_OR_RETURN(auto description, OptionalString(body, "description"));
               r.description = description.value_or("");
               SONORA_ASSIGN_OR_RETURN(r.is_public, OptionalBool(body, "public"));
               SONORA_ASSIGN_OR_RETURN(auto collaborative, OptionalBool(body, "collaborative"));
               r.collaborative = collaborative.value_or(false);
               SONORA_ASSIGN_OR_RETURN(Playlist p, service.Create(req.user().user_id, r));
               Response resp = Response::Json(201, PlaylistJson(p));
               resp.SetHeader("Location", "/api/v1/playlists/" + p.playlist_id);
               resp.SetHeader("ETag", ETag(p.snapshot_id));
               return resp;
             });

  router.Add(Method::kGet, "/api/v1/playlists/{id}", "playlists:get",
             {.query = {"limit", "offset", "market"}},
             [&service](Request& req) { return GetPlaylist(service, req); });

  router.Add(Method::kPut, "/api/v1/playlists/{id}", "playlists:update", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(
                   Json body, ParseBody(req, {"name", "description", "public", "collaborative"}));
               UpdatePlaylistRequest r;
               SONORA_ASSIGN_OR_RETURN(r.name, OptionalString(body, "name"));
               SONORA_ASSIGN_OR_RETURN(r.description, OptionalString(body, "description"));
               SONORA_ASSIGN_OR_RETURN(r.is_public, OptionalBool(body, "public"));
               SONORA_ASSIGN_OR_RETURN(r.collaborative, OptionalBool(body, "collaborative"));
               r.if_match = IfMatch(req);
               SONORA_ASSIGN_OR_RETURN(Playlist p, service.Update(req.user().user_id, Id(req), r));
               Response resp = Response::Json(200, PlaylistJson(p));
               resp.SetHeader("ETag", ETag(p.snapshot_id));
               return resp;
             });

  router.Add(Method::kDelete, "/api/v1/playlists/{id}", "playlists:delete", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_RETURN_IF_ERROR(service.Delete(req.user().user_id, Id(req)));
               return Response::NoContent();
             });

  router.Add(Method::kGet, "/api/v1/playlists/{id}/tracks", "playlists:tracks",
             {.query = {"limit", "offset", "market"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(http::Page page, PlaylistTracksPage(req));
               const std::string id = Id(req);
               SONORA_ASSIGN_OR_RETURN(
                   auto tracks, service.GetTracks(req.user().user_id, id, page.limit, page.offset));
               Json items = Json::array();
               for (const auto& t : tracks.items) items.push_back(PlaylistTrackJson(t, market));
               return Response::Json(
                   200, catalog::PageJson(std::move(items), tracks.total, page.limit, page.offset,
                                          "/api/v1/playlists/" + id + "/tracks"));
             });

  router.Add(Method::kPost, "/api/v1/playlists/{id}/tracks", "playlists:add_tracks", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body,
                                       ParseBody(req, {"track_ids", "position", "snapshot_id"}));
               AddTracksRequest r;
               SONORA_ASSIGN_OR_RETURN(r.track_ids, StringArray(body, "track_ids", true));
               SONORA_ASSIGN_OR_RETURN(r.position, OptionalInt(body, "position"));
               SONORA_ASSIGN_OR_RETURN(r.snapshot_id, OptionalString(body, "snapshot_id"));
               SONORA_ASSIGN_OR_RETURN(AddTracksResult result,
                                       service.AddTracks(req.user().user_id, Id(req), r));
               return Response::Json(200, {{"snapshot_id", result.snapshot_id},
                                           {"tracks_added", result.tracks_added}});
             });

  router.Add(Method::kDelete, "/api/v1/playlists/{id}/tracks", "playlists:remove_tracks", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseBody(req, {"tracks", "snapshot_id"}));
               RemoveTracksRequest r;
               SONORA_ASSIGN_OR_RETURN(r.snapshot_id, OptionalString(body, "snapshot_id"));
               auto tracks = body.find("tracks");
               if (tracks == body.end() || !tracks->is_array()) {
                 return Status::InvalidArgument("tracks", "'tracks' must be an array");
               }
               for (const auto& t : *tracks) {
                 if (!t.is_object()) {
                   return Status::InvalidArgument("tracks", "'tracks' must hold objects");
                 }
                 RemoveTrackSpec spec;
                 auto id = RequiredString(t, "track_id");
                 if (!id.ok())
                   return Status::InvalidArgument("tracks", "each entry needs a track_id");
                 spec.track_id = *id;
                 auto positions = t.find("positions");
                 if (positions != t.end() && !positions->is_null()) {
                   if (!positions->is_array()) {
                     return Status::InvalidArgument("tracks", "'positions' must be an array");
                   }
                   spec.positions.emplace();
                   for (const auto& p : *positions) {
                     if (!p.is_number_integer()) {
                       return Status::InvalidArgument("tracks", "positions must be integers");
                     }
                     spec.positions->push_back(p.get<int64_t>());
                   }
                 }
                 for (const auto& [key, value] : t.items()) {
                   if (key != "track_id" && key != "positions") {
                     return Status::InvalidArgument("tracks", "unknown member '" + key + "'");
                   }
                 }
                 r.tracks.push_back(std::move(spec));
               }
               SONORA_ASSIGN_OR_RETURN(std::string snapshot,
                                       service.RemoveTracks(req.user().user_id, Id(req), r));
               return Response::Json(200, {{"snapshot_id", snapshot}});
             });

  router.Add(Method::kPut, "/api/v1/playlists/{id}/tracks", "playlists:replace_tracks", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseBody(req, {"track_ids"}));
               ReplaceTracksRequest r;
               SONORA_ASSIGN_OR_RETURN(r.track_ids, StringArray(body, "track_ids", true));
               r.if_match = IfMatch(req);
               SONORA_ASSIGN_OR_RETURN(std::string snapshot,
                                       service.ReplaceTracks(req.user().user_id, Id(req), r));
               Response resp = Response::Json(200, {{"snapshot_id", snapshot}});
               resp.SetHeader("ETag", ETag(snapshot));
               return resp;
             });

  router.Add(Method::kPut, "/api/v1/playlists/{id}/tracks/reorder", "playlists:reorder_tracks", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseBody(req, {"range_start", "range_length",
                                                                  "insert_before", "snapshot_id"}));
               ReorderTracksRequest r;
               SONORA_ASSIGN_OR_RETURN(auto start, OptionalInt(body, "range_start"));
               SONORA_ASSIGN_OR_RETURN(auto length, OptionalInt(body, "range_length"));
               SONORA_ASSIGN_OR_RETURN(auto before, OptionalInt(body, "insert_before"));
               if (!start)
                 return Status::InvalidArgument("range_start", "'range_start' is required");
               if (!before) {
                 return Status::InvalidArgument("insert_before", "'insert_before' is required");
               }
               r.range_start = *start;
               r.range_length = length.value_or(1);
               r.insert_before = *before;
               SONORA_ASSIGN_OR_RETURN(r.snapshot_id, OptionalString(body, "snapshot_id"));
               SONORA_ASSIGN_OR_RETURN(std::string snapshot,
                                       service.ReorderTracks(req.user().user_id, Id(req), r));
               return Response::Json(200, {{"snapshot_id", snapshot}});
             });

  router.Add(Method::kPut, "/api/v1/playlists/{id}/collaborators/{user_id}",
             "playlists:add_collaborator", {}, [&service](Request& req) -> Result<Response> {
               SONORA_RETURN_IF_ERROR(service.AddCollaborator(
                   req.user().user_id, Id(req), std::string(req.PathParam("user_id"))));
               return Response::NoContent();
             });

  router.Add(Method::kDelete, "/api/v1/playlists/{id}/collaborators/{user_id}",
             "playlists:remove_collaborator", {}, [&service](Request& req) -> Result<Response> {
               SONORA_RETURN_IF_ERROR(service.RemoveCollaborator(
                   req.user().user_id, Id(req), std::string(req.PathParam("user_id"))));
               return Response::NoContent();
             });

  router.Add(Method::kGet, "/api/v1/playlists/{id}/activity", "playlists:activity",
             {.query = {"limit", "offset"}}, [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
               const std::string id = Id(req);
               SONORA_ASSIGN_OR_RETURN(
                   auto ops, service.GetActivity(req.user().user_id, id, page.limit, page.offset));
               Json items = Json::array();
               for (const auto& op : ops.items) items.push_back(ActivityJson(op));
               return Response::Json(
                   200, catalog::PageJson(std::move(items), ops.total, page.limit, page.offset,
                                          "/api/v1/playlists/" + id + "/activity"));
             });

  for (bool follow : {true, false}) {
    router.Add(follow ? Method::kPut : Method::kDelete, "/api/v1/playlists/{id}/followers",
               follow ? "playlists:follow" : "playlists:unfollow", {},
               [&service, follow](Request& req) -> Result<Response> {
                 const std::string id = Id(req);
                 SONORA_ASSIGN_OR_RETURN(bool following,
                                         service.SetFollowing(req.user().user_id, id, follow));
                 return Response::Json(200, {{"following", following}, {"playlist_id", id}});
               });
  }

  router.Add(Method::kGet, "/api/v1/me/playlists", "me:playlists", {.query = {"limit", "offset"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
               SONORA_ASSIGN_OR_RETURN(
                   auto playlists, service.ListMine(req.user().user_id, page.limit, page.offset));
               return Response::Json(200, PlaylistPage(playlists, "/api/v1/me/playlists"));
             });

  router.Add(Method::kGet, "/api/v1/users/{user_id}/playlists", "users:playlists",
             {.query = {"limit", "offset"}}, [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
               const std::string owner(req.PathParam("user_id"));
               SONORA_ASSIGN_OR_RETURN(
                   auto playlists,
                   service.ListUserPlaylists(req.user().user_id, owner, page.limit, page.offset));
               return Response::Json(
                   200, PlaylistPage(playlists, "/api/v1/users/" + owner + "/playlists"));
             });
}

}  // namespace sonora::library
