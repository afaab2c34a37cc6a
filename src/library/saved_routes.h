// Library routes (issue 5, Library; seed 000 §5 Follow Artist): Liked Songs, saved albums and
// followed artists. The route table opens saved_routes.cc; docs/decisions/0010-library.md has
// every body shape and rejection.
#pragma once

#include "http/router.h"
#include "library/saved_service.h"

namespace sonora::library {

// `service` must outlive the router.
void AddSavedRoutes(http::Router& router, SavedService& service);

}  // namespace sonora::library
