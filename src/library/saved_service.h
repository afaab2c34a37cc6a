// SavedService: the rules for a user's library of saved items (issue 5, Library; seed 000 §5
// Follow Artist, §6 user_saved_tracks and follows): Liked Songs, saved albums and followed
// artists with exact follower counts. docs/decisions/0010-library.md has the choices.
//
// Ids lists (save, remove, contains) follow Spotify's batch rules: 1..50 ids, each well formed,
// else kInvalidArgument naming "ids". Saving and removing are idempotent: saving an item twice
// keeps the first timestamp, removing one that isn't saved changes nothing. Every id given to
// save or remove must name a catalog item (kInvalidArgument "ids" otherwise, nothing changes);
// contains answers false for unknown ids.
//
// A follow or unfollow that inserts or deletes a row changes artists.followers by one in the
// same transaction, so the count is exact under any concurrency (both backends).
// Thread-safe. Blocks on the database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_repository.h"
#include "catalog/catalog_service.h"
#include "core/clock.h"
#include "core/result.h"
#include "library/saved_repository.h"
#include "store/database.h"

namespace sonora::library {

inline constexpr size_t kMaxSavedIdsPerRequest = 50;  // Spotify's limit for /me/tracks etc.

struct SavedTrack {
  int64_t added_at_ms = 0;
  catalog::Track track;
};

struct SavedAlbum {
  int64_t added_at_ms = 0;
  catalog::Album album;
};

// A page of followed artists, newest follow first, paged by cursor.
struct FollowedArtists {
  std::vector<catalog::Artist> items;
  int64_t total = 0;
  int64_t limit = 0;
  std::optional<std::string> after;  // the cursor for the next page; nullopt on the last page
};

class SavedService {
 public:
  // All references must outlive the service.
  SavedService(store::Database& db, SavedRepository& repo, catalog::CatalogRepository& catalog,
               const Clock& clock)
      : db_(db), repo_(repo), catalog_(catalog), clock_(clock) {}

  // Saves or removes tracks (kTrack) or albums (kAlbum); kArtist is not accepted here (use
  // Follow/Unfollow) and answers kInvalidArgument. Duplicate ids in one call count once.
  Status Save(SavedKind kind, const std::string& user, const std::vector<std::string>& ids);
  Status Remove(SavedKind kind, const std::string& user, const std::vector<std::string>& ids);
  // For each id in order (duplicates answered each time): whether `user` saved or follows it.
  Result<std::vector<bool>> Contains(SavedKind kind, const std::string& user,
                                     const std::vector<std::string>& ids);

  // Newest first; ties (one call saving several) by id, descending.
  Result<catalog::Paged<SavedTrack>> ListTracks(const std::string& user, int64_t limit,
                                                int64_t offset);
  Result<catalog::Paged<SavedAlbum>> ListAlbums(const std::string& user, int64_t limit,
                                                int64_t offset);

  // kNotFound when the artist doesn't exist (or the id is malformed). Idempotent.
  Status Follow(const std::string& user, const std::string& artist_id);
  Status Unfollow(const std::string& user, const std::string& artist_id);
  // Newest follow first. `after`: the last artist id of the previous page; kInvalidArgument
  // "after" when it is malformed or not an artist `user` follows.
  Result<FollowedArtists> ListFollowedArtists(const std::string& user, int64_t limit,
                                              const std::optional<std::string>& after);

 private:
  // The ids checked for count and shape, with duplicates dropped (first occurrence kept).
  Result<std::vector<std::string>> CheckIds(const std::vector<std::string>& ids);
  // kInvalidArgument "ids" naming the first id that isn't in the catalog.
  Status CheckExist(SavedKind kind, const std::vector<std::string>& ids);
  Status SetFollowing(const std::string& user, const std::string& artist_id, bool follow);

  store::Database& db_;
  SavedRepository& repo_;
  catalog::CatalogRepository& catalog_;
  const Clock& clock_;
};

}  // namespace sonora::library
