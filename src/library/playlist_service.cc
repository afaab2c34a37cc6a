#include "library/playlist_service.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include "core/ids.h"
#include "core/random.h"
#include "core/strings.h"

namespace sonora::library {

namespace {

constexpr size_t kSnapshotLength = 24;  // base62 characters: opaque and unguessable

size_t CountCodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Status CheckName(const std::string& name) {
  if (Trim(name).empty()) return Status::InvalidArgument("name", "'name' must not be empty");
  if (CountCodePoints(name) > kMaxPlaylistNameLength) {
    return Status::InvalidArgument("name", "'name' may be at most 100 characters");
  }
  return Status();
}

Status CheckDescription(const std::string& description) {
  if (CountCodePoints(description) > kMaxPlaylistDescriptionLength) {
    return Status::InvalidArgument("description", "'description' may be at most 300 characters");
  }
  return Status();
}

Status NotOwner() {
  return Status::PermissionDenied("not_owner", "only the playlist's owner may do this");
}

Status Stale(const Playlist& p) {
  return Status::Aborted("stale_snapshot",
                         "snapshot_id is stale; the current snapshot_id is " + p.snapshot_id);
}

// Item operations: the owner, or a collaborator (the role query already requires the
// playlist to be collaborative).
Status CheckCanEditItems(const Playlist& p) {
  if (p.role == Role::kViewer) {
    return Status::PermissionDenied("not_owner",
                                    "only the owner or a collaborator may change the items");
  }
  return Status();
}

// If-Match on a whole-resource write (RFC 9110 §13.1.1; SECURITY.md §5.2).
Status CheckIfMatch(const Playlist& p, const std::optional<std::string>& if_match) {
  if (!if_match) {
    return Status::PreconditionRequired("If-Match with the playlist's snapshot_id is required");
  }
  if (*if_match == "*" || *if_match == p.snapshot_id) return Status();
  return Stale(p);
}

// Where an item at position `p` just before `op` is just after it; nullopt when `op` removed
// it (or replaced everything).
std::optional<int64_t> MapItem(const PlaylistOp& op, int64_t p) {
  switch (op.kind) {
    case OpKind::kCreate:
    case OpKind::kDetails:
      return p;
    case OpKind::kAdd:
      return p >= op.position ? p + op.item_count : p;
    case OpKind::kRemove: {
      auto it = std::lower_bound(op.positions.begin(), op.positions.end(), p);
      if (it != op.positions.end() && *it == p) return std::nullopt;
      return p - (it - op.positions.begin());
    }
    case OpKind::kMove: {
      const int64_t s = op.position, len = op.item_count, b = op.insert_before;
      if (b >= s && b <= s + len) return p;  // a move onto itself
      const int64_t dest = b < s ? b : b - len;
      if (p >= s && p < s + len) return dest + (p - s);
      const int64_t q = p < s ? p : p - len;
      return q >= dest ? q + len : q;
    }
    case OpKind::kReplace:
      return std::nullopt;
  }
  return std::nullopt;
}

// An insertion point ("before the item at p", or the end when p == count) through `op`: it
// follows its anchor item; when the anchor was removed it stays before the next survivor.
std::optional<int64_t> MapGap(const PlaylistOp& op, int64_t p, int64_t count_before) {
  switch (op.kind) {
    case OpKind::kRemove: {
      auto it = std::lower_bound(op.positions.begin(), op.positions.end(), p);
      return p - (it - op.positions.begin());
    }
    case OpKind::kMove:
      if (p >= count_before) return p;
      return MapItem(op, p);
    default:
      return MapItem(op, p);
  }
}

// The operations committed after a client's snapshot, and the item count at that snapshot.
struct Baseline {
  int64_t count = 0;
  std::vector<PlaylistOp> since;
};

Result<Baseline> BaselineFor(PlaylistRepository& repo, store::Session& s, const Playlist& p,
                             const std::optional<std::string>& snapshot_id) {
  Baseline b{.count = p.tracks_count, .since = {}};
  if (!snapshot_id || *snapshot_id == p.snapshot_id) return b;
  SONORA_ASSIGN_OR_RETURN(auto op, repo.FindOp(s, p.playlist_id, *snapshot_id));
  if (!op) return Stale(p);
  b.count = op->tracks_count_after;
  SONORA_ASSIGN_OR_RETURN(b.since, repo.OpsAfter(s, p.playlist_id, op->seq));
  return b;
}

std::optional<int64_t> RebaseItem(const Baseline& b, int64_t p) {
  std::optional<int64_t> pos = p;
  for (const auto& op : b.since) {
    pos = MapItem(op, *pos);
    if (!pos) return std::nullopt;
  }
  return pos;
}

std::optional<int64_t> RebaseGap(const Baseline& b, int64_t p) {
  std::optional<int64_t> pos = p;
  int64_t count = b.count;
  for (const auto& op : b.since) {
    pos = MapGap(op, *pos, count);
    if (!pos) return std::nullopt;
    count = op.tracks_count_after;
  }
  return pos;
}

// Records `op` (kind and details filled by the caller) as the playlist's next operation and
// moves the head; returns the new snapshot id.
Result<std::string> Commit(PlaylistRepository& repo, store::Session& s, const Playlist& p,
                           PlaylistOp op, const std::string& user, int64_t new_count,
                           int64_t now_ms) {
  op.seq = p.version + 1;
  op.snapshot_id = RandomBase62(kSnapshotLength);
  op.user_id = user;
  op.tracks_count_after = new_count;
  op.created_at_ms = now_ms;
  SONORA_RETURN_IF_ERROR(repo.InsertOp(s, p.playlist_id, op));
  SONORA_RETURN_IF_ERROR(repo.SetHead(s, p.playlist_id, op.snapshot_id, op.seq, new_count, now_ms));
  return op.snapshot_id;
}

Status CheckTrackIdShape(const std::vector<std::string>& ids, const char* field) {
  for (const auto& id : ids) {
    if (!IsWellFormedId(id)) return Status::InvalidArgument(field, "malformed track id");
  }
  return Status();
}

}  // namespace

Status PlaylistService::CheckTracksExist(const std::vector<std::string>& track_ids) {
  for (size_t begin = 0; begin < track_ids.size(); begin += catalog::kMaxBatchIds) {
    std::vector<std::string> chunk(
        track_ids.begin() + begin,
        track_ids.begin() + std::min(track_ids.size(), begin + catalog::kMaxBatchIds));
    SONORA_ASSIGN_OR_RETURN(auto found, catalog_.GetTracks(chunk));
    for (size_t i = 0; i < found.size(); ++i) {
      if (!found[i]) return Status::InvalidArgument("track_ids", "unknown track id " + chunk[i]);
    }
  }
  return Status();
}

Result<Playlist> PlaylistService::Create(const std::string& user,
                                         const CreatePlaylistRequest& request) {
  SONORA_RETURN_IF_ERROR(CheckName(request.name));
  SONORA_RETURN_IF_ERROR(CheckDescription(request.description));
  const bool is_public = request.is_public.value_or(!request.collaborative);
  if (is_public && request.collaborative) {
    return Status::InvalidArgument("public", "a collaborative playlist cannot be public");
  }
  const int64_t now = clock_.NowMillis();
  Playlist p;
  p.playlist_id = NewId("playlist");
  p.name = std::string(Trim(request.name));
  p.description = request.description;
  p.owner_user_id = user;
  p.is_public = is_public;
  p.collaborative = request.collaborative;
  p.version = 0;
  p.created_at_ms = now;
  p.updated_at_ms = now;
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    p.snapshot_id = "";
    SONORA_RETURN_IF_ERROR(repo_.Insert(s, p));
    PlaylistOp op;
    op.kind = OpKind::kCreate;
    SONORA_ASSIGN_OR_RETURN(p.snapshot_id, Commit(repo_, s, p, op, user, 0, now));
    return repo_.Follow(s, p.playlist_id, user, now);
  }));
  return repo_.Find(user, p.playlist_id);
}

Result<Playlist> PlaylistService::Get(const std::string& user, const std::string& playlist_id) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  return repo_.Find(user, playlist_id);
}

Result<Paged<PlaylistTrack>> PlaylistService::GetTracks(const std::string& user,
                                                        const std::string& playlist_id,
                                                        int64_t limit, int64_t offset) {
  SONORA_ASSIGN_OR_RETURN(Playlist p, Get(user, playlist_id));
  SONORA_ASSIGN_OR_RETURN(auto items, repo_.ItemsPage(playlist_id, limit, offset));
  std::vector<std::string> ids;
  std::unordered_map<std::string, int> uses;  // occurrences on this page
  ids.reserve(items.size());
  for (const auto& it : items) {
    if (uses[it.track_id]++ == 0) ids.push_back(it.track_id);
  }
  std::unordered_map<std::string, catalog::Track> tracks;
  for (size_t begin = 0; begin < ids.size(); begin += catalog::kMaxBatchIds) {
    std::vector<std::string> chunk(
        ids.begin() + begin, ids.begin() + std::min(ids.size(), begin + catalog::kMaxBatchIds));
    SONORA_ASSIGN_OR_RETURN(auto found, catalog_.GetTracks(chunk));
    for (auto& t : found) {
      if (t) tracks.emplace(t->track_id, std::move(*t));
    }
  }
  Paged<PlaylistTrack> page;
  page.total = p.tracks_count;
  page.limit = limit;
  page.offset = offset;
  page.items.reserve(items.size());
  for (auto& it : items) {
    auto t = tracks.find(it.track_id);
    if (t == tracks.end()) continue;  // the catalog's foreign key makes this unreachable
    // The last use of a track on the page takes it; earlier ones copy.
    catalog::Track track = --uses[it.track_id] == 0 ? std::move(t->second) : t->second;
    page.items.push_back({.item = std::move(it), .track = std::move(track)});
  }
  return page;
}

Result<Playlist> PlaylistService::Update(const std::string& user, const std::string& playlist_id,
                                         const UpdatePlaylistRequest& request) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  if (request.name) SONORA_RETURN_IF_ERROR(CheckName(*request.name));
  if (request.description) SONORA_RETURN_IF_ERROR(CheckDescription(*request.description));
  const int64_t now = clock_.NowMillis();
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    if (p.role != Role::kOwner) return NotOwner();
    SONORA_RETURN_IF_ERROR(CheckIfMatch(p, request.if_match));
    if (request.name) p.name = std::string(Trim(*request.name));
    if (request.description) p.description = *request.description;
    if (request.collaborative) p.collaborative = *request.collaborative;
    if (request.is_public) {
      p.is_public = *request.is_public;
    } else if (request.collaborative && *request.collaborative) {
      p.is_public = false;  // making it collaborative makes it private unless told otherwise
    }
    if (p.is_public && p.collaborative) {
      return Status::InvalidArgument(request.is_public ? "public" : "collaborative",
                                     "a collaborative playlist cannot be public");
    }
    SONORA_RETURN_IF_ERROR(repo_.UpdateDetails(s, p, now));
    PlaylistOp op;
    op.kind = OpKind::kDetails;
    return Commit(repo_, s, p, op, user, p.tracks_count, now).status();
  }));
  return repo_.Find(user, playlist_id);
}

Status PlaylistService::Delete(const std::string& user, const std::string& playlist_id) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  return db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    if (p.role != Role::kOwner) return NotOwner();
    return repo_.Unfollow(s, playlist_id, user);
  });
}

Result<Paged<Playlist>> PlaylistService::ListMine(const std::string& user, int64_t limit,
                                                  int64_t offset) {
  Paged<Playlist> page;
  SONORA_ASSIGN_OR_RETURN(page.items, repo_.ListFollowed(user, user, false, limit, offset));
  SONORA_ASSIGN_OR_RETURN(page.total, repo_.CountFollowed(user, user, false));
  page.limit = limit;
  page.offset = offset;
  return page;
}

Result<Paged<Playlist>> PlaylistService::ListUserPlaylists(const std::string& viewer,
                                                           const std::string& owner, int64_t limit,
                                                           int64_t offset) {
  if (!IsWellFormedId(owner)) return Status::NotFound("no such user");
  SONORA_ASSIGN_OR_RETURN(bool exists, repo_.UserExists(owner));
  if (!exists) return Status::NotFound("no such user");
  Paged<Playlist> page;
  SONORA_ASSIGN_OR_RETURN(page.items, repo_.ListFollowed(viewer, owner, true, limit, offset));
  SONORA_ASSIGN_OR_RETURN(page.total, repo_.CountFollowed(viewer, owner, true));
  page.limit = limit;
  page.offset = offset;
  return page;
}

Result<AddTracksResult> PlaylistService::AddTracks(const std::string& user,
                                                   const std::string& playlist_id,
                                                   const AddTracksRequest& request) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  const auto k = static_cast<int64_t>(request.track_ids.size());
  if (request.track_ids.empty() || request.track_ids.size() > kMaxTracksPerRequest) {
    return Status::InvalidArgument("track_ids", "'track_ids' must hold 1 to 100 track ids");
  }
  if (request.position && *request.position < 0) {
    return Status::InvalidArgument("position", "'position' must not be negative");
  }
  SONORA_RETURN_IF_ERROR(CheckTrackIdShape(request.track_ids, "track_ids"));
  SONORA_RETURN_IF_ERROR(CheckTracksExist(request.track_ids));
  const int64_t now = clock_.NowMillis();
  AddTracksResult result{.snapshot_id = "", .tracks_added = k};
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    SONORA_RETURN_IF_ERROR(CheckCanEditItems(p));
    const int64_t n = p.tracks_count;
    if (n + k > static_cast<int64_t>(kMaxPlaylistItems)) {
      return Status::InvalidArgument("track_ids", "a playlist holds at most 10,000 tracks");
    }
    int64_t at = n;
    if (request.position) {
      SONORA_ASSIGN_OR_RETURN(Baseline b, BaselineFor(repo_, s, p, request.snapshot_id));
      if (*request.position > b.count) {
        return Status::InvalidArgument("position", "'position' is past the end of the playlist");
      }
      auto rebased = RebaseGap(b, *request.position);
      if (!rebased) return Stale(p);
      at = std::clamp<int64_t>(*rebased, 0, n);
    } else if (request.snapshot_id) {
      // An append needs no rebasing, but an unknown snapshot is still the client's error.
      SONORA_RETURN_IF_ERROR(BaselineFor(repo_, s, p, request.snapshot_id).status());
    }
    std::vector<PlaylistItem> fresh;
    for (const auto& id : request.track_ids) {
      fresh.push_back(
          {.position = 0, .track_id = id, .added_at_ms = now, .added_by_user_id = user});
    }
    if (at == n) {
      for (size_t i = 0; i < fresh.size(); ++i) fresh[i].position = n + static_cast<int64_t>(i);
      SONORA_RETURN_IF_ERROR(repo_.RewriteItemsFrom(s, playlist_id, n, fresh));
    } else {
      SONORA_RETURN_IF_ERROR(repo_.InsertItems(s, playlist_id, at, fresh));
    }
    PlaylistOp op;
    op.kind = OpKind::kAdd;
    op.position = at;
    op.item_count = k;
    op.track_ids = request.track_ids;
    SONORA_ASSIGN_OR_RETURN(result.snapshot_id, Commit(repo_, s, p, op, user, n + k, now));
    return Status();
  }));
  return result;
}

Result<std::string> PlaylistService::RemoveTracks(const std::string& user,
                                                  const std::string& playlist_id,
                                                  const RemoveTracksRequest& request) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  if (request.tracks.empty() || request.tracks.size() > kMaxTracksPerRequest) {
    return Status::InvalidArgument("tracks", "'tracks' must hold 1 to 100 entries");
  }
  for (const auto& t : request.tracks) {
    if (!IsWellFormedId(t.track_id)) return Status::InvalidArgument("tracks", "malformed track id");
    if (t.positions) {
      if (t.positions->empty()) {
        return Status::InvalidArgument("tracks", "'positions' must not be empty");
      }
      for (int64_t pos : *t.positions) {
        if (pos < 0) return Status::InvalidArgument("tracks", "positions must not be negative");
      }
    }
  }
  const int64_t now = clock_.NowMillis();
  std::string snapshot;
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    SONORA_RETURN_IF_ERROR(CheckCanEditItems(p));
    SONORA_ASSIGN_OR_RETURN(Baseline b, BaselineFor(repo_, s, p, request.snapshot_id));
    // Rebase every named position first, then read only the rows involved: the items at those
    // positions and the items of tracks removed by id. Never the whole playlist.
    std::vector<std::string> by_id;
    std::vector<std::pair<int64_t, const std::string*>> targets;  // rebased position, track
    for (const auto& t : request.tracks) {
      if (!t.positions) {
        by_id.push_back(t.track_id);
        continue;
      }
      for (int64_t pos : *t.positions) {
        if (pos >= b.count) {
          return Status::InvalidArgument(
              "tracks", "position " + std::to_string(pos) + " is past the end of the playlist");
        }
        auto now_at = RebaseItem(b, pos);
        if (!now_at) return Stale(p);
        targets.emplace_back(*now_at, &t.track_id);
      }
    }
    std::vector<int64_t> wanted;
    wanted.reserve(targets.size());
    for (const auto& [at, id] : targets) wanted.push_back(at);
    SONORA_ASSIGN_OR_RETURN(auto at_positions, repo_.ItemsAt(s, playlist_id, wanted));
    SONORA_ASSIGN_OR_RETURN(auto of_tracks, repo_.ItemsWithTracks(s, playlist_id, by_id));
    std::map<int64_t, std::string> doomed;  // position -> track id
    for (auto& it : of_tracks) doomed.emplace(it.position, std::move(it.track_id));
    std::unordered_map<int64_t, const std::string*> held;
    for (const auto& it : at_positions) held.emplace(it.position, &it.track_id);
    for (const auto& [now_at, track_id] : targets) {
      auto held_at = held.find(now_at);
      if (held_at == held.end()) return Stale(p);  // the log and the items disagree
      if (*held_at->second != *track_id) {
        // At the current snapshot this is the client's mistake; after rebasing it means the
        // log and the client disagree, and touching anything would be a guess.
        if (b.since.empty()) {
          return Status::InvalidArgument(
              "tracks", "position " + std::to_string(now_at) + " does not hold " + *track_id);
        }
        return Stale(p);
      }
      doomed.emplace(now_at, *track_id);
    }
    if (doomed.empty()) {
      snapshot = p.snapshot_id;
      return Status();
    }
    PlaylistOp op;
    op.kind = OpKind::kRemove;
    for (auto& [pos, id] : doomed) {
      op.positions.push_back(pos);
      op.track_ids.push_back(std::move(id));
    }
    const int64_t new_count = p.tracks_count - static_cast<int64_t>(op.positions.size());
    SONORA_RETURN_IF_ERROR(repo_.RemoveItems(s, playlist_id, op.positions));
    SONORA_ASSIGN_OR_RETURN(snapshot, Commit(repo_, s, p, op, user, new_count, now));
    return Status();
  }));
  return snapshot;
}

Result<std::string> PlaylistService::ReorderTracks(const std::string& user,
                                                   const std::string& playlist_id,
                                                   const ReorderTracksRequest& request) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  if (request.range_start < 0) {
    return Status::InvalidArgument("range_start", "'range_start' must not be negative");
  }
  if (request.range_length < 1) {
    return Status::InvalidArgument("range_length", "'range_length' must be at least 1");
  }
  if (request.insert_before < 0) {
    return Status::InvalidArgument("insert_before", "'insert_before' must not be negative");
  }
  const int64_t now = clock_.NowMillis();
  std::string snapshot;
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    SONORA_RETURN_IF_ERROR(CheckCanEditItems(p));
    SONORA_ASSIGN_OR_RETURN(Baseline b, BaselineFor(repo_, s, p, request.snapshot_id));
    const int64_t len = request.range_length;
    if (request.range_start >= b.count) {
      return Status::InvalidArgument("range_start", "'range_start' is past the end");
    }
    if (request.range_start + len > b.count) {
      return Status::InvalidArgument("range_length", "the range runs past the end");
    }
    if (request.insert_before > b.count) {
      return Status::InvalidArgument("insert_before", "'insert_before' is past the end");
    }
    // Rebase: the range must have survived whole and still lie together, in order.
    auto start = RebaseItem(b, request.range_start);
    if (!start) return Stale(p);
    for (int64_t i = 1; i < len; ++i) {
      auto at = RebaseItem(b, request.range_start + i);
      if (!at || *at != *start + i) return Stale(p);
    }
    // insert_before inside the range is Spotify's no-op move; otherwise the rebased target
    // must still lie outside the range.
    const bool no_op = request.insert_before > request.range_start &&
                       request.insert_before < request.range_start + len;
    auto before = no_op ? start : RebaseGap(b, request.insert_before);
    if (!before || (*before > *start && *before < *start + len)) return Stale(p);

    const int64_t st = *start, bf = *before;
    SONORA_ASSIGN_OR_RETURN(auto moved, repo_.ItemsRange(s, playlist_id, st, len));
    if (static_cast<int64_t>(moved.size()) != len) return Stale(p);  // log and items disagree
    PlaylistOp op;
    op.kind = OpKind::kMove;
    op.position = st;
    op.item_count = len;
    op.insert_before = bf;
    for (auto& it : moved) op.track_ids.push_back(std::move(it.track_id));
    const int64_t count = p.tracks_count;
    SONORA_RETURN_IF_ERROR(repo_.MoveItems(s, playlist_id, st, len, bf));
    SONORA_ASSIGN_OR_RETURN(snapshot, Commit(repo_, s, p, op, user, count, now));
    return Status();
  }));
  return snapshot;
}

Result<std::string> PlaylistService::ReplaceTracks(const std::string& user,
                                                   const std::string& playlist_id,
                                                   const ReplaceTracksRequest& request) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  if (request.track_ids.size() > kMaxTracksPerRequest) {
    return Status::InvalidArgument("track_ids", "'track_ids' may hold at most 100 track ids");
  }
  SONORA_RETURN_IF_ERROR(CheckTrackIdShape(request.track_ids, "track_ids"));
  SONORA_RETURN_IF_ERROR(CheckTracksExist(request.track_ids));
  const int64_t now = clock_.NowMillis();
  std::string snapshot;
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    SONORA_RETURN_IF_ERROR(CheckCanEditItems(p));
    SONORA_RETURN_IF_ERROR(CheckIfMatch(p, request.if_match));
    std::vector<PlaylistItem> items;
    for (const auto& id : request.track_ids) {
      items.push_back(
          {.position = 0, .track_id = id, .added_at_ms = now, .added_by_user_id = user});
    }
    const int64_t count = static_cast<int64_t>(items.size());
    SONORA_RETURN_IF_ERROR(repo_.RewriteItemsFrom(s, playlist_id, 0, items));
    PlaylistOp op;
    op.kind = OpKind::kReplace;
    op.item_count = count;
    op.track_ids = request.track_ids;
    SONORA_ASSIGN_OR_RETURN(snapshot, Commit(repo_, s, p, op, user, count, now));
    return Status();
  }));
  return snapshot;
}

Status PlaylistService::AddCollaborator(const std::string& user, const std::string& playlist_id,
                                        const std::string& collaborator) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  const int64_t now = clock_.NowMillis();
  return db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    if (p.role != Role::kOwner) return NotOwner();
    if (!IsWellFormedId(collaborator)) return Status::NotFound("no such user");
    SONORA_ASSIGN_OR_RETURN(bool exists, repo_.UserExists(s, collaborator));
    if (!exists) return Status::NotFound("no such user");
    if (collaborator == p.owner_user_id) {
      return Status::InvalidArgument("user_id", "the owner is not a collaborator");
    }
    if (!p.collaborative) {
      return Status::FailedPrecondition("not_collaborative",
                                        "make the playlist collaborative first");
    }
    return repo_.AddCollaborator(s, playlist_id, collaborator, now);
  });
}

Status PlaylistService::RemoveCollaborator(const std::string& user, const std::string& playlist_id,
                                           const std::string& collaborator) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  return db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(Playlist p, repo_.Lock(s, user, playlist_id));
    if (p.role != Role::kOwner) return NotOwner();
    return repo_.RemoveCollaborator(s, playlist_id, collaborator).status();
  });
}

Result<Paged<PlaylistOp>> PlaylistService::GetActivity(const std::string& user,
                                                       const std::string& playlist_id,
                                                       int64_t limit, int64_t offset) {
  SONORA_RETURN_IF_ERROR(Get(user, playlist_id).status());
  Paged<PlaylistOp> page;
  SONORA_ASSIGN_OR_RETURN(page.items, repo_.OpsPage(playlist_id, limit, offset));
  SONORA_ASSIGN_OR_RETURN(page.total, repo_.CountOps(playlist_id));
  page.limit = limit;
  page.offset = offset;
  return page;
}

Result<bool> PlaylistService::SetFollowing(const std::string& user, const std::string& playlist_id,
                                           bool follow) {
  if (!IsWellFormedId(playlist_id)) return Status::NotFound("no such playlist");
  const int64_t now = clock_.NowMillis();
  SONORA_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    SONORA_RETURN_IF_ERROR(repo_.Lock(s, user, playlist_id).status());
    return follow ? repo_.Follow(s, playlist_id, user, now) : repo_.Unfollow(s, playlist_id, user);
  }));
  return follow;
}

}  // namespace sonora::library
