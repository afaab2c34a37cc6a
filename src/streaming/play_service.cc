#include "streaming/play_service.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/strings.h"

namespace sonora::streaming {

std::vector<StreamOption> AllowedStreams(auth::Tier tier) {
  const auth::TierRules rules = auth::RulesFor(tier);
  std::vector<StreamOption> out = {{"96kbps", "96", 96, ""}, {"160kbps", "160", 160, ""}};
  if (rules.max_kbps >= 320) out.push_back({"320kbps", "320", 320, ""});
  if (rules.lossless) out.push_back({"lossless", "lossless", 1411, ""});
  return out;
}

std::vector<std::string> AllowedHlsRenditions(auth::Tier tier) {
  std::vector<std::string> out = {"hls_96", "hls_160"};
  if (auth::RulesFor(tier).max_kbps >= 320) out.push_back("hls_256");
  return out;
}

namespace {

// The quality names of seed 000 ("low", "normal", "high") and 004 ("96kbps" ...).
std::optional<int> RequestedKbps(std::string_view q) {
  if (q.empty()) return 100000;  // no preference: the best the tier allows
  if (q == "low" || q == "96kbps") return 96;
  if (q == "normal" || q == "160kbps") return 160;
  if (q == "high" || q == "320kbps") return 320;
  if (q == "lossless" || q == "1411kbps") return 1411;
  return std::nullopt;
}

Status RegionRestricted(const std::string& country) {
  return Status::PermissionDenied("region_restricted", "this track is not available in " + country);
}

Status BadQuality() {
  return Status::InvalidArgument("quality", "'quality' must be low, normal, high or lossless");
}

// A context URI: "sonora:<type>:<id>" (or "spotify:"), type album, playlist or artist.
struct Context {
  std::string type;
  std::string id;
};
std::optional<Context> ParseContext(std::string_view uri) {
  auto parts = Split(uri, ':');
  const bool known = parts.size() == 3 && (parts[0] == "sonora" || parts[0] == "spotify") &&
                     (parts[1] == "album" || parts[1] == "playlist" || parts[1] == "artist") &&
                     IsWellFormedId(parts[2]);
  if (!known) return std::nullopt;
  return Context{std::string(parts[1]), std::string(parts[2])};
}

Status BadContext() {
  return Status::InvalidArgument("context",
                                 "'context.uri' must be sonora:album:<id>, sonora:playlist:<id> or "
                                 "sonora:artist:<id>");
}

// Where the next tracks come from: the request's context, or the current track's album when it
// names none. Errors: BadContext for a malformed URI, or for a playlist or artist one when
// `other_contexts` is false (no ContextTracks was supplied).
Result<Context> NextTracksContext(const PlayRequest& request, const catalog::Track& current,
                                  bool other_contexts) {
  if (!request.context_uri) return Context{"album", current.album.album_id};
  auto context = ParseContext(*request.context_uri);
  if (!context || (context->type != "album" && !other_contexts)) return BadContext();
  return *std::move(context);
}

// The album tracks after the current one: from `position + 1` when given, else after its place.
std::vector<TrackRef> AfterInAlbum(const std::vector<TrackRef>& album_tracks,
                                   const catalog::Track& current, std::optional<int64_t> position) {
  std::vector<TrackRef> out;
  size_t start = 0;
  if (position) {
    start = static_cast<size_t>(std::max<int64_t>(0, *position)) + 1;
  } else {
    for (size_t i = 0; i < album_tracks.size(); ++i)
      if (album_tracks[i]->track.track_id == current.track_id) start = i + 1;
  }
  for (size_t i = start; i < album_tracks.size() && out.size() < kNextTracks; ++i) {
    out.push_back(album_tracks[i]);
  }
  return out;
}

}  // namespace

std::string PlayService::SignedPrefix(const http::Principal& user, const std::string& track_id,
                                      const std::string& rendition,
                                      const std::string& session_id) const {
  MediaGrant g;
  g.user_id = user.user_id;
  g.track_id = track_id;
  g.rendition = rendition;
  g.device_id = session_id;
  g.expires_at_s = clock_.NowSeconds() + std::chrono::seconds(kSignedUrlTtl).count();
  return "/s/" + signer_.Sign(g) + "/" + track_id + "/" + rendition + "/";
}

Result<TrackRef> PlayService::CheckPlayable(const http::Principal& user,
                                            const std::string& track_id) {
  if (!IsWellFormedId(track_id)) return Status::NotFound("no such track");
  // Once per request: catalog and media edits show at once.
  SONORA_ASSIGN_OR_RETURN(int64_t content_version, catalog_.Refresh());
  files_.Observe(content_version);
  SONORA_ASSIGN_OR_RETURN(auto track, catalog_.Track(track_id));
  if (!track) return Status::NotFound("no such track");
  if (!catalog::AvailableIn(track->track.available_countries, user.country)) {
    return RegionRestricted(user.country);
  }
  return track;
}

Result<std::vector<TrackRef>> PlayService::NextTracks(const http::Principal& user,
                                                      const catalog::Track& current,
                                                      const PlayRequest& request) {
  SONORA_ASSIGN_OR_RETURN(Context context,
                          NextTracksContext(request, current, static_cast<bool>(context_tracks_)));
  if (context.type != "album") {
    SONORA_ASSIGN_OR_RETURN(auto tracks,
                            context_tracks_(user, context.type, context.id, current.track_id,
                                            request.context_position, kNextTracks));
    std::vector<TrackRef> out;
    for (auto& t : tracks) out.push_back(std::make_shared<const CachedTrack>(std::move(t)));
    return out;
  }
  SONORA_ASSIGN_OR_RETURN(auto cached, catalog_.AlbumTracks(context.id));
  return AfterInAlbum(*cached, current, request.context_position);
}

Result<PlayResult> PlayService::Play(const http::Principal& user, const PlayRequest& request) {
  auto wanted = RequestedKbps(request.quality);
  if (!wanted) return BadQuality();
  SONORA_ASSIGN_OR_RETURN(TrackRef cached, CheckPlayable(user, request.track_id));
  const catalog::Track& track = cached->track;
  SONORA_ASSIGN_OR_RETURN(ManifestRef manifest, files_.Manifest(track.track_id));
  SONORA_ASSIGN_OR_RETURN(std::vector<TrackRef> next, NextTracks(user, track, request));
  if (next.empty() && autoplay_) {
    if (auto station = Station(user, track.track_id)) {
      SONORA_ASSIGN_OR_RETURN(next, catalog_.Tracks(*station));
    }
  }
  return Assemble(user, request, *wanted, std::move(cached), std::move(manifest), std::move(next));
}

// Play's steps in the same order, each from memory; every error is the one Play would return
// at that step, and a miss declines before anything is recorded.
std::optional<Result<PlayResult>> PlayService::TryPlay(const http::Principal& user,
                                                       const PlayRequest& request) {
  auto wanted = RequestedKbps(request.quality);
  if (!wanted) return Result<PlayResult>(BadQuality());
  if (!IsWellFormedId(request.track_id)) {
    return Result<PlayResult>(Status::NotFound("no such track"));
  }
  // Play reads the content version first; here the last read must be recent enough.
  if (!catalog_.RecentlyRefreshed()) return std::nullopt;
  TrackRef cached = catalog_.PeekTrack(request.track_id);
  if (!cached) return std::nullopt;
  const catalog::Track& track = cached->track;
  if (!catalog::AvailableIn(track.available_countries, user.country)) {
    return Result<PlayResult>(RegionRestricted(user.country));
  }
  std::optional<ManifestRef> manifest = files_.CachedManifest(track.track_id);
  if (!manifest) return std::nullopt;
  Result<Context> context = NextTracksContext(request, track, static_cast<bool>(context_tracks_));
  if (!context.ok()) return Result<PlayResult>(context.status());
  if (context->type != "album") return std::nullopt;  // playlists and artists: the database
  auto album_tracks = catalog_.PeekAlbumTracks(context->id);
  if (!album_tracks) return std::nullopt;
  std::vector<TrackRef> next = AfterInAlbum(*album_tracks, track, request.context_position);
  if (next.empty() && autoplay_) {
    auto station = PeekStation(user, track.track_id);
    if (!station) return std::nullopt;
    auto tracks = catalog_.PeekTracks(*station);
    if (!tracks) return std::nullopt;
    next = std::move(*tracks);
  }
  return Assemble(user, request, *wanted, std::move(cached), std::move(*manifest), std::move(next));
}

namespace {
std::string StationKey(const http::Principal& user, const std::string& current) {
  return user.country + "/" + current;
}
}  // namespace

std::optional<std::vector<std::string>> PlayService::Station(const http::Principal& user,
                                                             const std::string& current) {
  if (auto memo = PeekStation(user, current)) return *memo;
  const auto made_at = std::chrono::steady_clock::now();
  auto station = autoplay_(user, current, kNextTracks);
  if (!station.ok()) {
    log::Warn("autoplay failed track=" + current + " " + station.status().ToString());
    return std::nullopt;  // not remembered: the next play asks again
  }
  auto ids = std::make_shared<const std::vector<std::string>>(std::move(*station));
  std::lock_guard<std::mutex> lock(stations_mu_);
  stations_.Put(StationKey(user, current), {ids, made_at});
  return *ids;
}

std::shared_ptr<const std::vector<std::string>> PlayService::PeekStation(
    const http::Principal& user, const std::string& current) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(stations_mu_);
  const RememberedStation* station = stations_.Find(StationKey(user, current));
  if (!station || now - station->made_at >= kAutoplayMemo) return nullptr;
  return station->ids;
}

Result<PlayResult> PlayService::Assemble(const http::Principal& user, const PlayRequest& request,
                                         int wanted_kbps, TrackRef cached, ManifestRef manifest,
                                         std::vector<TrackRef> next_tracks) {
  const catalog::Track& track = cached->track;
  const auth::Tier tier = auth::ParseTier(user.subscription_tier).value_or(auth::Tier::kFree);

  PlayResult r;
  r.timestamp = clock_.Now();
  r.expires_at_s = clock_.NowSeconds() + std::chrono::seconds(kSignedUrlTtl).count();
  r.manifest = manifest.manifest;
  for (StreamOption s : AllowedStreams(tier)) {
    if (!r.manifest->Find(s.rendition)) continue;
    // Requests above the tier are capped silently (seed 004: "request.quality = max allowed").
    if (s.kbps <= wanted_kbps) r.quality = s.key;
    r.streams.push_back(std::move(s));
  }
  if (r.quality.empty() && !r.streams.empty()) r.quality = r.streams.front().key;
  const bool encrypted = tier != auth::Tier::kFree;
  const int64_t created_ms = clock_.NowMillis();
  r.playback_session_id =
      sessions_.NewId(user.user_id, track.track_id, {created_ms, encrypted, r.quality});
  for (StreamOption& s : r.streams) {
    s.url = SignedPrefix(user, track.track_id, s.rendition, r.playback_session_id);
  }
  if (r.manifest->Find("preview")) {
    r.preview_url =
        SignedPrefix(user, track.track_id, "preview", r.playback_session_id) + "preview.ogg";
  }
  r.hls_url = "/api/v1/stream/" + track.track_id + "/master.m3u8";
  r.next_tracks = std::move(next_tracks);
  r.track = std::move(cached);

  // The session is recorded so playback events can refer to it; its row is written behind, and
  // its id carries what chunks and events need until then (streaming/session_ids.h). Paid
  // tiers get their chunks sealed with the track's key for the 24-hour period the session
  // starts in (the seed's encryption_key and its rotation); free-tier delivery is clear, as the
  // issue allows.
  if (encrypted) r.encryption_key = keys_.TrackKey(track.track_id, HlsKeys::PeriodOf(created_ms));
  SONORA_RETURN_IF_ERROR(
      sessions_.Record({r.playback_session_id, user.user_id, track.track_id, request.device_id,
                        r.quality, created_ms, encrypted, request.context_uri.value_or("")}));
  return r;
}

}  // namespace sonora::streaming
