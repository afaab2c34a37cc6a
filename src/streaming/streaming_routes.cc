#include "streaming/streaming_routes.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "catalog/catalog_json.h"
#include "core/json.h"
#include "core/lru_map.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "http/range.h"
#include "streaming/hls.h"

namespace sonora::streaming {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr const char* kPrivate = "private, no-store";

std::string_view ContentTypeFor(std::string_view file) {
  if (file.ends_with(".ogg")) return "audio/ogg";
  if (file.ends_with(".flac")) return "audio/flac";
  if (file.ends_with(".m4s") || file.ends_with(".mp4")) return "audio/mp4";
  if (file.ends_with(".m3u8")) return "application/vnd.apple.mpegurl";
  return "application/octet-stream";
}

// The bytes of `f`: from `body` when given (already in memory), otherwise sent from the file;
// with Range, validators and the file's shared caching fields (immutable: every caller serves
// content-addressed media).
Response ServeBytes(const Request& req, const ResolvedFile& f, std::string_view content_type,
                    std::string* body) {
  Response r;
  r.content_type = content_type;
  r.shared_headers = f.headers;
  if (auto inm = req.Header("if-none-match"); inm && Trim(*inm) == f.etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  http::RangeRequest range;
  // If-Range with a different validator means "send it all" (RFC 9110 §13.1.5).
  auto if_range = req.Header("if-range");
  const int64_t size = f.size;
  if (!if_range || Trim(*if_range) == f.etag)
    range = http::ParseRange(req.Header("range").value_or(""), size);
  int64_t first = 0, length = size;
  if (range.kind == http::RangeKind::kUnsatisfiable) {
    Response e = Response::Json(416, {{"error",
                                       {{"status", 416},
                                        {"code", "range_not_satisfiable"},
                                        {"message", "range starts past the end"}}}});
    e.SetHeader("Content-Range", "bytes */" + std::to_string(size));
    e.SetHeader("Cache-Control", "no-store");
    return e;
  }
  if (range.kind == http::RangeKind::kSatisfiable) {
    r.status = 206;
    first = range.first;
    length = range.length();
    r.SetHeader("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                     std::to_string(range.last) + "/" + std::to_string(size));
  }
  if (body) {
    // The whole body is handed over as it is; a range is copied out.
    r.body = first == 0 && length == size
                 ? std::move(*body)
                 : body->substr(static_cast<size_t>(first), static_cast<size_t>(length));
  } else {
    // A held-open file needs no path (the server opens `path` only without one).
    r.file = http::FileSlice{f.open ? std::string() : f.path, first, length, f.open};
  }
  return r;
}

// A sealed copy: sent from its file when it is on disk, from memory otherwise.
Response ServeSealed(const Request& req, SealedCopy& copy, std::string_view content_type) {
  return ServeBytes(req, *copy.file, content_type, copy.on_disk ? nullptr : &copy.body);
}

Result<PlayRequest> ParsePlay(const Request& req) {
  SONORA_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
  PlayRequest p;
  SONORA_ASSIGN_OR_RETURN(p.track_id, RequiredString(body, "track_id"));
  SONORA_ASSIGN_OR_RETURN(auto quality, OptionalString(body, "quality"));
  SONORA_ASSIGN_OR_RETURN(auto device, OptionalString(body, "device_id"));
  p.quality = quality.value_or("");
  p.device_id = device.value_or("");
  if (p.device_id.size() > 128)
    return Status::InvalidArgument("device_id", "'device_id' is too long");
  auto ctx = body.find("context");
  if (ctx != body.end() && !ctx->is_null()) {
    if (!ctx->is_object()) return Status::InvalidArgument("context", "'context' must be an object");
    SONORA_ASSIGN_OR_RETURN(p.context_uri, OptionalString(*ctx, "uri"));
    SONORA_ASSIGN_OR_RETURN(p.context_position, OptionalInt(*ctx, "position"));
    if (p.context_position && (*p.context_position < 0 || *p.context_position > 100000)) {
      return Status::InvalidArgument("position", "'context.position' is out of range");
    }
  }
  return p;
}

// The play response's per-rendition file lists ("160kbps": {"codec", "files", "kbps"}) are
// the same for every play of a track version and most of the response's bytes: each is
// serialized once per manifest and spliced into the response. An entry holds its manifest, so
// the address it is keyed by cannot be reused while the entry lives.
class RenditionJsonCache {
 public:
  // As many manifests as MediaFiles keeps.
  explicit RenditionJsonCache(size_t max_manifests) : entries_(max_manifests) {}

  std::shared_ptr<const std::string> Get(const std::shared_ptr<const media::Manifest>& manifest,
                                         const StreamOption& s) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (Entry* e = entries_.Find(manifest.get())) {
        auto f = e->fragments.find(s.key);
        if (f != e->fragments.end()) return f->second;
      }
    }
    const media::Rendition* rendition = manifest->Find(s.rendition);
    Json files = Json::array();
    for (const auto& c : rendition->chunks) {
      files.push_back({{"file", c.file_name}, {"frames", c.frames}, {"bytes", c.bytes}});
    }
    auto text = std::make_shared<const std::string>(
        DumpJson({{"codec", rendition->codec}, {"kbps", s.kbps}, {"files", std::move(files)}}));
    std::lock_guard<std::mutex> lock(mu_);
    Entry* e = entries_.Find(manifest.get());
    if (!e) e = &entries_.Put(manifest.get(), Entry{manifest, {}});
    e->fragments[s.key] = text;
    return text;
  }

 private:
  struct Entry {
    std::shared_ptr<const media::Manifest> manifest;
    std::unordered_map<std::string, std::shared_ptr<const std::string>> fragments;
  };
  std::mutex mu_;
  LruMap<const media::Manifest*, Entry> entries_;
};

// The play response, written straight into one string: the track objects come pre-rendered
// from the catalog cache and the rendition file lists from `cache`, so a play serializes only
// its own few members (docs/decisions/0014-media-fast-path.md).
std::string PlayBody(const PlayResult& r, const std::string& market, RenditionJsonCache& cache) {
  const auto str = AppendJsonString;
  std::string b;
  b.reserve(1024 + 640 * r.next_tracks.size());
  // Paid tiers: AES-128-CTR per chunk, counter block = chunk index (docs/formats).
  b += r.encryption_key.empty() ? "{\"encryption\":\"none\",\"encryption_key\":null"
                                : "{\"encryption\":\"aes-128-ctr\",\"encryption_key\":";
  if (!r.encryption_key.empty()) str(b, Base64UrlEncode(r.encryption_key));
  b += ",\"expires_at\":";
  str(b, FormatIso8601Millis(r.expires_at_s * 1000));
  b += ",\"hls_url\":";
  str(b, r.hls_url);
  b += ",\"next_tracks\":[";
  for (size_t i = 0; i < r.next_tracks.size(); ++i) {
    if (i) b.push_back(',');
    r.next_tracks[i]->AppendJson(b, market);
  }
  b += "],\"playback_session_id\":";
  str(b, r.playback_session_id);
  b += ",\"quality\":";
  str(b, r.quality);
  b += ",\"streaming_urls\":{";
  for (size_t i = 0; i < r.streams.size(); ++i) {
    if (i) b.push_back(',');
    str(b, r.streams[i].key);
    b.push_back(':');
    str(b, r.streams[i].url);
  }
  b += "},\"timestamp\":";
  str(b, FormatIso8601(r.timestamp));
  b += ",\"track\":";
  r.track->AppendJson(b, market);
  b.pop_back();  // reopen the track object for its preview URL
  b += ",\"preview_url\":";
  if (r.preview_url.empty()) {
    b += "null";
  } else {
    str(b, r.preview_url);
  }
  // "media": {"chunk_duration_ms", "frames", "renditions": {...}, "sample_rate"}.
  b += "},\"media\":{\"chunk_duration_ms\":10000,\"frames\":" + std::to_string(r.manifest->frames) +
       ",\"renditions\":{";
  for (size_t i = 0; i < r.streams.size(); ++i) {
    if (i) b.push_back(',');
    str(b, r.streams[i].key);
    b.push_back(':');
    b += *cache.Get(r.manifest, r.streams[i]);
  }
  b += "},\"sample_rate\":" + std::to_string(r.manifest->sample_rate) + "}}";
  return b;
}

}  // namespace

void AddStreamingRoutes(http::Router& router, StreamingDeps d) {
  auto rendition_json = std::make_shared<RenditionJsonCache>(d.files.max_manifests());
  // A play answers on the I/O thread when everything it needs is in memory (TryPlay); the
  // worker runs Play otherwise. The body is parsed again there: cheaper than carrying it.
  router.Add(
      Method::kPost, "/api/v1/player/play", "player:play", {},
      [d, rendition_json](Request& req) -> Result<Response> {
        SONORA_ASSIGN_OR_RETURN(PlayRequest p, ParsePlay(req));
        SONORA_ASSIGN_OR_RETURN(PlayResult r, d.play.Play(req.user(), p));
        return Response::Text(200, "application/json",
                              PlayBody(r, req.user().country, *rendition_json));
      },
      [d, rendition_json](const Request& req) -> std::optional<Result<Response>> {
        Result<PlayRequest> p = ParsePlay(req);
        if (!p.ok()) return Result<Response>(p.status());
        std::optional<Result<PlayResult>> r = d.play.TryPlay(req.user(), *p);
        if (!r) return std::nullopt;
        if (!r->ok()) return Result<Response>(r->status());
        return Result<Response>(Response::Text(200, "application/json",
                                               PlayBody(**r, req.user().country, *rendition_json)));
      });

  router.Add(Method::kGet, "/api/v1/tracks/{id}/preview", "tracks:preview", {},
             [d](Request& req) -> Result<Response> {
               const std::string id(req.PathParam("id"));
               SONORA_RETURN_IF_ERROR(d.play.CheckPlayable(req.user(), id).status());
               SONORA_ASSIGN_OR_RETURN(auto manifest, d.files.Manifest(id));
               if (!manifest.manifest->Find("preview")) return Status::NotFound("no preview");
               Response r;
               r.status = 302;
               r.content_type.clear();
               r.SetHeader("Location",
                           d.play.SignedPrefix(req.user(), id, "preview", "") + "preview.ogg");
               return r;
             });

  router.Add(Method::kGet, "/api/v1/stream/{track_id}/master.m3u8", "stream:hls_master", {},
             [d](Request& req) -> Result<Response> {
               const std::string id(req.PathParam("track_id"));
               SONORA_RETURN_IF_ERROR(d.play.CheckPlayable(req.user(), id).status());
               SONORA_ASSIGN_OR_RETURN(auto manifest, d.files.Manifest(id));
               const auth::Tier tier =
                   auth::ParseTier(req.user().subscription_tier).value_or(auth::Tier::kFree);
               std::vector<HlsVariant> variants;
               for (const auto& rendition : AllowedHlsRenditions(tier)) {
                 variants.push_back({rendition, d.play.SignedPrefix(req.user(), id, rendition, "") +
                                                    "index.m3u8"});
               }
               Response r = Response::Text(200, std::string(ContentTypeFor(".m3u8")),
                                           MasterPlaylist(*manifest.manifest, variants));
               r.SetHeader("Cache-Control", kPrivate);
               return r;
             });

  // Everything behind a signed URL. The token is the credential: no bearer token, no rate limit
  // (a player fetches many chunks), and nothing from the path reaches the filesystem unchecked.
  router.Add(
      Method::kGet, "/s/{token}/{track_id}/{rendition}/{file}", "media:get",
      // Inline: token checks, cached manifests and sessions, then sendfile. A cache miss reads
      // the database on the I/O thread once per track (or session) every few seconds, and the
      // first request for a sealed file of a period writes its copy (page cache, no fsync).
      {.auth = http::AuthPolicy::kPublic, .limit = http::LimitClass::kNone, .blocking = false},
      [d](Request& req) -> Result<Response> {
        const std::string_view track_id = req.PathParam("track_id");
        const std::string_view rendition = req.PathParam("rendition");
        const std::string_view file = req.PathParam("file");
        SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const MediaGrant> grant,
                                d.signer.Verify(req.PathParam("token"), track_id, rendition));
        if (!rendition.starts_with("hls_")) {
          SONORA_ASSIGN_OR_RETURN(auto f, d.files.Resolve(track_id, rendition, file));
          std::optional<int64_t> sealed_since;
          if (!grant->device_id.empty() && rendition != "preview") {
            SONORA_ASSIGN_OR_RETURN(sealed_since,
                                    d.sessions.SealedSince(grant->device_id, grant->user_id));
          }
          if (!sealed_since) return ServeBytes(req, *f, ContentTypeFor(file), nullptr);
          // A paid session's chunk, sealed under its track's key for the period the session
          // started in: the same bytes for every paid listener of the track in that period, so
          // the copy made by the first request is sent from disk from then on.
          const int64_t period = HlsKeys::PeriodOf(*sealed_since);
          SONORA_ASSIGN_OR_RETURN(
              SealedCopy copy, d.sealed.Get(*f, "ctr", period, [&](std::string clear) {
                return SealChunk(d.hls_keys.TrackKey(track_id, period), rendition, file, clear);
              }));
          // Public like the clear chunks: the bytes are ciphertext, the same for every paid
          // listener of the day, and a shared cache may keep them as long as it likes.
          return ServeSealed(req, copy, "application/octet-stream");
        }
        SONORA_ASSIGN_OR_RETURN(auto manifest, d.files.Manifest(std::string(track_id)));
        const media::Rendition* r = manifest.manifest->Find(rendition);
        if (!r) return Status::NotFound("no such rendition");
        if (file == "index.m3u8") {
          Response out = Response::Text(
              200, std::string(ContentTypeFor(file)),
              MediaPlaylist(*r, manifest.manifest->sample_rate, d.hls_keys.CurrentPeriod()));
          out.SetHeader("Cache-Control", kPrivate);
          return out;
        }
        if (file == "init.mp4") {
          SONORA_ASSIGN_OR_RETURN(auto f, d.files.Resolve(track_id, rendition, file));
          return ServeBytes(req, *f, ContentTypeFor(file), nullptr);
        }
        auto name = ParseHlsName(file);
        const int64_t now_period = d.hls_keys.CurrentPeriod();
        // Only this period's key and the previous one (a playlist fetched just before the
        // rotation): never a future key, never an old one.
        if (!name || name->period > now_period || name->period < now_period - 1) {
          return Status::NotFound("no such file");
        }
        if (name->kind == HlsName::Kind::kKey) {
          // The key is the real gate for HLS: re-check the user, their tier and region now.
          SONORA_ASSIGN_OR_RETURN(auth::User user, d.users.FindById(grant->user_id));
          const auto allowed = AllowedHlsRenditions(user.tier);
          if (std::find(allowed.begin(), allowed.end(), rendition) == allowed.end()) {
            return Status::PermissionDenied("premium_required",
                                            "your plan does not include this quality");
          }
          http::Principal p;
          p.user_id = user.user_id;
          p.country = user.country;
          SONORA_RETURN_IF_ERROR(d.play.CheckPlayable(p, std::string(track_id)).status());
          Response out = Response::Text(200, "application/octet-stream",
                                        d.hls_keys.Key(track_id, rendition, name->period));
          out.SetHeader("Cache-Control", kPrivate);
          return out;
        }
        SONORA_ASSIGN_OR_RETURN(auto f, d.files.Resolve(track_id, rendition, name->file));
        SONORA_ASSIGN_OR_RETURN(
            SealedCopy copy, d.sealed.Get(*f, "hls", name->period, [&](std::string clear) {
              return Aes128CbcEncrypt(d.hls_keys.Key(track_id, rendition, name->period),
                                      HlsSequenceIv(static_cast<uint64_t>(f->chunk_index)), clear);
            }));
        return ServeSealed(req, copy, ContentTypeFor(file));
      });
}

}  // namespace sonora::streaming
