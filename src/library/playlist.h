// Playlist models (seed 000 §5, §6, §11): plain data, no I/O. The rules that keep positions
// dense and rebase stale positions live in playlist_service; the wire shapes in playlist_json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sonora::library {

inline constexpr size_t kMaxPlaylistItems = 10'000;    // Spotify's per-playlist limit
inline constexpr size_t kMaxTracksPerRequest = 100;    // add/replace/remove batch (Spotify)
inline constexpr size_t kMaxPlaylistNameLength = 100;  // characters (UTF-8 code points)
inline constexpr size_t kMaxPlaylistDescriptionLength = 300;
inline constexpr int64_t kMaxPlaylistTracksPage = 100;  // GET /playlists/{id}: Spotify's page

// What the caller may do with a playlist. Strangers never get a Role: they get kNotFound.
enum class Role {
  kViewer,        // a public playlist seen by someone else
  kCollaborator,  // may add, remove and reorder items of a collaborative playlist
  kOwner,         // everything
};

struct Playlist {
  std::string playlist_id;
  std::string name;
  std::string description;
  std::string owner_user_id;
  std::string owner_display_name;
  bool is_public = true;
  bool collaborative = false;
  int64_t tracks_count = 0;
  int64_t followers = 0;  // follows by users other than the owner
  std::string snapshot_id;
  int64_t version = 0;  // the sequence number of the newest operation
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  Role role = Role::kViewer;  // the caller's role, filled by reads that know the caller
};

struct PlaylistItem {
  int64_t position = 0;
  std::string track_id;
  int64_t added_at_ms = 0;
  std::string added_by_user_id;
};

enum class OpKind { kCreate, kDetails, kAdd, kRemove, kMove, kReplace };
std::string_view OpKindName(OpKind k);
std::optional<OpKind> ParseOpKind(std::string_view s);

// One accepted change: the playlist's operation log, which is also the activity feed.
// Positions are in the coordinates of the playlist just before the change.
struct PlaylistOp {
  int64_t seq = 0;
  std::string snapshot_id;  // the snapshot this change produced
  OpKind kind = OpKind::kCreate;
  std::string user_id;
  int64_t position = 0;            // kAdd: insert position; kMove: range_start
  int64_t item_count = 0;          // kAdd: tracks added; kMove: range_length
  int64_t insert_before = 0;       // kMove
  std::vector<int64_t> positions;  // kRemove: removed positions, ascending
  std::vector<std::string> track_ids;
  int64_t tracks_count_after = 0;
  int64_t created_at_ms = 0;
};

}  // namespace sonora::library
