// PlaylistService: the rules for playlists (seed 000 §5, §11; SECURITY.md §1 and §5).
//
// Every mutation runs in one transaction that locks the playlist row, checks the caller's role
// in that same statement, applies the change with positions renumbered densely (0..n-1),
// appends to the operation log and moves the playlist to a new random snapshot id. Positional
// operations that carry an older snapshot id are rebased through the operations committed
// since; when the item they target is gone (or the log holds a whole-list replace in between)
// the answer is kAborted "stale_snapshot" and nothing changes. docs/decisions/0007-playlists.md
// has the whole story.
//
// Common errors of every method that names a playlist:
//   kNotFound          the playlist does not exist, or `user` may not see it (private and
//                      neither owner nor collaborator): never 403 for invisible objects
//   kPermissionDenied  reason "not_owner": `user` sees it but may not make this change
// Thread-safe. Blocks on the database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_service.h"
#include "core/clock.h"
#include "core/result.h"
#include "library/playlist.h"
#include "library/playlist_repository.h"
#include "store/database.h"

namespace sonora::library {

using catalog::Paged;

struct CreatePlaylistRequest {
  std::string name{};               // REQUIRES 1..100 characters after trimming
  std::string description{};        // at most 300 characters
  std::optional<bool> is_public{};  // Default: true, or false when collaborative
  bool collaborative = false;       // collaborative playlists are never public
};

struct UpdatePlaylistRequest {
  std::optional<std::string> name{};
  std::optional<std::string> description{};
  std::optional<bool> is_public{};
  std::optional<bool> collaborative{};
  // The If-Match value: a snapshot id, "*" for any. nullopt: the header was missing.
  std::optional<std::string> if_match{};
};

struct AddTracksRequest {
  std::vector<std::string> track_ids{};  // 1..100 catalog track ids; duplicates allowed
  std::optional<int64_t> position{};     // 0..count (in `snapshot_id`'s coordinates); unset: append
  std::optional<std::string> snapshot_id{};
};

struct AddTracksResult {
  std::string snapshot_id{};
  int64_t tracks_added = 0;
};

struct RemoveTrackSpec {
  std::string track_id{};
  // Positions (in `snapshot_id`'s coordinates) that must hold `track_id`; unset: every
  // occurrence of `track_id` in the current playlist.
  std::optional<std::vector<int64_t>> positions{};
};

struct RemoveTracksRequest {
  std::vector<RemoveTrackSpec> tracks{};  // 1..100
  std::optional<std::string> snapshot_id{};
};

struct ReorderTracksRequest {
  int64_t range_start = 0;
  int64_t range_length = 1;
  int64_t insert_before = 0;
  std::optional<std::string> snapshot_id{};
};

struct ReplaceTracksRequest {
  std::vector<std::string> track_ids{};   // 0..100
  std::optional<std::string> if_match{};  // as UpdatePlaylistRequest::if_match
};

struct PlaylistTrack {
  PlaylistItem item;
  catalog::Track track;
};

class PlaylistService {
 public:
  // All references must outlive the service.
  PlaylistService(store::Database& db, PlaylistRepository& repo, catalog::CatalogService& catalog,
                  const Clock& clock)
      : db_(db), repo_(repo), catalog_(catalog), clock_(clock) {}

  // Creates a playlist owned by `user` and puts it in their library.
  // kInvalidArgument: field "name" (empty or over 100 characters), "description" (over 300),
  // "public" (public and collaborative together).
  Result<Playlist> Create(const std::string& user, const CreatePlaylistRequest& request);

  // The playlist as `user` sees it.
  Result<Playlist> Get(const std::string& user, const std::string& playlist_id);
  // A page of items with their catalog tracks, and the total.
  Result<Paged<PlaylistTrack>> GetTracks(const std::string& user, const std::string& playlist_id,
                                         int64_t limit, int64_t offset);

  // Owner only. Returns the playlist with its new snapshot id.
  // kPreconditionRequired  `if_match` is unset
  // kAborted               `if_match` is not the current snapshot       (reason "stale_snapshot")
  // kInvalidArgument       "name", "description", or "public"/"collaborative" when the result
  //                        would be both public and collaborative
  Result<Playlist> Update(const std::string& user, const std::string& playlist_id,
                          const UpdatePlaylistRequest& request);

  // Owner only: removes the playlist from the owner's library (Spotify's delete is an
  // unfollow); items, followers and the log are kept.
  Status Delete(const std::string& user, const std::string& playlist_id);

  // Playlists in `user`'s library (owned and not deleted, and followed), newest first.
  Result<Paged<Playlist>> ListMine(const std::string& user, int64_t limit, int64_t offset);
  // The public playlists in `owner`'s library. kNotFound when `owner` doesn't exist.
  Result<Paged<Playlist>> ListUserPlaylists(const std::string& viewer, const std::string& owner,
                                            int64_t limit, int64_t offset);

  // Item operations: owner, or a collaborator of a collaborative playlist. Each returns the
  // new snapshot id.
  // kInvalidArgument  "track_ids": empty, over 100, malformed or unknown id, or the playlist
  //                   would exceed 10,000 items; "position": outside 0..count
  // kAborted          "stale_snapshot": unknown `snapshot_id`, or it cannot be rebased
  Result<AddTracksResult> AddTracks(const std::string& user, const std::string& playlist_id,
                                    const AddTracksRequest& request);
  // kInvalidArgument  "tracks": empty, over 100, malformed id, a position out of range, or (at
  //                   the current snapshot) a position that doesn't hold its track id
  // kAborted          "stale_snapshot": unknown `snapshot_id`, or a targeted item was removed
  //                   or replaced since `snapshot_id`
  // Removing nothing changes nothing and returns the current snapshot id.
  Result<std::string> RemoveTracks(const std::string& user, const std::string& playlist_id,
                                   const RemoveTracksRequest& request);
  // Moves [range_start, range_start + range_length) before the item at `insert_before`
  // (Spotify's reorder). kInvalidArgument "range_start", "range_length", "insert_before";
  // kAborted as RemoveTracks, or when the range no longer lies together.
  Result<std::string> ReorderTracks(const std::string& user, const std::string& playlist_id,
                                    const ReorderTracksRequest& request);
  // Replaces every item: a whole-resource write, so If-Match rules as Update apply.
  Result<std::string> ReplaceTracks(const std::string& user, const std::string& playlist_id,
                                    const ReplaceTracksRequest& request);

  // Owner only. kNotFound (message "no such user") when `collaborator` doesn't exist;
  // kInvalidArgument "user_id" for the owner themselves; kFailedPrecondition
  // "not_collaborative" when the playlist isn't collaborative. Idempotent.
  Status AddCollaborator(const std::string& user, const std::string& playlist_id,
                         const std::string& collaborator);
  // Owner only. Idempotent.
  Status RemoveCollaborator(const std::string& user, const std::string& playlist_id,
                            const std::string& collaborator);

  // The operation log, newest first: anyone who may see the playlist.
  Result<Paged<PlaylistOp>> GetActivity(const std::string& user, const std::string& playlist_id,
                                        int64_t limit, int64_t offset);

  // Follows or unfollows a playlist `user` can see; returns whether `user` now follows it.
  Result<bool> SetFollowing(const std::string& user, const std::string& playlist_id, bool follow);

 private:
  Status CheckTracksExist(const std::vector<std::string>& track_ids);

  store::Database& db_;
  PlaylistRepository& repo_;
  catalog::CatalogService& catalog_;
  const Clock& clock_;
};

}  // namespace sonora::library
