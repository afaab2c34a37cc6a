// The playlist JSON shapes of seed 000 §5 (Create Playlist, Get Playlist) plus snapshot_id,
// the item and activity shapes. Kept out of the models.
#pragma once

#include <string_view>

#include "core/json.h"
#include "library/playlist.h"
#include "library/playlist_service.h"

namespace sonora::library {

// playlist_id, name, description, owner{user_id, display_name}, public, collaborative,
// tracks_count, followers, url ("/playlist/<id>"), created_at, snapshot_id.
Json PlaylistJson(const Playlist& p);
// The catalog track (catalog::TrackJson with `market`) plus position, added_at, added_by.
Json PlaylistTrackJson(const PlaylistTrack& t, std::string_view market);
// One log entry: action, user_id, at, snapshot_id, track_ids and the positions involved.
Json ActivityJson(const PlaylistOp& op);

}  // namespace sonora::library
