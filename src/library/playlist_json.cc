#include "library/playlist_json.h"

#include "catalog/catalog_json.h"
#include "core/time_format.h"

namespace sonora::library {

namespace {
std::string_view ActionName(OpKind k) {
  switch (k) {
    case OpKind::kCreate:
      return "playlist_created";
    case OpKind::kDetails:
      return "details_changed";
    case OpKind::kAdd:
      return "tracks_added";
    case OpKind::kRemove:
      return "tracks_removed";
    case OpKind::kMove:
      return "tracks_moved";
    case OpKind::kReplace:
      return "tracks_replaced";
  }
  return "details_changed";
}
}  // namespace

Json PlaylistJson(const Playlist& p) {
  return {{"playlist_id", p.playlist_id},
          {"name", p.name},
          {"description", p.description},
          {"owner", {{"user_id", p.owner_user_id}, {"display_name", p.owner_display_name}}},
          {"public", p.is_public},
          {"collaborative", p.collaborative},
          {"tracks_count", p.tracks_count},
          {"followers", p.followers},
          {"url", "/playlist/" + p.playlist_id},
          {"created_at", FormatIso8601(FromMillis(p.created_at_ms))},
          {"snapshot_id", p.snapshot_id}};
}

Json PlaylistTrackJson(const PlaylistTrack& t, std::string_view market) {
  Json j = catalog::TrackJson(t.track, market);
  j["position"] = t.item.position;
  j["added_at"] = FormatIso8601(FromMillis(t.item.added_at_ms));
  j["added_by"] = {{"user_id", t.item.added_by_user_id}};
  return j;
}

Json ActivityJson(const PlaylistOp& op) {
  Json j = {{"action", ActionName(op.kind)},
            {"user_id", op.user_id},
            {"at", FormatIso8601(FromMillis(op.created_at_ms))},
            {"snapshot_id", op.snapshot_id},
            {"track_ids", op.track_ids},
            {"tracks_count", op.tracks_count_after}};
  switch (op.kind) {
    case OpKind::kAdd:
      j["position"] = op.position;
      break;
    case OpKind::kRemove:
      j["positions"] = op.positions;
      break;
    case OpKind::kMove:
      j["range_start"] = op.position;
      j["range_length"] = op.item_count;
      j["insert_before"] = op.insert_before;
      break;
    default:
      break;
  }
  return j;
}

}  // namespace sonora::library
