#include "http/ops_routes.h"

namespace sonora::http {

void AddOpsRoutes(Router& router, Metrics& metrics, std::function<Status()> ready) {
  const RouteOptions open{.auth = AuthPolicy::kPublic, .limit = LimitClass::kNone};
  router.Add(Method::kGet, "/healthz", "ops:healthz", open, [](Request&) -> Result<Response> {
    return Response::Json(200, {{"status", "ok"}});
  });
  router.Add(Method::kGet, "/readyz", "ops:readyz", open,
             [ready = std::move(ready)](Request&) -> Result<Response> {
               Status s = ready();
               if (!s.ok()) return Status::Unavailable("not ready: " + std::string(s.message()));
               return Response::Json(200, {{"status", "ready"}});
             });
  router.Add(Method::kGet, "/metrics", "ops:metrics", open,
             [&metrics](Request&) -> Result<Response> {
               return Response::Text(200, "text/plain; version=0.0.4", metrics.Render());
             });
}

}  // namespace sonora::http
