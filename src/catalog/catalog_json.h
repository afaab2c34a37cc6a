// The catalog's JSON shapes, as the seed's play and search responses show them
// (track_id, title, artists[], album{}, duration_ms, popularity ...). Kept out of the models.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "core/json.h"

namespace sonora::catalog {

// `market`: the country to judge `is_playable` for; empty leaves is_playable out.
Json TrackJson(const Track& t, std::string_view market);
Json AlbumJson(const Album& a, std::string_view market);
Json ArtistJson(const Artist& a);
Json ArtistRefJson(const ArtistRef& a);
// `images` for an artwork id: 640, 300 and 64 px entries, or [] when there is none.
Json ArtworkImagesJson(const std::optional<std::string>& artwork_id);

// {items, total, limit, offset, next} with `next` the URL of the following page or null.
Json PageJson(Json items, int64_t total, int64_t limit, int64_t offset, std::string_view base_url);

}  // namespace sonora::catalog
