// The table generated_playlists (Discover Weekly, Daily Mix, Release Radar): the only file
// with its SQL. One row per user, kind and period; track id lists are stored comma-separated.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sonora::recommend {

// One list as a family generates it.
struct GeneratedList {
  std::string kind;  // the family, or "<family>:<n>" for the n-th list of a family of several
  std::string name;
  std::string description;
  std::vector<std::string> track_ids;      // in order
  std::vector<std::string> new_track_ids;  // the subset the listener has not heard (Daily Mix)
};

struct StoredList {
  GeneratedList list;
  int64_t expires_at_ms = 0;
};

// A user and the lists generated for them.
using UserLists = std::pair<std::string, std::vector<GeneratedList>>;

class GeneratedPlaylistRepository {
 public:
  explicit GeneratedPlaylistRepository(store::Database& db) : db_(db) {}

  // The lists of `family` (kind `family` or `family:<n>`) stored for `user_id` and the period
  // starting at `period_ms`, in kind order.
  Result<std::vector<StoredList>> Load(const std::string& user_id, const std::string& family,
                                       int64_t period_ms);

  // Stores each user's lists for the period, all users in one transaction. Per user, the first
  // list decides: when that user's period already has lists (another writer got there first,
  // and on PostgreSQL its transaction held the row until it committed), theirs are kept and
  // none of these are written.
  Status Store(const std::vector<UserLists>& users, int64_t period_ms, int64_t expires_at_ms);

  // Users (id, country) with no list of `family` for the period, by id.
  Result<std::vector<std::pair<std::string, std::string>>> UsersWithout(const std::string& family,
                                                                        int64_t period_ms);

 private:
  store::Database& db_;
};

}  // namespace sonora::recommend
