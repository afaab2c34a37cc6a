#include "library/saved_service.h"

#include <unordered_map>
#include <unordered_set>

#include "core/ids.h"

namespace sonora::library {

namespace {

std::string_view Noun(SavedKind kind) {
  switch (kind) {
    case SavedKind::kTrack:
      return "track";
    case SavedKind::kAlbum:
      return "album";
    case SavedKind::kArtist:
      return "artist";
  }
  return "item";
}

Status OnlyTracksOrAlbums(SavedKind kind) {
  if (kind == SavedKind::kArtist) {
    return Status::InvalidArgument("ids", "artists are followed, not saved");
  }
  return Status();
}

// Catalog items for `entries`, in the entries' order; an entry whose item is gone is skipped.
template <typename Item, typename Out>
std::vector<Out> InOrder(const std::vector<SavedEntry>& entries, std::vector<Item> items,
                         std::string Item::*id) {
  std::unordered_map<std::string, Item*> by_id;
  for (auto& item : items) by_id[item.*id] = &item;
  std::vector<Out> out;
  out.reserve(entries.size());
  for (const auto& e : entries) {
    auto it = by_id.find(e.item_id);
    if (it != by_id.end()) out.push_back(Out{e.saved_at_ms, *it->second});
  }
  return out;
}

std::vector<std::string> EntryIds(const std::vector<SavedEntry>& entries) {
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) ids.push_back(e.item_id);
  return ids;
}

}  // namespace

Result<std::vector<std::string>> SavedService::CheckIds(const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::InvalidArgument("ids", "'ids' must name at least one id");
  if (ids.size() > kMaxSavedIdsPerRequest) {
    return Status::InvalidArgument("ids", "'ids' may name at most 50 ids");
  }
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const auto& id : ids) {
    if (!IsWellFormedId(id)) return Status::InvalidArgument("ids", "malformed id in 'ids'");
    if (seen.insert(id).second) unique.push_back(id);
  }
  return unique;
}

Status SavedService::CheckExist(SavedKind kind, const std::vector<std::string>& ids) {
  std::unordered_set<std::string> found;
  if (kind == SavedKind::kTrack) {
    SONORA_ASSIGN_OR_RETURN(auto tracks, catalog_.GetTracks(ids));
    for (const auto& t : tracks) found.insert(t.track_id);
  } else {
    SONORA_ASSIGN_OR_RETURN(auto albums, catalog_.GetAlbums(ids));
    for (const auto& a : albums) found.insert(a.album_id);
  }
  for (const auto& id : ids) {
    if (!found.count(id)) {
      return Status::InvalidArgument("ids", "unknown " + std::string(Noun(kind)) + " id " + id);
    }
  }
  return Status();
}

Status SavedService::Save(SavedKind kind, const std::string& user,
                          const std::vector<std::string>& ids) {
  SONORA_RETURN_IF_ERROR(OnlyTracksOrAlbums(kind));
  SONORA_ASSIGN_OR_RETURN(auto unique, CheckIds(ids));
  SONORA_RETURN_IF_ERROR(CheckExist(kind, unique));
  const int64_t now = clock_.NowMillis();
  return db_.Transact([&](store::Session& s) -> Status {
    return repo_.Insert(s, kind, user, unique, now).status();
  });
}

Status SavedService::Remove(SavedKind kind, const std::string& user,
                            const std::vector<std::string>& ids) {
  SONORA_RETURN_IF_ERROR(OnlyTracksOrAlbums(kind));
  SONORA_ASSIGN_OR_RETURN(auto unique, CheckIds(ids));
  SONORA_RETURN_IF_ERROR(CheckExist(kind, unique));
  return db_.Transact(
      [&](store::Session& s) -> Status { return repo_.Remove(s, kind, user, unique).status(); });
}

Result<std::vector<bool>> SavedService::Contains(SavedKind kind, const std::string& user,
                                                 const std::vector<std::string>& ids) {
  SONORA_ASSIGN_OR_RETURN(auto unique, CheckIds(ids));
  SONORA_ASSIGN_OR_RETURN(auto saved, repo_.Contains(kind, user, unique));
  std::vector<bool> out;
  out.reserve(ids.size());
  for (const auto& id : ids) out.push_back(saved.count(id) > 0);
  return out;
}

Result<catalog::Paged<SavedTrack>> SavedService::ListTracks(const std::string& user, int64_t limit,
                                                            int64_t offset) {
  catalog::Paged<SavedTrack> page;
  page.limit = limit;
  page.offset = offset;
  SONORA_ASSIGN_OR_RETURN(auto entries, repo_.Page(SavedKind::kTrack, user, limit, offset));
  SONORA_ASSIGN_OR_RETURN(page.total, repo_.Count(SavedKind::kTrack, user));
  SONORA_ASSIGN_OR_RETURN(auto tracks, catalog_.GetTracks(EntryIds(entries)));
  page.items =
      InOrder<catalog::Track, SavedTrack>(entries, std::move(tracks), &catalog::Track::track_id);
  return page;
}

Result<catalog::Paged<SavedAlbum>> SavedService::ListAlbums(const std::string& user, int64_t limit,
                                                            int64_t offset) {
  catalog::Paged<SavedAlbum> page;
  page.limit = limit;
  page.offset = offset;
  SONORA_ASSIGN_OR_RETURN(auto entries, repo_.Page(SavedKind::kAlbum, user, limit, offset));
  SONORA_ASSIGN_OR_RETURN(page.total, repo_.Count(SavedKind::kAlbum, user));
  SONORA_ASSIGN_OR_RETURN(auto albums, catalog_.GetAlbums(EntryIds(entries)));
  page.items =
      InOrder<catalog::Album, SavedAlbum>(entries, std::move(albums), &catalog::Album::album_id);
  return page;
}

Status SavedService::SetFollowing(const std::string& user, const std::string& artist_id,
                                  bool follow) {
  if (!IsWellFormedId(artist_id)) return Status::NotFound("no such artist");
  const int64_t now = clock_.NowMillis();
  // The row change and the count change commit together or not at all; the count moves only
  // when a row really went in or out, so a repeated follow or unfollow leaves it alone.
  return db_.Transact([&](store::Session& s) -> Status {
    SONORA_ASSIGN_OR_RETURN(bool exists, repo_.ArtistExists(s, artist_id));
    if (!exists) return Status::NotFound("no such artist");
    std::vector<std::string> changed;
    if (follow) {
      SONORA_ASSIGN_OR_RETURN(changed, repo_.Insert(s, SavedKind::kArtist, user, {artist_id}, now));
    } else {
      SONORA_ASSIGN_OR_RETURN(changed, repo_.Remove(s, SavedKind::kArtist, user, {artist_id}));
    }
    if (changed.empty()) return Status();
    return repo_.AddFollowers(s, artist_id, follow ? 1 : -1);
  });
}

Status SavedService::Follow(const std::string& user, const std::string& artist_id) {
  return SetFollowing(user, artist_id, true);
}

Status SavedService::Unfollow(const std::string& user, const std::string& artist_id) {
  return SetFollowing(user, artist_id, false);
}

Result<FollowedArtists> SavedService::ListFollowedArtists(const std::string& user, int64_t limit,
                                                          const std::optional<std::string>& after) {
  std::optional<SavedEntry> cursor;
  if (after) {
    if (!IsWellFormedId(*after)) return Status::InvalidArgument("after", "malformed 'after'");
    SONORA_ASSIGN_OR_RETURN(cursor, repo_.Find(SavedKind::kArtist, user, *after));
    if (!cursor) {
      return Status::InvalidArgument("after", "'after' must be an artist you follow");
    }
  }
  FollowedArtists page;
  page.limit = limit;
  // One more than asked tells whether another page follows.
  SONORA_ASSIGN_OR_RETURN(auto entries,
                          repo_.PageAfter(SavedKind::kArtist, user, limit + 1, cursor));
  const bool more = static_cast<int64_t>(entries.size()) > limit;
  if (more) entries.resize(static_cast<size_t>(limit));
  SONORA_ASSIGN_OR_RETURN(page.total, repo_.Count(SavedKind::kArtist, user));
  SONORA_ASSIGN_OR_RETURN(auto artists, catalog_.GetArtists(EntryIds(entries)));
  std::unordered_map<std::string, catalog::Artist*> by_id;
  for (auto& a : artists) by_id[a.artist_id] = &a;
  for (const auto& e : entries) {
    auto it = by_id.find(e.item_id);
    if (it != by_id.end()) page.items.push_back(std::move(*it->second));
  }
  if (more && !entries.empty()) page.after = entries.back().item_id;
  return page;
}

}  // namespace sonora::library
