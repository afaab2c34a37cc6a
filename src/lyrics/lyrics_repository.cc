#include "lyrics/lyrics_repository.h"

namespace sonora::lyrics {

Result<std::map<std::string, std::string>> LyricsRepository::LrcOf(
    const std::vector<std::string>& track_ids, int64_t max_chars) {
  std::map<std::string, std::string> out;
  if (track_ids.empty()) return out;
  std::string sql = "SELECT track_id, substr(lrc, 1, ?) FROM track_lyrics WHERE track_id IN (";
  store::Params params = {max_chars};
  for (size_t i = 0; i < track_ids.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.emplace_back(track_ids[i]);
  }
  sql += ")";
  SONORA_ASSIGN_OR_RETURN(auto r, db_.Query(sql, params));
  for (const auto& row : r.rows) out[row.GetString(0)] = row.GetString(1);
  return out;
}

}  // namespace sonora::lyrics
