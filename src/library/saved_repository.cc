#include "library/saved_repository.h"

#include <string_view>

namespace sonora::library {

namespace {

struct Table {
  std::string_view name;     // the table
  std::string_view id;       // the item column
  std::string_view at;       // the timestamp column
  std::string_view catalog;  // the catalog table the item lives in
};

// Names come only from this table, never from a request (SECURITY.md §1, SQL injection).
const Table& TableFor(SavedKind kind) {
  static const Table kTracks{"saved_tracks", "track_id", "added_at_ms", "tracks"};
  static const Table kAlbums{"saved_albums", "album_id", "added_at_ms", "albums"};
  static const Table kArtists{"artist_follows", "artist_id", "followed_at_ms", "artists"};
  switch (kind) {
    case SavedKind::kTrack:
      return kTracks;
    case SavedKind::kAlbum:
      return kAlbums;
    case SavedKind::kArtist:
      return kArtists;
  }
  return kTracks;
}

std::string S(std::string_view v) { return std::string(v); }

// Items whose catalog row is gone are not listed or counted (the foreign keys cascade, so this
// only guards a read racing a catalog delete).
std::string FromJoined(const Table& t) {
  return " FROM " + S(t.name) + " s JOIN " + S(t.catalog) + " c ON c." + S(t.id) + " = s." +
         S(t.id) + " WHERE s.user_id = ?";
}

std::string OrderLimit(const Table& t) {
  return " ORDER BY s." + S(t.at) + " DESC, s." + S(t.id) + " DESC LIMIT ?";
}

std::vector<SavedEntry> EntriesFromRows(const std::vector<store::Row>& rows) {
  std::vector<SavedEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.GetString(0), r.GetInt(1)});
  return out;
}

}  // namespace

Result<std::vector<std::string>> SavedRepository::Insert(store::Session& s, SavedKind kind,
                                                         const std::string& user_id,
                                                         const std::vector<std::string>& ids,
                                                         int64_t now_ms) {
  const Table& t = TableFor(kind);
  const std::string sql = "INSERT INTO " + S(t.name) + " (user_id, " + S(t.id) + ", " + S(t.at) +
                          ") VALUES (?, ?, ?) ON CONFLICT (user_id, " + S(t.id) + ") DO NOTHING";
  std::vector<std::string> inserted;
  for (const auto& id : ids) {
    SONORA_ASSIGN_OR_RETURN(auto res, s.Query(sql, {user_id, id, now_ms}));
    if (res.affected_rows > 0) inserted.push_back(id);
  }
  return inserted;
}

Result<std::vector<std::string>> SavedRepository::Remove(store::Session& s, SavedKind kind,
                                                         const std::string& user_id,
                                                         const std::vector<std::string>& ids) {
  const Table& t = TableFor(kind);
  const std::string sql = "DELETE FROM " + S(t.name) + " WHERE user_id = ? AND " + S(t.id) + " = ?";
  std::vector<std::string> removed;
  for (const auto& id : ids) {
    SONORA_ASSIGN_OR_RETURN(auto res, s.Query(sql, {user_id, id}));
    if (res.affected_rows > 0) removed.push_back(id);
  }
  return removed;
}

Status SavedRepository::AddFollowers(store::Session& s, const std::string& artist_id,
                                     int64_t delta) {
  return s
      .Query("UPDATE artists SET followers = followers + ? WHERE artist_id = ?", {delta, artist_id})
      .status();
}

Result<bool> SavedRepository::ArtistExists(store::Session& s, const std::string& artist_id) {
  SONORA_ASSIGN_OR_RETURN(auto res,
                          s.Query("SELECT 1 FROM artists WHERE artist_id = ?", {artist_id}));
  return !res.rows.empty();
}

Result<std::set<std::string>> SavedRepository::Contains(SavedKind kind, const std::string& user_id,
                                                        const std::vector<std::string>& ids) {
  std::set<std::string> out;
  if (ids.empty()) return out;
  const Table& t = TableFor(kind);
  store::Params params = {user_id};
  params.insert(params.end(), ids.begin(), ids.end());
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT " + S(t.id) + " FROM " + S(t.name) + " WHERE user_id = ? AND " +
                              S(t.id) + " IN " + store::InList(ids.size()),
                          params));
  for (const auto& r : res.rows) out.insert(r.GetString(0));
  return out;
}

Result<std::vector<SavedEntry>> SavedRepository::Page(SavedKind kind, const std::string& user_id,
                                                      int64_t limit, int64_t offset) {
  const Table& t = TableFor(kind);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query("SELECT s." + S(t.id) + ", s." + S(t.at) +
                                                  FromJoined(t) + OrderLimit(t) + " OFFSET ?",
                                              {user_id, limit, offset}));
  return EntriesFromRows(res.rows);
}

Result<std::vector<SavedEntry>> SavedRepository::PageAfter(SavedKind kind,
                                                           const std::string& user_id,
                                                           int64_t limit,
                                                           const std::optional<SavedEntry>& after) {
  const Table& t = TableFor(kind);
  std::string sql = "SELECT s." + S(t.id) + ", s." + S(t.at) + FromJoined(t);
  store::Params params = {user_id};
  if (after) {
    // Rows that sort after the cursor: older, or as old with a smaller id.
    sql += " AND (s." + S(t.at) + " < ? OR (s." + S(t.at) + " = ? AND s." + S(t.id) + " < ?))";
    params.emplace_back(after->saved_at_ms);
    params.emplace_back(after->saved_at_ms);
    params.emplace_back(after->item_id);
  }
  sql += OrderLimit(t);
  params.emplace_back(limit);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, params));
  return EntriesFromRows(res.rows);
}

Result<std::optional<SavedEntry>> SavedRepository::Find(SavedKind kind, const std::string& user_id,
                                                        const std::string& item_id) {
  const Table& t = TableFor(kind);
  SONORA_ASSIGN_OR_RETURN(auto res,
                          db_.Query("SELECT " + S(t.id) + ", " + S(t.at) + " FROM " + S(t.name) +
                                        " WHERE user_id = ? AND " + S(t.id) + " = ?",
                                    {user_id, item_id}));
  if (res.rows.empty()) return std::optional<SavedEntry>();
  return std::optional<SavedEntry>(SavedEntry{res.rows[0].GetString(0), res.rows[0].GetInt(1)});
}

Result<int64_t> SavedRepository::Count(SavedKind kind, const std::string& user_id) {
  const Table& t = TableFor(kind);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query("SELECT COUNT(*)" + FromJoined(t), {user_id}));
  return res.rows[0].GetInt(0);
}

}  // namespace sonora::library
