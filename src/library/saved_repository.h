// The only SQL for a user's saved items: Liked Songs (saved_tracks), saved albums (saved_albums)
// and followed artists (artist_follows, plus artists.followers). No JSON, no HTTP, no rules:
// SavedService decides. Every statement names the user in its WHERE clause (SECURITY.md §1).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sonora::library {

// Which of the user's collections a call is about.
enum class SavedKind { kTrack, kAlbum, kArtist };

// One row of a collection: the item and when it was saved (or followed).
struct SavedEntry {
  std::string item_id;
  int64_t saved_at_ms = 0;
};

class SavedRepository {
 public:
  explicit SavedRepository(store::Database& db) : db_(db) {}

  // Inserts (user, id, now) for every id, keeping an existing row (and its timestamp) as it
  // is. Returns the ids that were newly inserted. Ids must exist in the catalog (foreign keys).
  Result<std::vector<std::string>> Insert(store::Session& s, SavedKind kind,
                                          const std::string& user_id,
                                          const std::vector<std::string>& ids, int64_t now_ms);
  // Deletes the user's rows for `ids`; returns the ids that were deleted.
  Result<std::vector<std::string>> Remove(store::Session& s, SavedKind kind,
                                          const std::string& user_id,
                                          const std::vector<std::string>& ids);
  // Adds `delta` to artists.followers for `artist_id`, in the caller's transaction.
  Status AddFollowers(store::Session& s, const std::string& artist_id, int64_t delta);
  Result<bool> ArtistExists(store::Session& s, const std::string& artist_id);

  // Which of `ids` the user has saved.
  Result<std::set<std::string>> Contains(SavedKind kind, const std::string& user_id,
                                         const std::vector<std::string>& ids);
  // Newest first (ties: item id descending), paged by offset.
  Result<std::vector<SavedEntry>> Page(SavedKind kind, const std::string& user_id, int64_t limit,
                                       int64_t offset);
  // The same order, starting after `after` (keyset paging: the cursor's own row is excluded).
  Result<std::vector<SavedEntry>> PageAfter(SavedKind kind, const std::string& user_id,
                                            int64_t limit, const std::optional<SavedEntry>& after);
  // The user's row for `item_id`, if any.
  Result<std::optional<SavedEntry>> Find(SavedKind kind, const std::string& user_id,
                                         const std::string& item_id);
  Result<int64_t> Count(SavedKind kind, const std::string& user_id);

 private:
  store::Database& db_;
};

}  // namespace sonora::library
