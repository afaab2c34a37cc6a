#include "search/taste.h"

#include <algorithm>
#include <map>
#include <vector>

#include "core/strings.h"
#include "search/text.h"

namespace sonora::search {

namespace {
// Recent tracks read for genres: enough for a stable top 3, bounded per search.
constexpr int64_t kTasteRecentTracks = 300;
}  // namespace

Result<Taste> SqlTasteProvider::TasteOf(const std::string& user_id) {
  Taste taste;
  SONORA_ASSIGN_OR_RETURN(
      auto follows, db_.Query("SELECT artist_id FROM artist_follows WHERE user_id = ?", {user_id}));
  for (const auto& row : follows.rows) taste.artist_ids.insert(row.GetString(0));

  SONORA_ASSIGN_OR_RETURN(auto played,
                          db_.Query("SELECT ta.artist_id, COUNT(*) AS plays FROM listens l "
                                    "JOIN track_artists ta ON ta.track_id = l.track_id "
                                    "WHERE l.user_id = ? AND l.counted = 1 GROUP BY ta.artist_id "
                                    "ORDER BY plays DESC, ta.artist_id LIMIT ?",
                                    {user_id, static_cast<int64_t>(kTasteTopPlayedArtists)}));
  for (const auto& row : played.rows) taste.artist_ids.insert(row.GetString(0));

  std::map<std::string, int64_t> genre_counts;
  auto count_genres = [&](const store::QueryResult& r) {
    for (const auto& row : r.rows) {
      for (const auto& g : Split(row.GetString(0), ',', true)) {
        std::string f = Join(Words(g), " ");
        if (!f.empty()) ++genre_counts[f];
      }
    }
  };
  SONORA_ASSIGN_OR_RETURN(auto saved, db_.Query("SELECT t.genres FROM saved_tracks s "
                                                "JOIN tracks t ON t.track_id = s.track_id "
                                                "WHERE s.user_id = ? ORDER BY s.added_at_ms DESC "
                                                "LIMIT ?",
                                                {user_id, kTasteRecentTracks}));
  count_genres(saved);
  SONORA_ASSIGN_OR_RETURN(auto plays, db_.Query("SELECT t.genres FROM listens l "
                                                "JOIN tracks t ON t.track_id = l.track_id "
                                                "WHERE l.user_id = ? AND l.counted = 1 "
                                                "ORDER BY l.started_at_ms DESC LIMIT ?",
                                                {user_id, kTasteRecentTracks}));
  count_genres(plays);
  std::vector<std::pair<std::string, int64_t>> genres(genre_counts.begin(), genre_counts.end());
  std::sort(genres.begin(), genres.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (size_t i = 0; i < genres.size() && i < kTasteTopGenres; ++i) {
    taste.genres.insert(genres[i].first);
  }
  return taste;
}

}  // namespace sonora::search
