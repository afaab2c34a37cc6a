// The only SQL for playlists, their items, operation log, collaborators and follows. No JSON,
// no HTTP, no rules: PlaylistService decides. Visibility is part of every read's WHERE clause
// (SECURITY.md §1, IDOR): a playlist the viewer may not see reads as kNotFound.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "library/playlist.h"
#include "store/database.h"

namespace sonora::library {

class PlaylistRepository {
 public:
  explicit PlaylistRepository(store::Database& db) : db_(db) {}

  // Inserts the playlist row (snapshot, version and counts as given). kAlreadyExists on a
  // duplicate id.
  Status Insert(store::Session& s, const Playlist& p);

  // The playlist as `viewer` sees it, with `role`, the owner's display name and the follower
  // count. kNotFound when it doesn't exist or `viewer` may not see it (private, and neither
  // owner nor collaborator of a collaborative playlist).
  Result<Playlist> Find(const std::string& viewer, const std::string& playlist_id);
  // The same inside a write transaction, locking the playlist row until commit
  // (store::ForUpdate): every mutation of one playlist is serialized by this lock.
  Result<Playlist> Lock(store::Session& s, const std::string& viewer,
                        const std::string& playlist_id);

  // Name, description, public and collaborative from `p`.
  Status UpdateDetails(store::Session& s, const Playlist& p, int64_t now_ms);
  // Moves the playlist's head to a new snapshot after an operation.
  Status SetHead(store::Session& s, const std::string& playlist_id, const std::string& snapshot_id,
                 int64_t version, int64_t tracks_count, int64_t now_ms);

  // Items. Positions are dense: 0..tracks_count-1, so a page is the range
  // [offset, offset + limit) of the primary key: a seek, never an OFFSET walk.
  Result<std::vector<PlaylistItem>> ItemsPage(const std::string& playlist_id, int64_t limit,
                                              int64_t offset);
  // The same range inside a write transaction.
  Result<std::vector<PlaylistItem>> ItemsRange(store::Session& s, const std::string& playlist_id,
                                               int64_t from, int64_t count);
  // The items at `positions` (any order, duplicates allowed), ascending; a position that holds
  // no item is simply absent from the answer.
  Result<std::vector<PlaylistItem>> ItemsAt(store::Session& s, const std::string& playlist_id,
                                            const std::vector<int64_t>& positions);
  // Every item whose track is one of `track_ids`, ascending by position.
  Result<std::vector<PlaylistItem>> ItemsWithTracks(store::Session& s,
                                                    const std::string& playlist_id,
                                                    const std::vector<std::string>& track_ids);

  // Positional writes. The caller holds the playlist lock and passes arguments that are valid
  // for the current items (positions inside 0..count); each keeps positions dense and touches
  // only the rows whose position changes.
  //
  // Deletes items at positions >= `from` and inserts `items` (whose positions must be
  // from, from+1, ...): appends (from == count) and whole-list replaces (from == 0).
  Status RewriteItemsFrom(store::Session& s, const std::string& playlist_id, int64_t from,
                          const std::vector<PlaylistItem>& items);
  // Inserts `items` before position `at` (their own positions are ignored).
  Status InsertItems(store::Session& s, const std::string& playlist_id, int64_t at,
                     const std::vector<PlaylistItem>& items);
  // Deletes the items at `positions` (ascending, distinct) and closes the gaps.
  Status RemoveItems(store::Session& s, const std::string& playlist_id,
                     const std::vector<int64_t>& positions);
  // Moves [start, start + length) before the item now at `insert_before` (which lies outside
  // the range; insert_before == count moves it to the end).
  Status MoveItems(store::Session& s, const std::string& playlist_id, int64_t start, int64_t length,
                   int64_t insert_before);

  // The operation log.
  Status InsertOp(store::Session& s, const std::string& playlist_id, const PlaylistOp& op);
  // The op that produced `snapshot_id` in this playlist; nullopt when it never existed here.
  Result<std::optional<PlaylistOp>> FindOp(store::Session& s, const std::string& playlist_id,
                                           const std::string& snapshot_id);
  // Ops with seq > `after_seq`, oldest first.
  Result<std::vector<PlaylistOp>> OpsAfter(store::Session& s, const std::string& playlist_id,
                                           int64_t after_seq);
  // Newest first, paged, and the total.
  Result<std::vector<PlaylistOp>> OpsPage(const std::string& playlist_id, int64_t limit,
                                          int64_t offset);
  Result<int64_t> CountOps(const std::string& playlist_id);

  // Collaborators. Adding is idempotent; Remove returns whether a row went away.
  Status AddCollaborator(store::Session& s, const std::string& playlist_id,
                         const std::string& user_id, int64_t now_ms);
  Result<bool> RemoveCollaborator(store::Session& s, const std::string& playlist_id,
                                  const std::string& user_id);
  Result<bool> UserExists(const std::string& user_id);
  Result<bool> UserExists(store::Session& s, const std::string& user_id);

  // Follows (a user's library of playlists). Both idempotent.
  Status Follow(store::Session& s, const std::string& playlist_id, const std::string& user_id,
                int64_t now_ms);
  Status Unfollow(store::Session& s, const std::string& playlist_id, const std::string& user_id);
  Result<bool> IsFollowing(const std::string& playlist_id, const std::string& user_id);

  // Playlists followed by `library_user` that `viewer` may see (public only when
  // `public_only`), most recently followed first.
  Result<std::vector<Playlist>> ListFollowed(const std::string& viewer,
                                             const std::string& library_user, bool public_only,
                                             int64_t limit, int64_t offset);
  Result<int64_t> CountFollowed(const std::string& viewer, const std::string& library_user,
                                bool public_only);

 private:
  // Inserts `items` at first_position, first_position + 1, ...
  Status InsertRows(store::Session& s, const std::string& playlist_id, int64_t first_position,
                    const std::vector<PlaylistItem>& items);
  // Moves the rows in [from, to) by `delta` to a parked (negative) position; Unpark brings
  // every parked row of the playlist back. See the .cc for why.
  Status Park(store::Session& s, const std::string& playlist_id, int64_t from, int64_t to,
              int64_t delta);
  Status Unpark(store::Session& s, const std::string& playlist_id);

  store::Database& db_;
};

}  // namespace sonora::library
