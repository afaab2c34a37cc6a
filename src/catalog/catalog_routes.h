// Catalog read routes: tracks (single and batch), albums and their tracks, artists and their
// albums. `?market=XX` (default: the caller's country) sets `is_playable` on each item.
#pragma once

#include "catalog/catalog_service.h"
#include "http/router.h"

namespace sonora::catalog {

void AddCatalogRoutes(http::Router& router, CatalogService& service);

}  // namespace sonora::catalog
