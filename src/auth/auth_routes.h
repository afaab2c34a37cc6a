// HTTP routes for accounts (PRODUCT.md §2): register, login, refresh, logout, me, and the admin
// subscription change. JSON <-> request structs only; the rules live in AuthService.
#pragma once

#include "auth/auth_service.h"
#include "http/rate_limiter.h"
#include "http/router.h"

namespace sonora::auth {

struct AuthRouteOptions {
  // Failed-login throttle per account name, on top of the router's per-IP auth limit.
  http::BucketPolicy login_per_user{.per_second = 0.2, .burst = 10};
};

void AddAuthRoutes(http::Router& router, AuthService& service, http::RateLimiter& limiter,
                   AuthRouteOptions options = {});

// The user as the API shows it (`me` adds email and is_admin).
Json UserJson(const User& user, bool include_private);

}  // namespace sonora::auth
