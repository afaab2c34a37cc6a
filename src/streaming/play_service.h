// POST /api/v1/player/play (seed 000 §5, seed 004 §1): checks the tier and the region, opens a
// playback session, and hands out signed URLs for the qualities the tier may use.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/tier.h"
#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "core/lru_map.h"
#include "core/result.h"
#include "core/thread_annotations.h"
#include "http/request.h"
#include "streaming/catalog_cache.h"
#include "streaming/media_files.h"
#include "streaming/session_repository.h"
#include "streaming/url_signer.h"

namespace sonora::streaming {

inline constexpr int kNextTracks = 5;  // queue preview returned with each play
// How long a station from AutoplayTracks is reused for the same track and country. Stations
// come from a recommendation snapshot that is rebuilt every few minutes; a minute adds little,
// and a shorter memo sent most plays that reach an album's end to a worker.
inline constexpr std::chrono::seconds kAutoplayMemo{60};

struct PlayRequest {
  std::string track_id;
  // "sonora:album:<id>", "sonora:playlist:<id>" or "sonora:artist:<id>" ("spotify:" too)
  std::optional<std::string> context_uri;
  std::optional<int64_t> context_position;
  std::string quality;  // "low" | "normal" | "high" | "lossless" | "96kbps" ...; "" = best
  std::string device_id;
};

struct StreamOption {
  std::string key;        // "96kbps", "160kbps", "320kbps", "lossless"
  std::string rendition;  // "96", "160", "320", "lossless"
  int kbps = 0;
  std::string url;  // prefix ending in '/': append the manifest's file names
};

struct PlayResult {
  std::string playback_session_id;
  TrackRef track;
  std::vector<StreamOption> streams;  // only what the tier allows, lowest first
  std::string quality;                // the starting quality: requested, capped by the tier
  std::string encryption_key;         // 16 raw bytes for paid tiers' Ogg chunks; empty: clear
  std::string preview_url;
  std::string hls_url;  // the master playlist
  // Chunk sizes and frames, for the client's ABR: the cached, immutable parse, shared.
  std::shared_ptr<const media::Manifest> manifest;
  std::vector<TrackRef> next_tracks;
  TimePoint timestamp;
  int64_t expires_at_s = 0;
};

// Renditions by tier (PRODUCT.md §3): free 96/160, premium/family 96/160/320, hifi adds FLAC.
std::vector<StreamOption> AllowedStreams(auth::Tier tier);
// HLS variants by tier: free hls_96/hls_160, everyone else adds hls_256.
std::vector<std::string> AllowedHlsRenditions(auth::Tier tier);

// The tracks that follow `current` in a playlist or artist context, as `user` may see them:
// from `position + 1` when a position is given, else after `current`'s place. Supplied by the
// app (playlists and play counts live in other modules). kNotFound when the context is not
// visible to the user.
using ContextTracks = std::function<Result<std::vector<catalog::Track>>(
    const http::Principal& user, std::string_view type, const std::string& id,
    const std::string& current, std::optional<int64_t> position, size_t count)>;

// Autoplay (issue 7): what to play when the context has nothing after `current`, a station
// seeded by it: the ids of at most `count` tracks the user may play. Supplied by the app. It
// must depend only on `current` and the user's country: PlayService remembers a station per
// (track, country) for kAutoplayMemo, so a cached play needs no new station.
using AutoplayTracks = std::function<Result<std::vector<std::string>>(
    const http::Principal& user, const std::string& current, size_t count)>;

class PlayService {
 public:
  PlayService(SessionRepository& sessions, catalog::CatalogRepository& catalog, MediaFiles& files,
              const UrlSigner& signer, const HlsKeys& keys, const Clock& clock)
      : sessions_(sessions),
        catalog_(catalog),
        files_(files),
        signer_(signer),
        keys_(keys),
        clock_(clock) {}

  // Errors: kInvalidArgument (track_id, quality, context); kNotFound for an unknown track or
  // one without ready media; kPermissionDenied "region_restricted" when the track is not
  // available in the user's country.
  Result<PlayResult> Play(const http::Principal& user, const PlayRequest& request);

  // Play from memory only, for the I/O thread: the same answer and the same errors as Play,
  // when the track, its album list (or an album context) and its manifest are cached and the
  // catalog was checked within CatalogCache::kMemoryOnlyWindow; nullopt (having changed
  // nothing) when Play must run instead: a miss, a playlist or artist context, or autoplay.
  // Thread-safe; never blocks on I/O (the session row is posted to the write-behind queue).
  std::optional<Result<PlayResult>> TryPlay(const http::Principal& user,
                                            const PlayRequest& request);

  // A signed URL prefix for one rendition ("/s/<token>/<track>/<rendition>/").
  std::string SignedPrefix(const http::Principal& user, const std::string& track_id,
                           const std::string& rendition, const std::string& session_id) const;

  // Enables playlist and artist contexts (album contexts work without it).
  void SetContextTracks(ContextTracks fn) { context_tracks_ = std::move(fn); }
  // Enables autoplay: when the context (or the album) ends at the current track, next_tracks
  // continues with AutoplayTracks. A failing station leaves next_tracks empty, never the play.
  void SetAutoplay(AutoplayTracks fn) { autoplay_ = std::move(fn); }

  // Checks that `user` may play `track_id` now (exists, has media, available in their country).
  Result<TrackRef> CheckPlayable(const http::Principal& user, const std::string& track_id);

 private:
  Result<std::vector<TrackRef>> NextTracks(const http::Principal& user,
                                           const catalog::Track& current,
                                           const PlayRequest& request);
  // The rest of a play once its inputs are known: qualities, session, signed URLs, key, and
  // the session row posted. No I/O.
  Result<PlayResult> Assemble(const http::Principal& user, const PlayRequest& request,
                              int wanted_kbps, TrackRef track, ManifestRef manifest,
                              std::vector<TrackRef> next_tracks);

  SessionRepository& sessions_;
  // Track rows and album track lists, kept until the content version moves.
  CatalogCache catalog_;
  MediaFiles& files_;
  const UrlSigner& signer_;
  const HlsKeys& keys_;
  const Clock& clock_;
  // Autoplay's station for `current`, remembered per (track, country) for kAutoplayMemo.
  // nullopt when the station failed (logged; next_tracks stays empty, the play goes on).
  std::optional<std::vector<std::string>> Station(const http::Principal& user,
                                                  const std::string& current);
  // The remembered station, memory only; nullptr when there is none fresh.
  std::shared_ptr<const std::vector<std::string>> PeekStation(const http::Principal& user,
                                                              const std::string& current);

  ContextTracks context_tracks_;
  AutoplayTracks autoplay_;

  struct RememberedStation {
    std::shared_ptr<const std::vector<std::string>> ids;
    std::chrono::steady_clock::time_point made_at;
  };
  static constexpr size_t kMaxStations = 20'000;  // the least recently used one goes
  std::mutex stations_mu_;
  LruMap<std::string, RememberedStation> stations_ SONORA_GUARDED_BY(stations_mu_){kMaxStations};
};

}  // namespace sonora::streaming
