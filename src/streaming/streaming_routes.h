// Streaming routes: POST /api/v1/player/play, the HLS master playlist, the preview redirect, and
// the signed media path /s/<token>/<track_id>/<rendition>/<file> that serves chunks, files,
// HLS media playlists, keys and encrypted segments.
#pragma once

#include "auth/user_repository.h"
#include "http/router.h"
#include "streaming/media_files.h"
#include "streaming/play_service.h"
#include "streaming/sealed_files.h"
#include "streaming/session_repository.h"
#include "streaming/url_signer.h"

namespace sonora::streaming {

struct StreamingDeps {
  PlayService& play;
  MediaFiles& files;
  SealedFiles& sealed;
  const UrlSigner& signer;
  const HlsKeys& hls_keys;
  auth::UserRepository& users;
  SessionRepository& sessions;
  const Clock& clock;
};

void AddStreamingRoutes(http::Router& router, StreamingDeps deps);

}  // namespace sonora::streaming
