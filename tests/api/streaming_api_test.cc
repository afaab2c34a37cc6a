// Streaming over HTTP (issue 4): POST /player/play per tier, signed chunk URLs with Range and
// caching, refusals for tampered and foreign URLs, region rules, the preview redirect, and HLS
// played end to end by the ffmpeg CLI through its AES-128 keys.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "api/api_fixture.h"
#include "api/listener_fixture.h"
#include "core/strings.h"
#include "store/database.h"
#include "streaming/catalog_cache.h"
#include "streaming/url_signer.h"

namespace sonora::testing {
namespace {

namespace fs = std::filesystem;

using StreamingApiTest = ListenerApiTest;

TEST_P(StreamingApiTest, FreeTierGetsOnlyFreeQualitiesAndHighIsCapped) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  Json j = Play(track_ids_[0], "high");
  EXPECT_EQ(Keys(j), (std::set<std::string>{"playback_session_id", "track", "streaming_urls",
                                            "quality", "encryption_key", "encryption", "hls_url", "media",
                                            "next_tracks", "timestamp", "expires_at"}));
  EXPECT_EQ(Keys(j["streaming_urls"]), (std::set<std::string>{"96kbps", "160kbps"}));
  EXPECT_EQ(j["quality"], "160kbps") << "a request above the tier is capped silently";
  EXPECT_EQ(j["track"]["track_id"], track_ids_[0]);
  EXPECT_NEAR(j["track"]["duration_ms"].get<double>(), 25000, 50);
  ASSERT_EQ(j["next_tracks"].size(), 1u);  // the album's other track follows
  EXPECT_EQ(j["media"]["renditions"]["160kbps"]["files"].size(), 3u);  // 25 s = 3 chunks
}

TEST_P(StreamingApiTest, EachTierGetsItsQualities) {
  ASSERT_NO_FATAL_FAILURE(IngestMasters());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  struct Case {
    const char* tier;
    std::set<std::string> keys;
  } cases[] = {{"premium", {"96kbps", "160kbps", "320kbps"}},
               {"family", {"96kbps", "160kbps", "320kbps"}},
               {"hifi", {"96kbps", "160kbps", "320kbps", "lossless"}}};
  for (const auto& c : cases) {
    const std::string name = std::string("u_") + c.tier;
    ASSERT_TRUE(Register(name, "SE").is_object());
    std::vector<std::string> args = {"user", "set-tier", name, "--tier", c.tier};
    for (const auto& a : StorageArgs()) args.push_back(a);
    ASSERT_EQ(RunSonora(args).exit_code, 0);
    token_ = Login(name)["access_token"];
    Json j = Play(track_ids_[0]);
    EXPECT_EQ(Keys(j["streaming_urls"]), c.keys) << c.tier;
  }
}

TEST_P(StreamingApiTest, ChunksAreServedWithRangesValidatorsAndImmutableCaching) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));  // free: clear chunks, sent with sendfile
  Json j = Play(track_ids_[0]);
  EXPECT_TRUE(j["encryption_key"].is_null());
  const std::string url = j["streaming_urls"]["160kbps"].get<std::string>() + "chunk_0.ogg";
  const int64_t bytes = j["media"]["renditions"]["160kbps"]["files"][0]["bytes"];
  HttpResponse whole = client().Get(url);
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(static_cast<int64_t>(whole.body.size()), bytes);
  EXPECT_EQ(whole.Header("Content-Type"), "audio/ogg");
  EXPECT_EQ(whole.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(whole.body.substr(0, 4), "OggS");
  const std::string etag = whole.Header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_FALSE(whole.Header("Last-Modified").empty());

  struct Case {
    std::string range;
    int status;
    std::string content_range;
    int64_t length;
  } cases[] = {
      {"bytes=0-99", 206, "bytes 0-99/" + std::to_string(bytes), 100},
      {"bytes=100-", 206, "bytes 100-" + std::to_string(bytes - 1) + "/" + std::to_string(bytes),
       bytes - 100},
      {"bytes=-50", 206,
       "bytes " + std::to_string(bytes - 50) + "-" + std::to_string(bytes - 1) + "/" +
           std::to_string(bytes),
       50},
      {"bytes=0-999999999", 206,
       "bytes 0-" + std::to_string(bytes - 1) + "/" + std::to_string(bytes), bytes},
      {"bytes=" + std::to_string(bytes) + "-", 416, "bytes */" + std::to_string(bytes), -1},
      {"bytes=0-1,5-6", 200, "", bytes},  // several ranges: the whole file (documented)
      {"bytes=abc", 200, "", bytes},      // invalid: ignored, as RFC 9110 allows
      {"pages=1-2", 200, "", bytes},      // unknown unit: ignored
  };
  for (const auto& c : cases) {
    HttpResponse r = client().Get(url, {{"Range", c.range}});
    EXPECT_EQ(r.status, c.status) << c.range;
    EXPECT_EQ(r.Header("Content-Range"), c.content_range) << c.range;
    if (c.length >= 0) {
      EXPECT_EQ(static_cast<int64_t>(r.body.size()), c.length) << c.range;
    }
    if (c.status == 206) {
      // The body is exactly the slice Content-Range names.
      const std::string& cr = c.content_range;
      const size_t first = std::stoul(cr.substr(6, cr.find('-') - 6));
      EXPECT_EQ(r.body, whole.body.substr(first, r.body.size())) << c.range;
    }
  }
  HttpResponse cached = client().Get(url, {{"If-None-Match", etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  HttpResponse head = client().Send("HEAD", url);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(bytes));
}

TEST_P(StreamingApiTest, PaidTiersGetChunksSealedWithTheirTracksKeyForTheDay) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  Json free_play = Play(track_ids_[0]);
  HttpResponse clear =
      client().Get(free_play["streaming_urls"]["160kbps"].get<std::string>() + "chunk_1.ogg");
  ASSERT_EQ(clear.status, 200);
  ASSERT_EQ(clear.body.substr(0, 4), "OggS");

  ASSERT_TRUE(Register("payer", "SE").is_object());
  std::vector<std::string> args = {"user", "set-tier", "payer", "--tier", "premium"};
  for (const auto& a : StorageArgs()) args.push_back(a);
  ASSERT_EQ(RunSonora(args).exit_code, 0);
  token_ = Login("payer")["access_token"];
  Json paid = Play(track_ids_[0]);
  ASSERT_TRUE(paid["encryption_key"].is_string());
  EXPECT_EQ(paid["encryption"], "aes-128-ctr");
  auto key = Base64UrlDecode(paid["encryption_key"].get<std::string>());
  ASSERT_TRUE(key && key->size() == 16);
  const std::string url = paid["streaming_urls"]["160kbps"].get<std::string>() + "chunk_1.ogg";
  HttpResponse sealed = client().Get(url);
  ASSERT_EQ(sealed.status, 200);
  EXPECT_EQ(sealed.body.size(), clear.body.size() + streaming::kCounterBlockBytes);
  EXPECT_EQ(sealed.body.find("OggS"), std::string::npos) << "no Ogg page is readable";
  EXPECT_EQ(sealed.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(sealed.Header("Content-Type"), "application/octet-stream");
  auto opened = streaming::OpenSealedChunk(*key, sealed.body);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, clear.body) << "opens to exactly the clear chunk";

  // The chunk sealed again for another paid session of the day is the same file: same key,
  // same bytes, same validator, so the copy made once is what every later request gets.
  Json other = Play(track_ids_[0]);
  EXPECT_EQ(other["encryption_key"], paid["encryption_key"]);
  HttpResponse again =
      client().Get(other["streaming_urls"]["160kbps"].get<std::string>() + "chunk_1.ogg");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body, sealed.body);
  EXPECT_EQ(again.Header("ETag"), sealed.Header("ETag"));
  // Another track's key does not open it; the same chunk of another rendition has its own
  // counter block, so the two never share keystream.
  Json second = Play(track_ids_[1]);
  auto second_key = Base64UrlDecode(second["encryption_key"].get<std::string>());
  ASSERT_TRUE(second_key.has_value());
  EXPECT_NE(*second_key, *key);
  EXPECT_NE(streaming::OpenSealedChunk(*second_key, sealed.body).value_or(""), clear.body);
  HttpResponse hi =
      client().Get(paid["streaming_urls"]["320kbps"].get<std::string>() + "chunk_1.ogg");
  ASSERT_EQ(hi.status, 200);
  EXPECT_NE(hi.body.substr(0, 16), sealed.body.substr(0, 16));
  EXPECT_EQ(streaming::OpenSealedChunk(*key, hi.body).value_or("").substr(0, 4), "OggS");

  // Sealed chunks are files like the clear ones: ranges, conditional requests and HEAD.
  HttpResponse part = client().Get(url, {{"Range", "bytes=16-99"}});
  ASSERT_EQ(part.status, 206);
  EXPECT_EQ(part.body, sealed.body.substr(16, 84));
  EXPECT_EQ(part.Header("Content-Range"),
            "bytes 16-99/" + std::to_string(sealed.body.size()));
  HttpResponse tail = client().Get(url, {{"Range", "bytes=-10"}});
  ASSERT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, sealed.body.substr(sealed.body.size() - 10));
  ExpectError(client().Get(url, {{"Range", "bytes=999999999-"}}), 416, "range_not_satisfiable");
  EXPECT_EQ(client().Get(url, {{"If-None-Match", sealed.Header("ETag")}}).status, 304);
  HttpResponse head = client().Send("HEAD", url);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(sealed.body.size()));
}

TEST_P(StreamingApiTest, TamperedForeignAndMissingMediaAreRefused) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  Json j = Play(track_ids_[0]);
  const std::string u160 = j["streaming_urls"]["160kbps"];
  // One character of the signature changed.
  std::string tampered = u160;
  size_t sig = tampered.find('/', 3) - 2;
  tampered[sig] = tampered[sig] == 'A' ? 'B' : 'A';
  ExpectError(client().Get(tampered + "chunk_0.ogg"), 403, "invalid_signature");
  // A 160 kbps grant presented for 320 kbps (a free user reaching for premium quality).
  std::string upgraded = u160;
  upgraded.replace(upgraded.rfind("/160/"), 5, "/320/");
  ExpectError(client().Get(upgraded + "chunk_0.ogg"), 403, "invalid_signature");
  // Another track under the same grant.
  std::string other = u160;
  other.replace(other.find(track_ids_[0]), track_ids_[0].size(), track_ids_[1]);
  ExpectError(client().Get(other + "chunk_0.ogg"), 403, "invalid_signature");
  // Another user's id spliced into the token.
  ASSERT_TRUE(Register("someone", "SE").is_object());
  std::string theirs = u160;
  size_t dot = theirs.find('.', theirs.find('.', theirs.find('.') + 1) + 1);
  theirs.insert(dot + 1, "x");
  ExpectError(client().Get(theirs + "chunk_0.ogg"), 403, "invalid_signature");
  // Files the manifest doesn't list, and traversal attempts.
  for (const char* file : {"chunk_99.ogg", "manifest.json", "..%2F..%2Fsonora.db", "%2e%2e",
                           "chunk_0.ogg%00.txt"}) {
    HttpResponse r = client().Get(u160 + file);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << file << " -> " << r.status;
  }
}

TEST_P(StreamingApiTest, PlayRejectsBadInputUnknownTracksAndOtherRegions) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("premium"));
  ExpectUnauthenticated(client().Post("/api/v1/player/play", {{"track_id", track_ids_[0]}}));
  ExpectFieldError(client().Post("/api/v1/player/play", Json::object(), Auth()), "track_id");
  ExpectFieldError(client().Post("/api/v1/player/play", {{"track_id", 7}}, Auth()), "track_id");
  ExpectFieldError(
      client().Post("/api/v1/player/play", {{"track_id", track_ids_[0]}, {"quality", "ultra"}},
                    Auth()),
      "quality");
  ExpectFieldError(client().Post("/api/v1/player/play",
                                 {{"track_id", track_ids_[0]}, {"context", {{"uri", "nope"}}}},
                                 Auth()),
                   "context");
  ExpectFieldError(client().Send("POST", "/api/v1/player/play", "{not json", Auth()), "body");
  ExpectError(client().Post("/api/v1/player/play", {{"track_id", "track_missing0000000000000"}},
                            Auth()),
              404, "not_found");
  // A catalog edit reaches every play that starts CatalogCache::kMemoryOnlyWindow after it
  // commits (plays answered from memory trust the last check for that long; decision 0009).
  const auto window = 2 * streaming::CatalogCache::kMemoryOnlyWindow;
  Sql("UPDATE tracks SET available_countries = 'US,CA' WHERE track_id = '" + track_ids_[1] + "'");
  std::this_thread::sleep_for(window);
  ExpectError(client().Post("/api/v1/player/play", {{"track_id", track_ids_[1]}}, Auth()), 403,
              "region_restricted");
  Sql("UPDATE tracks SET available_countries = 'US,SE' WHERE track_id = '" + track_ids_[1] + "'");
  std::this_thread::sleep_for(window);
  EXPECT_EQ(client().Post("/api/v1/player/play", {{"track_id", track_ids_[1]}}, Auth()).status, 200);
}

// Issue 4, play on the I/O thread: a play whose token, track, album and manifest are in memory
// is answered by PlayService::TryPlay without the hand-off to a worker; the first play of a
// track reads them from the database on a worker. Both answers must be alike in everything
// but the per-play values (session id, signatures, times).
TEST_P(StreamingApiTest, PlayAnswersAlikeFromTheDatabaseAndFromMemory) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("premium"));
  auto answered_inline = [&] {
    HttpResponse m = client().Get("/metrics");
    const std::string name = "\nsonora_http_attempts_answered ";
    const size_t at = m.body.find(name);
    EXPECT_NE(at, std::string::npos) << m.body;
    return at == std::string::npos ? -1 : std::atoll(m.body.c_str() + at + name.size());
  };
  // Plays until one is answered from memory (the catalog must have been checked within the
  // last CatalogCache::kMemoryOnlyWindow, which a slow machine may miss once or twice).
  auto play_from_memory = [&](const Json& body, HttpResponse* out) {
    for (int i = 0; i < 20; ++i) {
      const int64_t before = answered_inline();
      *out = client().Post("/api/v1/player/play", body, Auth());
      if (answered_inline() == before + 1) return true;
    }
    return false;
  };
  // What must match: everything but the session id, the signed URLs and the times.
  auto comparable = [](Json j) {
    j.erase("playback_session_id");
    j.erase("timestamp");
    j.erase("expires_at");
    j["track"].erase("preview_url");
    for (auto& [key, url] : j["streaming_urls"].items()) {
      const std::string u = url.get<std::string>();
      // "/s/<token>/<track>/<rendition>/": keep all but the token.
      url = u.substr(0, 3) + u.substr(u.find('/', 3));
    }
    return j;
  };

  const int64_t at_start = answered_inline();
  const Json body = {{"track_id", track_ids_[0]}, {"quality", "high"}};
  HttpResponse cold = client().Post("/api/v1/player/play", body, Auth());
  ASSERT_EQ(cold.status, 200) << cold.body;
  EXPECT_EQ(answered_inline(), at_start) << "a first play reads the database on a worker";
  HttpResponse warm;
  ASSERT_TRUE(play_from_memory(body, &warm)) << "no play was answered from memory";
  ASSERT_EQ(warm.status, 200) << warm.body;
  for (const char* h : {"Content-Type", "Cache-Control", "X-Content-Type-Options"}) {
    EXPECT_EQ(warm.Header(h), cold.Header(h)) << h;
  }
  EXPECT_FALSE(warm.Header("X-Request-Id").empty());
  const Json c = cold.json(), w = warm.json();
  EXPECT_NE(w["playback_session_id"], c["playback_session_id"]) << "each play is its own session";
  EXPECT_EQ(comparable(w), comparable(c));
  EXPECT_EQ(w["next_tracks"].size(), 1u);
  EXPECT_EQ(w["quality"], "320kbps");
  // The session and URLs made in memory are real: the chunk opens with the play's key.
  HttpResponse chunk =
      client().Get(w["streaming_urls"]["320kbps"].get<std::string>() + "chunk_0.ogg");
  EXPECT_EQ(chunk.status, 200);
  HttpResponse preview = client().Get(w["track"]["preview_url"].get<std::string>());
  EXPECT_EQ(preview.status, 200);
  HttpResponse state = client().Put(
      "/api/v1/player/state",
      {{"session_id", w["playback_session_id"]}, {"position_ms", 1000}, {"is_playing", true}},
      Auth());
  EXPECT_EQ(state.status, 200) << state.body;

  // Errors are alike too: a bad quality (decided before any lookup) and a region restriction.
  HttpResponse bad_memory;
  ASSERT_TRUE(play_from_memory({{"track_id", track_ids_[0]}, {"quality", "ultra"}}, &bad_memory));
  EXPECT_EQ(bad_memory.status, 400);
  EXPECT_EQ(bad_memory.json()["error"]["code"], "invalid_argument");
  EXPECT_THAT(bad_memory.json()["error"]["message"].get<std::string>(),
              ::testing::HasSubstr("quality"));
  Sql("UPDATE tracks SET available_countries = 'US' WHERE track_id = '" + track_ids_[0] + "'");
  // A catalog edit reaches memory-only plays once the window has passed (decision 0009).
  std::this_thread::sleep_for(2 * streaming::CatalogCache::kMemoryOnlyWindow);
  HttpResponse region_worker = client().Post("/api/v1/player/play", body, Auth());
  ExpectError(region_worker, 403, "region_restricted");
  HttpResponse region_memory;
  ASSERT_TRUE(play_from_memory(body, &region_memory));
  ExpectError(region_memory, 403, "region_restricted");
  EXPECT_EQ(region_memory.json()["error"], region_worker.json()["error"]);
}

TEST_P(StreamingApiTest, PreviewRedirectsToASignedClip) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  HttpResponse r = client().Get("/api/v1/tracks/" + track_ids_[0] + "/preview", Auth());
  ASSERT_EQ(r.status, 302);
  const std::string location = r.Header("Location");
  EXPECT_THAT(location, ::testing::EndsWith("/preview/preview.ogg"));
  HttpResponse clip = client().Get(location);
  EXPECT_EQ(clip.status, 200);
  EXPECT_EQ(clip.body.substr(0, 4), "OggS");
}

TEST_P(StreamingApiTest, HlsPlaysEndToEndInFfmpegThroughItsKeys) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("premium"));
  HttpResponse master =
      client().Get("/api/v1/stream/" + track_ids_[0] + "/master.m3u8", Auth());
  ASSERT_EQ(master.status, 200);
  EXPECT_EQ(master.Header("Content-Type"), "application/vnd.apple.mpegurl");
  EXPECT_EQ(master.Header("Cache-Control"), "private, no-store");
  EXPECT_EQ(std::count(master.body.begin(), master.body.end(), '\n'), 3 + 2 * 3)
      << "premium: three variants\n" << master.body;
  const std::string out = root_->path() + "/hls.wav";
  const std::string cmd = "ffmpeg -v error -y -headers $'Authorization: Bearer " + token_ +
                          "\\r\\n' -i http://127.0.0.1:" + std::to_string(server().port()) +
                          "/api/v1/stream/" + track_ids_[0] + "/master.m3u8 -map 0:a:0 " + out;
  ASSERT_EQ(std::system(("bash -c \"" + cmd + "\"").c_str()), 0) << cmd;
  std::string probe = "ffprobe -v error -show_entries format=duration -of csv=p=0 " + out;
  FILE* p = popen(probe.c_str(), "r");
  char buf[64] = {0};
  ASSERT_NE(fgets(buf, sizeof(buf), p), nullptr);
  pclose(p);
  EXPECT_NEAR(std::atof(buf), 25.0, 0.1) << "the whole track, decrypted";

  // The key for a future period is never handed out.
  std::string variant = master.body.substr(master.body.find("/s/"));
  variant = variant.substr(0, variant.find("index.m3u8"));
  ExpectError(client().Get(variant + "key-p999999"), 404, "not_found");
}

// hls.js in Debian's Chromium, as a web player plays the stream (tests/browser/hls_playback.mjs):
// the master playlist with the bearer token, then signed media playlists, keys and encrypted
// segments, decoded by the browser's media stack past the 3-second mark. The browser does not
// care which database served the URLs, so this runs once, on SQLite.
TEST_P(StreamingApiTest, HlsPlaysInChromiumWithHlsJs) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "storage-independent; runs on SQLite";
  const std::string dir = std::string(SONORA_SOURCE_DIR) + "/tests/browser";
  const char* chromium_env = std::getenv("CHROMIUM");
  const std::string chromium = chromium_env ? chromium_env : "/usr/bin/chromium";
  const bool ready = std::filesystem::exists(dir + "/node_modules/hls.js/dist/hls.min.js") &&
                     std::filesystem::exists(dir + "/node_modules/playwright-core") &&
                     std::filesystem::exists(chromium) &&
                     std::system("node --version > /dev/null 2>&1") == 0;
  if (!ready) {
    // CI installs all of it (scripts/install-deps), so there a missing piece is a failure.
    if (std::getenv("CI") != nullptr) FAIL() << "chromium, node or " << dir << "/node_modules missing";
    GTEST_SKIP() << "needs chromium, node and tests/browser/node_modules (scripts/install-deps)";
  }
  ASSERT_NO_FATAL_FAILURE(SetUpListener("premium"));
  const std::string cmd = "node " + dir + "/hls_playback.mjs http://127.0.0.1:" +
                          std::to_string(server().port()) + " " + token_ + " " + track_ids_[0] +
                          " 3 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_EQ(status, 0) << out;
  Json report = Json::parse(out.substr(out.rfind("\n{") == std::string::npos ? out.find('{')
                                                                            : out.rfind("\n{") + 1),
                            nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(report.is_object()) << out;
  EXPECT_EQ(report["ok"], true) << out;
  EXPECT_EQ(report["mse_aac"], true) << "Chromium takes AAC in fMP4";
  ASSERT_EQ(report["levels"].size(), 3u) << "premium: three variants\n" << out;
  for (const Json& level : report["levels"]) EXPECT_EQ(level["codecs"], "mp4a.40.2");
  EXPECT_GE(report["key_loads"].get<int>(), 1) << "segments are encrypted and keyed";
  EXPECT_GE(report["fragments"].get<int>(), 1);
  EXPECT_GE(report["current_time"].get<double>(), 3.0);
}

TEST_P(StreamingApiTest, PlayerStateAndEventsAreValidatedAndStoredOnce) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  Json play = Play(track_ids_[0]);
  const std::string session = play["playback_session_id"];
  // State (seed: 200 {"updated": true}).
  Json state = {{"session_id", session}, {"position_ms", 45000}, {"is_playing", true},
                {"volume", 80}, {"timestamp", "2025-11-12T12:00:45Z"}};
  HttpResponse ok = client().Put("/api/v1/player/state", state, Auth());
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), (Json{{"updated", true}}));
  struct BadState {
    const char* field;
    Json value;
  } bad_states[] = {{"position_ms", -1}, {"is_playing", nullptr}, {"volume", 200},
                    {"timestamp", "yesterday"}, {"session_id", "bad id!"}};
  for (const auto& b : bad_states) {
    Json body = state;
    if (b.value.is_null()) body.erase(b.field);
    else body[b.field] = b.value;
    ExpectFieldError(client().Put("/api/v1/player/state", body, Auth()), b.field);
  }
  Json unknown = state;
  unknown["session_id"] = "play_doesnotexist000000000";
  ExpectError(client().Put("/api/v1/player/state", unknown, Auth()), 404, "not_found");

  // Events (seed: 202 {"tracked": true}); a retried event_id counts once.
  Json event = {{"session_id", session}, {"track_id", track_ids_[0]},
                {"event_type", "track_completed"}, {"position_ms", 25000},
                {"duration_played_ms", 25000}, {"quality", "normal"},
                {"timestamp", "2025-11-12T12:03:30Z"}, {"event_id", "evt-1"}};
  for (int attempt = 0; attempt < 2; ++attempt) {
    HttpResponse r = client().Post("/api/v1/player/events", event, Auth());
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(r.json(), (Json{{"tracked", true}}));
  }
  EXPECT_EQ(CountEvents(), 1) << "the retry is acknowledged but stored once";
  struct BadEvent {
    const char* field;
    Json value;
  } bad_events[] = {{"event_type", "track_liked"}, {"track_id", track_ids_[1]},
                    {"position_ms", -5}, {"duration_played_ms", "long"},
                    {"quality", "ultra"}, {"event_id", "has space"}, {"timestamp", 12}};
  for (const auto& b : bad_events) {
    Json body = event;
    body[b.field] = b.value;
    ExpectFieldError(client().Post("/api/v1/player/events", body, Auth()), b.field);
  }
  // Another user's session is invisible to this one.
  ASSERT_TRUE(Register("other", "SE").is_object());
  token_ = Login("other")["access_token"];
  Json theirs = event;
  theirs["event_id"] = "evt-2";
  ExpectError(client().Post("/api/v1/player/events", theirs, Auth()), 404, "not_found");
  ExpectError(client().Put("/api/v1/player/state", state, Auth()), 404, "not_found");
  EXPECT_EQ(CountEvents(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StreamingApiTest, ::testing::ValuesIn(AllBackends()), ParamName);

}  // namespace
}  // namespace sonora::testing
