// The caller's taste for personalized ranking (seed 004 §3: get_user_preferred_genres and
// get_user_favorite_artists). An interface because ranking is tested with fixed tastes and the
// server reads them from the library and listening tables.
#pragma once

#include <string>

#include "core/result.h"
#include "search/search_index.h"
#include "store/database.h"

namespace sonora::search {

// How many of each the taste keeps.
inline constexpr size_t kTasteTopGenres = 3;
inline constexpr size_t kTasteTopPlayedArtists = 10;

class TasteProvider {
 public:
  virtual ~TasteProvider() = default;
  // Errors: the store's. An unknown user has an empty taste.
  virtual Result<Taste> TasteOf(const std::string& user_id) = 0;
};

// Reads artist_follows, saved_tracks and listens (counted plays, >= 30 s):
//   favourite artists = followed artists + the most-played artists;
//   preferred genres  = the most frequent genres among saved and played tracks.
class SqlTasteProvider final : public TasteProvider {
 public:
  explicit SqlTasteProvider(store::Database& db) : db_(db) {}
  Result<Taste> TasteOf(const std::string& user_id) override;

 private:
  store::Database& db_;
};

}  // namespace sonora::search
