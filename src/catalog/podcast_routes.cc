#include "catalog/podcast_routes.h"

#include "catalog/catalog_json.h"
#include "catalog/podcast_json.h"

namespace sonora::catalog {

using http::Method;
using http::Request;
using http::Response;

void AddPodcastRoutes(http::Router& router, PodcastService& service) {
  router.Add(Method::kGet, "/api/v1/shows/{id}", "shows:get", {.query = {"market"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(Show s, service.GetShow(std::string(req.PathParam("id"))));
               return Response::Json(200, ShowJson(s, market));
             });

  router.Add(Method::kGet, "/api/v1/shows/{id}/episodes", "shows:episodes",
             {.query = {"market", "limit", "offset"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
               const std::string id(req.PathParam("id"));
               SONORA_ASSIGN_OR_RETURN(auto episodes,
                                       service.GetShowEpisodes(id, page.limit, page.offset));
               Json items = Json::array();
               for (const auto& e : episodes.items) items.push_back(EpisodeJson(e, market));
               return Response::Json(
                   200, PageJson(std::move(items), episodes.total, page.limit, page.offset,
                                 "/api/v1/shows/" + id + "/episodes"));
             });

  router.Add(Method::kGet, "/api/v1/episodes/{id}", "episodes:get", {.query = {"market"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string market, http::ParseMarket(req));
               SONORA_ASSIGN_OR_RETURN(Episode e,
                                       service.GetEpisode(std::string(req.PathParam("id"))));
               return Response::Json(200, EpisodeJson(e, market));
             });
}

}  // namespace sonora::catalog
