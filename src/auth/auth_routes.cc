#include "auth/auth_routes.h"

#include "core/json.h"
#include "core/strings.h"
#include "core/time_format.h"

namespace sonora::auth {

using http::AuthPolicy;
using http::LimitClass;
using http::Method;
using http::Request;
using http::Response;

namespace {

Json TokenJson(const TokenPair& pair) {
  return {{"user", UserJson(pair.user, false)},
          {"access_token", pair.access_token},
          {"refresh_token", pair.refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", pair.expires_in_seconds}};
}

Result<RegisterRequest> ParseRegister(const Request& req) {
  SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
  RegisterRequest r;
  SONORA_ASSIGN_OR_RETURN(r.email, RequiredString(body, "email"));
  SONORA_ASSIGN_OR_RETURN(r.username, RequiredString(body, "username"));
  SONORA_ASSIGN_OR_RETURN(r.password, RequiredString(body, "password"));
  SONORA_ASSIGN_OR_RETURN(auto display, OptionalString(body, "display_name"));
  SONORA_ASSIGN_OR_RETURN(r.country, RequiredString(body, "country"));
  r.display_name = display.value_or("");
  r.country = ToUpper(r.country);
  return r;
}

}  // namespace

Json UserJson(const User& u, bool include_private) {
  Json j = {{"user_id", u.user_id},
            {"username", u.username},
            {"display_name", u.display_name},
            {"country", u.country},
            {"subscription_tier", TierName(u.tier)}};
  if (include_private) {
    j["email"] = u.email;
    j["is_admin"] = u.is_admin;
    j["created_at"] = FormatIso8601Millis(u.created_at_ms);
  }
  return j;
}

void AddAuthRoutes(http::Router& router, AuthService& service, http::RateLimiter& limiter,
                   AuthRouteOptions options) {
  const http::RouteOptions kCredential{.auth = AuthPolicy::kPublic, .limit = LimitClass::kAuth};

  router.Add(Method::kPost, "/api/v1/auth/register", "auth:register", kCredential,
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(RegisterRequest r, ParseRegister(req));
               SONORA_ASSIGN_OR_RETURN(TokenPair pair, service.Register(r));
               return Response::Json(201, TokenJson(pair));
             });

  router.Add(Method::kPost, "/api/v1/auth/login", "auth:login", kCredential,
             [&service, &limiter, options](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
               SONORA_ASSIGN_OR_RETURN(auto username, OptionalString(body, "username"));
               SONORA_ASSIGN_OR_RETURN(auto email, OptionalString(body, "email"));
               SONORA_ASSIGN_OR_RETURN(std::string password, RequiredString(body, "password"));
               if (!username && !email) {
                 return Status::InvalidArgument("username", "'username' or 'email' is required");
               }
               const std::string name = username ? *username : *email;
               // Throttle guesses against one account from many addresses.
               SONORA_RETURN_IF_ERROR(
                   limiter.Take("login-user:" + ToLower(name), options.login_per_user));
               SONORA_ASSIGN_OR_RETURN(TokenPair pair, service.Login(name, password));
               return Response::Json(200, TokenJson(pair));
             });

  router.Add(Method::kPost, "/api/v1/auth/refresh", "auth:refresh", kCredential,
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
               SONORA_ASSIGN_OR_RETURN(std::string token, RequiredString(body, "refresh_token"));
               SONORA_ASSIGN_OR_RETURN(TokenPair pair, service.Refresh(token));
               return Response::Json(200, TokenJson(pair));
             });

  router.Add(Method::kPost, "/api/v1/auth/logout", "auth:logout", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_RETURN_IF_ERROR(service.Logout(req.user()));
               return Response::NoContent();
             });

  router.Add(Method::kGet, "/api/v1/me", "me:get", {},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(User user, service.GetUser(req.user().user_id));
               return Response::Json(200, UserJson(user, true));
             });

  router.Add(Method::kPut, "/api/v1/admin/users/{user_id}/subscription", "admin:set_tier",
             {.auth = AuthPolicy::kAdmin},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
               SONORA_ASSIGN_OR_RETURN(std::string tier_name, RequiredString(body, "tier"));
               auto tier = ParseTier(tier_name);
               if (!tier) {
                 return Status::InvalidArgument(
                     "tier", "'tier' must be one of free, premium, family, hifi");
               }
               SONORA_ASSIGN_OR_RETURN(User user,
                                       service.SetTier(std::string(req.PathParam("user_id")), *tier));
               return Response::Json(200, UserJson(user, false));
             });
}

}  // namespace sonora::auth
