#include "catalog/catalog_routes.h"

#include "catalog/catalog_json.h"
#include "core/country.h"
#include "core/strings.h"

namespace sonora::catalog {

using http::Method;
using http::Request;
using http::Response;

namespace {

Result<std::vector<AlbumType>> IncludeGroups(const Request& req) {
  std::vector<AlbumType> types;
  auto groups = req.QueryParam("include_groups");
  if (!groups) return types;
  for (const auto& g : Split(*groups, ',', true)) {
    auto t = ParseAlbumType(g);
    if (!t) {
      return Status::InvalidArgument("include_groups",
                                     "'include_groups' takes album, single, compilation");
    }
    types.push_back(*t);
  }
  return types;
}

}  // namespace

void AddCatalogRoutes(http::Router& router, CatalogService& service) {
  router.Add(Method::kGet, "/api/v1/tracks/{id}", "tracks:get", {.query = {"market"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(Track t, service.GetTrack(std::string(req.PathParam("id"))));
               return Response::Json(200, TrackJson(t, market));
             });

  router.Add(Method::kGet, "/api/v1/tracks", "tracks:batch", {.query = {"ids", "market"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               auto ids = req.QueryParam("ids");
               if (!ids) return Status::InvalidArgument("ids", "'ids' is required");
               SONORA_ASSIGN_OR_RETURN(auto tracks, service.GetTracks(Split(*ids, ',', true)));
               Json items = Json::array();
               for (const auto& t : tracks)
                 items.push_back(t ? TrackJson(*t, market) : Json(nullptr));
               return Response::Json(200, {{"tracks", std::move(items)}});
             });

  router.Add(Method::kGet, "/api/v1/albums/{id}", "albums:get", {.query = {"market"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               const std::string id(req.PathParam("id"));
               SONORA_ASSIGN_OR_RETURN(Album album, service.GetAlbum(id));
               SONORA_ASSIGN_OR_RETURN(auto tracks,
                                       service.GetAlbumTracks(id, http::kMaxPageLimit, 0));
               Json items = Json::array();
               for (const auto& t : tracks.items) items.push_back(TrackJson(t, market));
               Json j = AlbumJson(album, market);
               j["tracks"] = PageJson(std::move(items), tracks.total, tracks.limit, 0,
                                      "/api/v1/albums/" + id + "/tracks");
               return Response::Json(200, j);
             });

  router.Add(Method::kGet, "/api/v1/albums/{id}/tracks", "albums:tracks",
             {.query = {"market", "limit", "offset"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
               const std::string id(req.PathParam("id"));
               SONORA_ASSIGN_OR_RETURN(auto tracks,
                                       service.GetAlbumTracks(id, page.limit, page.offset));
               Json items = Json::array();
               for (const auto& t : tracks.items) items.push_back(TrackJson(t, market));
               return Response::Json(200, PageJson(std::move(items), tracks.total, page.limit,
                                                   page.offset, "/api/v1/albums/" + id + "/tracks"));
             });

  router.Add(Method::kGet, "/api/v1/artists/{id}", "artists:get", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Artist a, service.GetArtist(std::string(req.PathParam("id"))));
               return Response::Json(200, ArtistJson(a));
             });

  router.Add(Method::kGet, "/api/v1/artists/{id}/albums", "artists:albums",
             {.query = {"include_groups", "market", "limit", "offset"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
               SONORA_ASSIGN_OR_RETURN(auto types, IncludeGroups(req));
               const std::string id(req.PathParam("id"));
               SONORA_ASSIGN_OR_RETURN(auto albums,
                                       service.GetArtistAlbums(id, types, page.limit, page.offset));
               Json items = Json::array();
               for (const auto& a : albums.items) items.push_back(AlbumJson(a, market));
               std::string base = "/api/v1/artists/" + id + "/albums";
               if (auto g = req.QueryParam("include_groups"))
                 base += "?include_groups=" + std::string(*g);
               return Response::Json(
                   200, PageJson(std::move(items), albums.total, page.limit, page.offset, base));
             });
}

}  // namespace sonora::catalog
