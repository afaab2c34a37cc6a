#include "library/playlist_repository.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "core/strings.h"
#include "store/sql_dialect.h"

namespace sonora::library {

namespace {

// Who may see a playlist: anyone when public, else its owner, else a collaborator while it is
// collaborative. Two `?`: the viewer, twice.
constexpr std::string_view kVisible =
    "(p.public = 1 OR p.owner_user_id = ? OR (p.collaborative = 1 AND EXISTS ("
    "SELECT 1 FROM playlist_collaborators c WHERE c.playlist_id = p.playlist_id "
    "AND c.user_id = ?)))";

// The columns PlaylistFromRow reads. Two `?`: the viewer, twice (for the role). Only `p` is in
// FROM so that FOR UPDATE locks the playlist row and nothing else.
constexpr std::string_view kSelect =
    "SELECT p.playlist_id, p.name, p.description, p.owner_user_id, p.public, p.collaborative, "
    "p.tracks_count, p.snapshot_id, p.version, p.created_at_ms, p.updated_at_ms, "
    "CASE WHEN p.owner_user_id = ? THEN 2 WHEN p.collaborative = 1 AND EXISTS ("
    "SELECT 1 FROM playlist_collaborators c2 WHERE c2.playlist_id = p.playlist_id "
    "AND c2.user_id = ?) THEN 1 ELSE 0 END, "
    "(SELECT u.display_name FROM users u WHERE u.user_id = p.owner_user_id), "
    "(SELECT COUNT(*) FROM playlist_follows f2 WHERE f2.playlist_id = p.playlist_id "
    "AND f2.user_id <> p.owner_user_id) ";

Playlist PlaylistFromRow(const store::Row& r) {
  Playlist p;
  p.playlist_id = r.GetString(0);
  p.name = r.GetString(1);
  p.description = r.GetString(2);
  p.owner_user_id = r.GetString(3);
  p.is_public = r.GetBool(4);
  p.collaborative = r.GetBool(5);
  p.tracks_count = r.GetInt(6);
  p.snapshot_id = r.GetString(7);
  p.version = r.GetInt(8);
  p.created_at_ms = r.GetInt(9);
  p.updated_at_ms = r.GetInt(10);
  int64_t role = r.GetInt(11);
  p.role = role == 2 ? Role::kOwner : role == 1 ? Role::kCollaborator : Role::kViewer;
  p.owner_display_name = r.GetString(12);
  p.followers = r.GetInt(13);
  return p;
}

std::string JoinInts(const std::vector<int64_t>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(v[i]);
  }
  return out;
}

std::vector<int64_t> SplitInts(const std::string& s) {
  std::vector<int64_t> out;
  for (const auto& part : Split(s, ',', true)) out.push_back(ParseInt(part).value_or(0));
  return out;
}

constexpr std::string_view kOpColumns =
    "seq, snapshot_id, kind, user_id, position, item_count, insert_before, positions, track_ids, "
    "tracks_count_after, created_at_ms";

PlaylistOp OpFromRow(const store::Row& r) {
  PlaylistOp op;
  op.seq = r.GetInt(0);
  op.snapshot_id = r.GetString(1);
  op.kind = ParseOpKind(r.GetString(2)).value_or(OpKind::kDetails);
  op.user_id = r.GetString(3);
  op.position = r.GetInt(4);
  op.item_count = r.GetInt(5);
  op.insert_before = r.GetInt(6);
  op.positions = SplitInts(r.GetString(7));
  op.track_ids = Split(r.GetString(8), ',', true);
  op.tracks_count_after = r.GetInt(9);
  op.created_at_ms = r.GetInt(10);
  return op;
}

std::vector<PlaylistItem> ItemsFromRows(const std::vector<store::Row>& rows) {
  std::vector<PlaylistItem> items;
  items.reserve(rows.size());
  for (const auto& r : rows) {
    items.push_back({.position = r.GetInt(0),
                     .track_id = r.GetString(1),
                     .added_at_ms = r.GetInt(2),
                     .added_by_user_id = r.GetString(3)});
  }
  return items;
}

// Rows per multi-row INSERT: 5 parameters each keeps well under both engines' limits.
constexpr size_t kInsertBatch = 200;
// Values per `IN (...)` list.
constexpr size_t kInListBatch = 200;
// An upper bound past every position; positions are INTEGER (32-bit on PostgreSQL), so bounds
// stay in that range.
constexpr int64_t kNoEnd = 1'000'000'000;

constexpr std::string_view kItemColumns =
    "SELECT position, track_id, added_at_ms, added_by_user_id FROM playlist_tracks ";
// Three `?`: the playlist, the first position, the end (exclusive).
constexpr std::string_view kItemRange =
    "WHERE playlist_id = ? AND position >= ? AND position < ? ORDER BY position";

// [from, from + count) clamped to [0, kNoEnd].
std::pair<int64_t, int64_t> Clamp(int64_t from, int64_t count) {
  const int64_t lo = std::clamp<int64_t>(from, 0, kNoEnd);
  return {lo, std::clamp<int64_t>(lo + std::max<int64_t>(count, 0), lo, kNoEnd)};
}

// "(?, ?, ...)" with `n` placeholders.
}  // namespace

Status PlaylistRepository::Insert(store::Session& s, const Playlist& p) {
  return s
      .Query(
          "INSERT INTO playlists (playlist_id, owner_user_id, name, description, public, "
          "collaborative, tracks_count, snapshot_id, version, created_at_ms, updated_at_ms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {p.playlist_id, p.owner_user_id, p.name, p.description, p.is_public ? 1 : 0,
           p.collaborative ? 1 : 0, p.tracks_count, p.snapshot_id, p.version, p.created_at_ms,
           p.updated_at_ms})
      .status();
}

Result<Playlist> PlaylistRepository::Find(const std::string& viewer,
                                          const std::string& playlist_id) {
  static const std::string sql = std::string(kSelect) +
                                 "FROM playlists p WHERE p.playlist_id = ? AND " +
                                 std::string(kVisible);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {viewer, viewer, playlist_id, viewer, viewer}));
  if (res.rows.empty()) return Status::NotFound("no such playlist");
  return PlaylistFromRow(res.rows[0]);
}

Result<Playlist> PlaylistRepository::Lock(store::Session& s, const std::string& viewer,
                                          const std::string& playlist_id) {
  std::string sql = std::string(kSelect) + "FROM playlists p WHERE p.playlist_id = ? AND " +
                    std::string(kVisible) + " " + std::string(store::ForUpdate(s.dialect()));
  SONORA_ASSIGN_OR_RETURN(auto res, s.Query(sql, {viewer, viewer, playlist_id, viewer, viewer}));
  if (res.rows.empty()) return Status::NotFound("no such playlist");
  return PlaylistFromRow(res.rows[0]);
}

Status PlaylistRepository::UpdateDetails(store::Session& s, const Playlist& p, int64_t now_ms) {
  return s
      .Query(
          "UPDATE playlists SET name = ?, description = ?, public = ?, collaborative = ?, "
          "updated_at_ms = ? WHERE playlist_id = ?",
          {p.name, p.description, p.is_public ? 1 : 0, p.collaborative ? 1 : 0, now_ms,
           p.playlist_id})
      .status();
}

Status PlaylistRepository::SetHead(store::Session& s, const std::string& playlist_id,
                                   const std::string& snapshot_id, int64_t version,
                                   int64_t tracks_count, int64_t now_ms) {
  return s
      .Query(
          "UPDATE playlists SET snapshot_id = ?, version = ?, tracks_count = ?, "
          "updated_at_ms = ? WHERE playlist_id = ?",
          {snapshot_id, version, tracks_count, now_ms, playlist_id})
      .status();
}

Result<std::vector<PlaylistItem>> PlaylistRepository::ItemsPage(const std::string& playlist_id,
                                                                int64_t limit, int64_t offset) {
  static const std::string sql = std::string(kItemColumns) + std::string(kItemRange);
  auto [from, to] = Clamp(offset, limit);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {playlist_id, from, to}));
  return ItemsFromRows(res.rows);
}

Result<std::vector<PlaylistItem>> PlaylistRepository::ItemsRange(store::Session& s,
                                                                 const std::string& playlist_id,
                                                                 int64_t from, int64_t count) {
  static const std::string sql = std::string(kItemColumns) + std::string(kItemRange);
  auto [lo, hi] = Clamp(from, count);
  SONORA_ASSIGN_OR_RETURN(auto res, s.Query(sql, {playlist_id, lo, hi}));
  return ItemsFromRows(res.rows);
}

Result<std::vector<PlaylistItem>> PlaylistRepository::ItemsAt(
    store::Session& s, const std::string& playlist_id, const std::vector<int64_t>& positions) {
  std::vector<int64_t> wanted(positions);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::vector<PlaylistItem> out;
  for (size_t begin = 0; begin < wanted.size(); begin += kInListBatch) {
    size_t end = std::min(wanted.size(), begin + kInListBatch);
    store::Params params{playlist_id};
    for (size_t i = begin; i < end; ++i) params.emplace_back(wanted[i]);
    SONORA_ASSIGN_OR_RETURN(
        auto res, s.Query(std::string(kItemColumns) + "WHERE playlist_id = ? AND position IN " +
                              store::InList(end - begin) + " ORDER BY position",
                          params));
    auto items = ItemsFromRows(res.rows);
    std::move(items.begin(), items.end(), std::back_inserter(out));
  }
  return out;
}

Result<std::vector<PlaylistItem>> PlaylistRepository::ItemsWithTracks(
    store::Session& s, const std::string& playlist_id, const std::vector<std::string>& track_ids) {
  std::vector<PlaylistItem> out;
  for (size_t begin = 0; begin < track_ids.size(); begin += kInListBatch) {
    size_t end = std::min(track_ids.size(), begin + kInListBatch);
    store::Params params{playlist_id};
    for (size_t i = begin; i < end; ++i) params.emplace_back(track_ids[i]);
    SONORA_ASSIGN_OR_RETURN(
        auto res, s.Query(std::string(kItemColumns) + "WHERE playlist_id = ? AND track_id IN " +
                              store::InList(end - begin) + " ORDER BY position",
                          params));
    auto items = ItemsFromRows(res.rows);
    std::move(items.begin(), items.end(), std::back_inserter(out));
  }
  std::sort(out.begin(), out.end(),
            [](const PlaylistItem& a, const PlaylistItem& b) { return a.position < b.position; });
  return out;
}

Status PlaylistRepository::RewriteItemsFrom(store::Session& s, const std::string& playlist_id,
                                            int64_t from, const std::vector<PlaylistItem>& items) {
  SONORA_RETURN_IF_ERROR(
      s.Query("DELETE FROM playlist_tracks WHERE playlist_id = ? AND position >= ?",
              {playlist_id, from})
          .status());
  return InsertRows(s, playlist_id, from, items);
}

Status PlaylistRepository::InsertItems(store::Session& s, const std::string& playlist_id,
                                       int64_t at, const std::vector<PlaylistItem>& items) {
  const auto k = static_cast<int64_t>(items.size());
  SONORA_RETURN_IF_ERROR(Park(s, playlist_id, at, kNoEnd, k));
  SONORA_RETURN_IF_ERROR(InsertRows(s, playlist_id, at, items));
  return Unpark(s, playlist_id);
}

Status PlaylistRepository::RemoveItems(store::Session& s, const std::string& playlist_id,
                                       const std::vector<int64_t>& positions) {
  if (positions.empty()) return Status();
  // Runs of consecutive positions: one DELETE each, and the rows after run i (up to the next
  // run) move down by the number removed so far.
  int64_t removed = 0;
  for (size_t i = 0; i < positions.size();) {
    size_t j = i + 1;
    while (j < positions.size() && positions[j] == positions[j - 1] + 1) ++j;
    const int64_t first = positions[i], end = positions[j - 1] + 1;
    SONORA_RETURN_IF_ERROR(
        s.Query("DELETE FROM playlist_tracks WHERE playlist_id = ? AND position >= ? "
                "AND position < ?",
                {playlist_id, first, end})
            .status());
    removed += end - first;
    const int64_t next = j < positions.size() ? positions[j] : kNoEnd;
    SONORA_RETURN_IF_ERROR(Park(s, playlist_id, end, next, -removed));
    i = j;
  }
  return Unpark(s, playlist_id);
}

Status PlaylistRepository::MoveItems(store::Session& s, const std::string& playlist_id,
                                     int64_t start, int64_t length, int64_t insert_before) {
  const int64_t end = start + length;
  if (insert_before >= start && insert_before <= end) return Status();  // onto itself
  if (insert_before < start) {
    // [insert_before, start) moves up by length; the range moves down to insert_before.
    SONORA_RETURN_IF_ERROR(Park(s, playlist_id, start, end, insert_before - start));
    SONORA_RETURN_IF_ERROR(Park(s, playlist_id, insert_before, start, length));
  } else {
    // [end, insert_before) moves down by length; the range moves up to insert_before - length.
    SONORA_RETURN_IF_ERROR(Park(s, playlist_id, start, end, insert_before - end));
    SONORA_RETURN_IF_ERROR(Park(s, playlist_id, end, insert_before, -length));
  }
  return Unpark(s, playlist_id);
}

Status PlaylistRepository::InsertRows(store::Session& s, const std::string& playlist_id,
                                      int64_t first_position,
                                      const std::vector<PlaylistItem>& items) {
  for (size_t begin = 0; begin < items.size(); begin += kInsertBatch) {
    size_t end = std::min(items.size(), begin + kInsertBatch);
    std::string sql =
        "INSERT INTO playlist_tracks (playlist_id, position, track_id, added_at_ms, "
        "added_by_user_id) VALUES ";
    store::Params params;
    params.reserve((end - begin) * 5);
    for (size_t i = begin; i < end; ++i) {
      sql += i == begin ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
      params.emplace_back(playlist_id);
      params.emplace_back(first_position + static_cast<int64_t>(i));
      params.emplace_back(items[i].track_id);
      params.emplace_back(items[i].added_at_ms);
      params.emplace_back(items[i].added_by_user_id);
    }
    SONORA_RETURN_IF_ERROR(s.Query(sql, params).status());
  }
  return Status();
}

// (playlist_id, position) is the primary key, and both engines check it row by row: SQLite
// applies a multi-row UPDATE in rowid order, which is not position order once items were
// inserted or moved, and PostgreSQL checks a non-deferrable key after each row. So a shift in
// place ("position = position - k") can collide with a row not yet moved. Instead every
// renumbering parks the rows it moves at -(new position) - 1, where no row lives, and one
// final statement brings all parked rows back: each moved row is written twice, and no other
// row is touched.
Status PlaylistRepository::Park(store::Session& s, const std::string& playlist_id, int64_t from,
                                int64_t to, int64_t delta) {
  if (from >= to || delta == 0) return Status();
  return s
      .Query(
          "UPDATE playlist_tracks SET position = -(position + ?) - 1 "
          "WHERE playlist_id = ? AND position >= ? AND position < ?",
          {delta, playlist_id, from, to})
      .status();
}

Status PlaylistRepository::Unpark(store::Session& s, const std::string& playlist_id) {
  return s
      .Query(
          "UPDATE playlist_tracks SET position = -position - 1 "
          "WHERE playlist_id = ? AND position < 0",
          {playlist_id})
      .status();
}

Status PlaylistRepository::InsertOp(store::Session& s, const std::string& playlist_id,
                                    const PlaylistOp& op) {
  return s
      .Query(
          "INSERT INTO playlist_ops (playlist_id, seq, snapshot_id, kind, user_id, position, "
          "item_count, insert_before, positions, track_ids, tracks_count_after, created_at_ms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {playlist_id, op.seq, op.snapshot_id, OpKindName(op.kind), op.user_id, op.position,
           op.item_count, op.insert_before, JoinInts(op.positions), Join(op.track_ids, ","),
           op.tracks_count_after, op.created_at_ms})
      .status();
}

Result<std::optional<PlaylistOp>> PlaylistRepository::FindOp(store::Session& s,
                                                             const std::string& playlist_id,
                                                             const std::string& snapshot_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, s.Query("SELECT " + std::string(kOpColumns) +
                            " FROM playlist_ops WHERE playlist_id = ? AND snapshot_id = ?",
                        {playlist_id, snapshot_id}));
  if (res.rows.empty()) return std::optional<PlaylistOp>();
  return std::optional<PlaylistOp>(OpFromRow(res.rows[0]));
}

Result<std::vector<PlaylistOp>> PlaylistRepository::OpsAfter(store::Session& s,
                                                             const std::string& playlist_id,
                                                             int64_t after_seq) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, s.Query("SELECT " + std::string(kOpColumns) +
                            " FROM playlist_ops WHERE playlist_id = ? AND seq > ? ORDER BY seq",
                        {playlist_id, after_seq}));
  std::vector<PlaylistOp> ops;
  for (const auto& r : res.rows) ops.push_back(OpFromRow(r));
  return ops;
}

Result<std::vector<PlaylistOp>> PlaylistRepository::OpsPage(const std::string& playlist_id,
                                                            int64_t limit, int64_t offset) {
  SONORA_ASSIGN_OR_RETURN(
      auto res,
      db_.Query("SELECT " + std::string(kOpColumns) +
                    " FROM playlist_ops WHERE playlist_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
                {playlist_id, limit, offset}));
  std::vector<PlaylistOp> ops;
  for (const auto& r : res.rows) ops.push_back(OpFromRow(r));
  return ops;
}

Result<int64_t> PlaylistRepository::CountOps(const std::string& playlist_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res,
      db_.Query("SELECT COUNT(*) FROM playlist_ops WHERE playlist_id = ?", {playlist_id}));
  return res.rows[0].GetInt(0);
}

Status PlaylistRepository::AddCollaborator(store::Session& s, const std::string& playlist_id,
                                           const std::string& user_id, int64_t now_ms) {
  return s
      .Query(
          "INSERT INTO playlist_collaborators (playlist_id, user_id, added_at_ms) "
          "VALUES (?, ?, ?) ON CONFLICT (playlist_id, user_id) DO NOTHING",
          {playlist_id, user_id, now_ms})
      .status();
}

Result<bool> PlaylistRepository::RemoveCollaborator(store::Session& s,
                                                    const std::string& playlist_id,
                                                    const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, s.Query("DELETE FROM playlist_collaborators WHERE playlist_id = ? AND user_id = ?",
                        {playlist_id, user_id}));
  return res.affected_rows > 0;
}

Result<bool> PlaylistRepository::UserExists(const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query("SELECT 1 FROM users WHERE user_id = ?", {user_id}));
  return !res.rows.empty();
}

Result<bool> PlaylistRepository::UserExists(store::Session& s, const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(auto res, s.Query("SELECT 1 FROM users WHERE user_id = ?", {user_id}));
  return !res.rows.empty();
}

Status PlaylistRepository::Follow(store::Session& s, const std::string& playlist_id,
                                  const std::string& user_id, int64_t now_ms) {
  return s
      .Query(
          "INSERT INTO playlist_follows (playlist_id, user_id, followed_at_ms) "
          "VALUES (?, ?, ?) ON CONFLICT (playlist_id, user_id) DO NOTHING",
          {playlist_id, user_id, now_ms})
      .status();
}

Status PlaylistRepository::Unfollow(store::Session& s, const std::string& playlist_id,
                                    const std::string& user_id) {
  return s
      .Query("DELETE FROM playlist_follows WHERE playlist_id = ? AND user_id = ?",
             {playlist_id, user_id})
      .status();
}

Result<bool> PlaylistRepository::IsFollowing(const std::string& playlist_id,
                                             const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT 1 FROM playlist_follows WHERE playlist_id = ? AND user_id = ?",
                          {playlist_id, user_id}));
  return !res.rows.empty();
}

Result<std::vector<Playlist>> PlaylistRepository::ListFollowed(const std::string& viewer,
                                                               const std::string& library_user,
                                                               bool public_only, int64_t limit,
                                                               int64_t offset) {
  std::string sql = std::string(kSelect) +
                    "FROM playlists p JOIN playlist_follows f ON f.playlist_id = p.playlist_id "
                    "WHERE f.user_id = ? AND " +
                    std::string(kVisible) + (public_only ? " AND p.public = 1" : "") +
                    " ORDER BY f.followed_at_ms DESC, p.playlist_id LIMIT ? OFFSET ?";
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query(sql, {viewer, viewer, library_user, viewer, viewer, limit, offset}));
  std::vector<Playlist> out;
  for (const auto& r : res.rows) out.push_back(PlaylistFromRow(r));
  return out;
}

Result<int64_t> PlaylistRepository::CountFollowed(const std::string& viewer,
                                                  const std::string& library_user,
                                                  bool public_only) {
  std::string sql =
      "SELECT COUNT(*) FROM playlists p JOIN playlist_follows f ON f.playlist_id = p.playlist_id "
      "WHERE f.user_id = ? AND " +
      std::string(kVisible) + (public_only ? " AND p.public = 1" : "");
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {library_user, viewer, viewer}));
  return res.rows[0].GetInt(0);
}

}  // namespace sonora::library
