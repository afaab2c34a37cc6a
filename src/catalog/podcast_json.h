// Show and episode JSON in the Spotify Web API's shape (id, name, publisher, images,
// total_episodes, media_type ...), kept out of the models.
#pragma once

#include <string_view>

#include "catalog/podcast.h"
#include "core/json.h"

namespace sonora::catalog {

// `market`: the country to judge `is_playable` for; empty leaves is_playable out.
Json ShowJson(const Show& s, std::string_view market);
// With `show` {id, name, publisher} embedded; the images are the show's.
Json EpisodeJson(const Episode& e, std::string_view market);

}  // namespace sonora::catalog
