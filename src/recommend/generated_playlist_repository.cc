#include "recommend/generated_playlist_repository.h"

#include "core/strings.h"

namespace sonora::recommend {

namespace {

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

// "kind is the family or one of its numbered lists", without LIKE (whose '_' is a wildcard)
// or range comparisons (PostgreSQL's collation may order punctuation differently).
constexpr const char* kFamilyClause = "(kind = ? OR substr(kind, 1, ?) = ?)";

}  // namespace

Result<std::vector<StoredList>> GeneratedPlaylistRepository::Load(const std::string& user_id,
                                                                  const std::string& family,
                                                                  int64_t period_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query(
          std::string("SELECT kind, name, description, track_ids, new_track_ids, "
                      "expires_at_ms FROM generated_playlists WHERE user_id = ? AND "
                      "generated_at_ms = ? AND ") +
              kFamilyClause + " ORDER BY kind",
          {user_id, period_ms, family, static_cast<int64_t>(family.size() + 1), family + ":"}));
  std::vector<StoredList> out;
  for (const auto& r : rows.rows) {
    StoredList s;
    s.list.kind = r.GetString(0);
    s.list.name = r.GetString(1);
    s.list.description = r.GetString(2);
    s.list.track_ids = Split(r.GetString(3), ',', true);
    s.list.new_track_ids = Split(r.GetString(4), ',', true);
    s.expires_at_ms = r.GetInt(5);
    out.push_back(std::move(s));
  }
  return out;
}

Status GeneratedPlaylistRepository::Store(const std::vector<UserLists>& users, int64_t period_ms,
                                          int64_t expires_at_ms) {
  return db_.Transact([&](store::Session& session) -> Status {
    for (const auto& [user_id, lists] : users) {
      for (size_t i = 0; i < lists.size(); ++i) {
        const GeneratedList& l = lists[i];
        SONORA_ASSIGN_OR_RETURN(
            auto inserted,
            session.Query("INSERT INTO generated_playlists (user_id, kind, generated_at_ms, "
                          "expires_at_ms, track_ids, name, description, new_track_ids) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (user_id, kind, generated_at_ms) DO NOTHING RETURNING kind",
                          {user_id, l.kind, period_ms, expires_at_ms, JoinIds(l.track_ids), l.name,
                           l.description, JoinIds(l.new_track_ids)}));
        if (!inserted.rows.empty()) continue;
        if (i == 0) break;  // this user's period was stored by someone else: keep theirs
        return Status::Internal("generated playlists stored by two writers at once");
      }
    }
    return Status();
  });
}

Result<std::vector<std::pair<std::string, std::string>>> GeneratedPlaylistRepository::UsersWithout(
    const std::string& family, int64_t period_ms) {
  SONORA_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query(std::string("SELECT u.user_id, u.country FROM users u WHERE NOT EXISTS ("
                            "SELECT 1 FROM generated_playlists g WHERE g.user_id = u.user_id "
                            "AND g.generated_at_ms = ? AND ") +
                    kFamilyClause + ") ORDER BY u.user_id",
                {period_ms, family, static_cast<int64_t>(family.size() + 1), family + ":"}));
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.emplace_back(r.GetString(0), r.GetString(1));
  return out;
}

}  // namespace sonora::recommend
