// Listening over HTTP (issue 5): batched play events with per-item results, history,
// recently played, play counts and listeners, top tracks, the current state, every rejection,
// and the durability promise: events acknowledged before a kill -9 are all there after it.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "api/listener_fixture.h"

namespace sonora::testing {
namespace {

class ListeningApiTest : public ListenerApiTest {
 protected:
  Json Event(const std::string& session, const std::string& track, int64_t played_ms,
             const std::string& event_id, const std::string& type = "track_played") {
    return {{"session_id", session},
            {"track_id", track},
            {"event_type", type},
            {"position_ms", played_ms},
            {"duration_played_ms", played_ms},
            {"event_id", event_id}};
  }
  std::string ArtistOf(const std::string& track_id) {
    HttpResponse r = client().Get("/api/v1/tracks/" + track_id, Auth());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["artists"][0]["artist_id"];
  }
  static const EnvList& Unlimited() {
    static const EnvList env = {{"SONORA_RATE_LIMIT_API_PER_SECOND", "100000"},
                                {"SONORA_RATE_LIMIT_API_BURST", "100000"}};
    return env;
  }
};

TEST_P(ListeningApiTest, BatchesReportEachEventAndFeedHistoryAndCounts) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  const std::string t0 = track_ids_[0], t1 = track_ids_[1];
  const std::string session = Play(t0)["playback_session_id"];
  Json batch = {{"events",
                 {Event(session, t0, 31000, "evt-a"), Event(session, t0, 31000, "evt-a"),
                  Event(session, t0, 5, "evt-b", "track_liked"), Event(session, t1, 5, "evt-c"),
                  Json("not an event")}}};
  HttpResponse r = client().Post("/api/v1/player/events", batch, Auth());
  ASSERT_EQ(r.status, 202) << r.body;
  Json j = r.json();
  EXPECT_EQ(j["tracked"], 2);
  ASSERT_EQ(j["results"].size(), 5u);
  EXPECT_EQ(j["results"][0]["status"], "tracked");
  EXPECT_EQ(j["results"][0]["event_id"], "evt-a");
  EXPECT_EQ(j["results"][1]["status"], "duplicate");
  EXPECT_EQ(j["results"][2]["status"], "rejected");
  EXPECT_EQ(j["results"][2]["error"]["field"], "event_type");
  EXPECT_EQ(j["results"][3]["error"]["field"], "track_id");
  EXPECT_EQ(j["results"][4]["error"]["status"], 400);

  // History: the listen, counted as a play (31 s > 30 s).
  HttpResponse h = client().Get("/api/v1/me/player/history", Auth());
  ASSERT_EQ(h.status, 200) << h.body;
  ASSERT_EQ(h.json()["items"].size(), 1u);
  Json item = h.json()["items"][0];
  EXPECT_EQ(item["track"]["track_id"], t0);
  EXPECT_EQ(item["duration_played_ms"], 31000);
  EXPECT_EQ(item["counted_as_play"], true);
  EXPECT_EQ(item["playback_session_id"], session);
  EXPECT_TRUE(h.json()["next"].is_null());

  HttpResponse recent = client().Get("/api/v1/me/player/recently-played?limit=5", Auth());
  ASSERT_EQ(recent.status, 200) << recent.body;
  ASSERT_EQ(recent.json()["items"].size(), 1u);
  EXPECT_EQ(recent.json()["items"][0]["track"]["track_id"], t0);
  EXPECT_TRUE(recent.json()["items"][0]["played_at"].is_string());

  HttpResponse stats = client().Get("/api/v1/tracks/" + t0 + "/stats?days=3", Auth());
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(stats.json()["total_plays"], 1);
  ASSERT_EQ(stats.json()["daily"].size(), 3u);
  EXPECT_EQ(stats.json()["daily"][2]["plays"], 1);  // today is last
  EXPECT_EQ(stats.json()["daily"][2]["unique_listeners"], 1);

  const std::string artist = ArtistOf(t0);
  HttpResponse astats = client().Get("/api/v1/artists/" + artist + "/stats", Auth());
  ASSERT_EQ(astats.status, 200) << astats.body;
  EXPECT_EQ(astats.json()["monthly_listeners"], 1);
  HttpResponse top = client().Get("/api/v1/artists/" + artist + "/top-tracks", Auth());
  ASSERT_EQ(top.status, 200) << top.body;
  ASSERT_EQ(top.json()["tracks"].size(), 2u);
  EXPECT_EQ(top.json()["tracks"][0]["track_id"], t0);
  EXPECT_EQ(top.json()["tracks"][0]["is_playable"], true);
}

TEST_P(ListeningApiTest, HistoryPagesByCursorAndStateReadsBack) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  EXPECT_EQ(client().Get("/api/v1/me/player", Auth()).status, 204);
  std::vector<std::string> sessions;
  for (int i = 0; i < 3; ++i) {
    sessions.push_back(Play(track_ids_[i % 2])["playback_session_id"]);
    HttpResponse r = client().Post(
        "/api/v1/player/events",
        Event(sessions.back(), track_ids_[i % 2], 1000, "e" + std::to_string(i)), Auth());
    ASSERT_EQ(r.status, 202) << r.body;
  }
  std::vector<std::string> seen;
  std::string target = "/api/v1/me/player/history?limit=2";
  for (int page = 0; page < 5 && !target.empty(); ++page) {
    HttpResponse r = client().Get(target, Auth());
    ASSERT_EQ(r.status, 200) << r.body;
    const Json page_body = r.json();
    for (const auto& it : page_body["items"]) seen.push_back(it["playback_session_id"]);
    target = page_body["next"].is_null() ? "" : page_body["next"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(sessions.begin(), sessions.end()));
  // Nothing reached 30 s: no plays.
  EXPECT_TRUE(client().Get("/api/v1/me/player/recently-played", Auth()).json()["items"].empty());

  Json state = {
      {"session_id", sessions.back()}, {"position_ms", 4000}, {"is_playing", true}, {"volume", 70}};
  ASSERT_EQ(client().Put("/api/v1/player/state", state, Auth()).status, 200);
  HttpResponse now = client().Get("/api/v1/me/player", Auth());
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(now.json()["session_id"], sessions.back());
  EXPECT_EQ(now.json()["position_ms"], 4000);
  EXPECT_EQ(now.json()["volume"], 70);
}

TEST_P(ListeningApiTest, RejectsBadInput) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  const std::string t0 = track_ids_[0];
  const std::string session = Play(t0)["playback_session_id"];
  // Batches.
  ExpectFieldError(client().Post("/api/v1/player/events", {{"events", Json::array()}}, Auth()),
                   "events");
  ExpectFieldError(client().Post("/api/v1/player/events", {{"events", "all of them"}}, Auth()),
                   "events");
  Json too_many = {{"events", Json::array()}};
  for (int i = 0; i < 101; ++i) too_many["events"].push_back(Event(session, t0, 1, "x"));
  ExpectFieldError(client().Post("/api/v1/player/events", too_many, Auth()), "events");
  ExpectFieldError(client().Post("/api/v1/player/events",
                                 {{"events", {Event(session, t0, 1, "y")}}, {"extra", 1}}, Auth()),
                   "events");
  // A batch in which nothing could be stored is the first event's error.
  ExpectFieldError(
      client().Post("/api/v1/player/events", {{"events", {Event(session, t0, -1, "z")}}}, Auth()),
      "position_ms");
  // Reads.
  ExpectFieldError(client().Get("/api/v1/me/player/history?limit=0", Auth()), "limit");
  ExpectFieldError(client().Get("/api/v1/me/player/history?limit=51", Auth()), "limit");
  ExpectFieldError(client().Get("/api/v1/me/player/history?before=nonsense", Auth()), "before");
  ExpectFieldError(client().Get("/api/v1/me/player/history?before=12.bad%20id", Auth()), "before");
  ExpectFieldError(client().Get("/api/v1/me/player/history?sort=asc", Auth()), "sort");
  ExpectFieldError(client().Get("/api/v1/me/player/recently-played?before=1&after=2", Auth()),
                   "before");
  ExpectFieldError(client().Get("/api/v1/me/player/recently-played?after=-4", Auth()), "after");
  ExpectFieldError(client().Get("/api/v1/me/player/recently-played?market=ZZ", Auth()), "market");
  ExpectFieldError(client().Get("/api/v1/tracks/" + t0 + "/stats?days=0", Auth()), "days");
  ExpectFieldError(client().Get("/api/v1/tracks/" + t0 + "/stats?days=91", Auth()), "days");
  ExpectError(client().Get("/api/v1/tracks/track_nope/stats", Auth()), 404, "not_found");
  ExpectError(client().Get("/api/v1/artists/artist_nope/stats", Auth()), 404, "not_found");
  ExpectError(client().Get("/api/v1/artists/artist_nope/top-tracks", Auth()), 404, "not_found");
  ExpectFieldError(client().Get("/api/v1/me/player?x=1", Auth()), "x");
  for (const char* path :
       {"/api/v1/me/player", "/api/v1/me/player/history", "/api/v1/me/player/recently-played"}) {
    ExpectUnauthenticated(client().Get(path));
  }
}

// next_tracks follows the play's context: a playlist in its order (as the caller may see it),
// an artist in its top tracks, an album in track order; when the context ends, autoplay.
TEST_P(ListeningApiTest, PlayContextsDecideTheNextTracks) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free"));
  const std::string t0 = track_ids_[0], t1 = track_ids_[1];
  auto play = [&](const std::string& track, const Json& context) {
    return client().Post("/api/v1/player/play", {{"track_id", track}, {"context", context}},
                         Auth());
  };
  auto next_ids = [](const HttpResponse& r) {
    std::vector<std::string> ids;
    const Json body = r.json();  // iterate a named value, not a temporary's member
    for (const auto& t : body["next_tracks"]) ids.push_back(t["track_id"]);
    return ids;
  };
  HttpResponse created =
      client().Post("/api/v1/playlists", {{"name", "Mix"}, {"public", false}}, Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string playlist = created.json()["playlist_id"];
  HttpResponse added = client().Post("/api/v1/playlists/" + playlist + "/tracks",
                                     {{"track_ids", {t1, t0, t1}}}, Auth());
  ASSERT_EQ(added.status, 200) << added.body;
  const std::string uri = "sonora:playlist:" + playlist;
  HttpResponse r = play(t1, {{"uri", uri}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(next_ids(r), (std::vector<std::string>{t0, t1})) << "after its first place";
  r = play(t0, {{"uri", uri}, {"position", 1}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(next_ids(r), (std::vector<std::string>{t1}));
  r = play(t0,
           {{"uri", "sonora:album:" + r.json()["track"]["album"]["album_id"].get<std::string>()}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(next_ids(r), (std::vector<std::string>{t1}));
  // The album ends at t1: autoplay continues with t1's radio station.
  const std::string album = r.json()["track"]["album"]["album_id"];
  r = play(t1, {{"uri", "sonora:album:" + album}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto station = next_ids(r);
  ASSERT_FALSE(station.empty()) << "autoplay when the context ends";
  EXPECT_EQ(std::count(station.begin(), station.end(), t1), 0) << "never the seed";
  for (const auto& t : r.json()["next_tracks"]) EXPECT_EQ(t["is_playable"], true);

  // Artist: t1 gets a play, so it leads the top tracks and t0 follows it.
  const std::string s1 = Play(t1)["playback_session_id"];
  ASSERT_EQ(client().Post("/api/v1/player/events", Event(s1, t1, 40000, "ctx-1"), Auth()).status,
            202);
  r = play(t1, {{"uri", "sonora:artist:" + ArtistOf(t1)}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(next_ids(r), (std::vector<std::string>{t0}));

  // Someone else's private playlist is not a context this user can play from.
  const std::string mine = token_;
  ASSERT_TRUE(Register("stranger", "SE").is_object());
  token_ = Login("stranger")["access_token"];
  ExpectError(play(t0, {{"uri", uri}}), 404, "not_found");
  ExpectFieldError(play(t0, {{"uri", "sonora:show:abc"}}), "context");
  ExpectFieldError(play(t0, {{"uri", "sonora:playlist:bad id"}}), "context");
  ExpectError(play(t0, {{"uri", "sonora:artist:artist_nope"}}), 404, "not_found");
  token_ = mine;
}

// Events acknowledged with 202 are durable: SIGKILL right after the last acknowledgement, then
// a restart on the same storage finds every one of them (SECURITY.md §6).
TEST_P(ListeningApiTest, AcknowledgedEventsSurviveKillNine) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("free", Unlimited()));
  const std::string t0 = track_ids_[0];
  const std::string session = Play(t0)["playback_session_id"];
  constexpr int kThreads = 8, kRequests = 40, kPerBatch = 5;
  std::atomic<int> acknowledged{0}, refused{0};
  std::vector<std::thread> threads;
  const int port = server().port();
  const HeaderList auth = Auth();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient c(port);
      for (int i = 0; i < kRequests; ++i) {
        const std::string id = "k" + std::to_string(t) + "-" + std::to_string(i);
        if (i % 2 == 0) {  // single events and batches, mixed
          HttpResponse r = c.Post("/api/v1/player/events", Event(session, t0, i, id), auth);
          (r.status == 202 ? acknowledged : refused) += 1;
        } else {
          Json batch = {{"events", Json::array()}};
          for (int k = 0; k < kPerBatch; ++k) {
            batch["events"].push_back(Event(session, t0, i, id + "-" + std::to_string(k)));
          }
          HttpResponse r = c.Post("/api/v1/player/events", batch, auth);
          if (r.status == 202 && r.json()["tracked"] == kPerBatch)
            acknowledged += kPerBatch;
          else
            refused += 1;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(refused.load(), 0);
  ASSERT_EQ(::kill(server().pid(), SIGKILL), 0);
  EXPECT_EQ(server().Stop(), 128 + SIGKILL);
  EXPECT_EQ(CountEvents(), acknowledged.load()) << "every acknowledged event survives kill -9";

  ASSERT_NO_FATAL_FAILURE(StartServer(Unlimited()));
  HttpResponse h = client().Get("/api/v1/me/player/history", Auth());
  ASSERT_EQ(h.status, 200) << h.body;
  ASSERT_EQ(h.json()["items"].size(), 1u);
  EXPECT_EQ(h.json()["items"][0]["duration_played_ms"], kRequests - 1);
}

// Play answers before its session row is durable (written behind). When the row is lost (a
// crash between the answer and the commit, simulated by deleting it behind a stopped server),
// the id still vouches for the session: its events count for the right track, its state is
// kept, its premium chunks stay sealed, and nobody else can use it.
TEST_P(ListeningApiTest, ASessionWhoseRowWasLostStillTakesItsReports) {
  ASSERT_NO_FATAL_FAILURE(SetUpListener("premium", Unlimited()));
  const std::string t0 = track_ids_[0];
  Json play = Play(t0);
  const std::string session = play["playback_session_id"];
  const std::string chunk_url =
      play["streaming_urls"]["160kbps"].get<std::string>() + "chunk_1.ogg";
  ASSERT_NO_FATAL_FAILURE(StopServer());
  int64_t rows = -1;
  WithDatabase([&](store::Database& db) {
    auto r = db.Query("SELECT COUNT(*) FROM playback_sessions WHERE session_id = ?", {session});
    ASSERT_TRUE(r.ok());
    rows = r->rows[0].GetInt(0);
  });
  EXPECT_EQ(rows, 1) << "a clean shutdown commits every session written behind";
  Sql("DELETE FROM playback_sessions WHERE session_id = '" + session + "'");
  ASSERT_NO_FATAL_FAILURE(StartServer(Unlimited()));

  HttpResponse sealed = client().Get(chunk_url);
  ASSERT_EQ(sealed.status, 200);
  EXPECT_NE(sealed.body.substr(0, 4), "OggS") << "the id says the session's chunks are sealed";

  HttpResponse wrong_track =
      client().Post("/api/v1/player/events", Event(session, track_ids_[1], 31000, "w1"), Auth());
  ExpectFieldError(wrong_track, "track_id");
  ASSERT_TRUE(Register("stranger", "SE").is_object());
  const HeaderList stranger = {
      {"Authorization", "Bearer " + Login("stranger")["access_token"].get<std::string>()}};
  ExpectError(client().Post("/api/v1/player/events", Event(session, t0, 31000, "s1"), stranger),
              404, "not_found");
  Json state = {{"session_id", session},
                {"position_ms", 1000},
                {"is_playing", true},
                {"volume", 50},
                {"timestamp", "2025-11-12T12:00:45Z"}};
  ExpectError(client().Put("/api/v1/player/state", state, stranger), 404, "not_found");
  HttpResponse own_state = client().Put("/api/v1/player/state", state, Auth());
  EXPECT_EQ(own_state.status, 200) << own_state.body;

  HttpResponse ok = client().Post("/api/v1/player/events", Event(session, t0, 31000, "e1"), Auth());
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(CountEvents(), 1);
  HttpResponse h = client().Get("/api/v1/me/player/history", Auth());
  ASSERT_EQ(h.status, 200) << h.body;
  ASSERT_EQ(h.json()["items"].size(), 1u) << h.body;
  EXPECT_EQ(h.json()["items"][0]["track"]["track_id"], t0);
  EXPECT_EQ(h.json()["items"][0]["quality"], "320kbps") << "the quality the id recorded";

  // A forged id (one byte changed) is nobody's session.
  std::string forged = session;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  ExpectError(client().Post("/api/v1/player/events", Event(forged, t0, 31000, "f1"), Auth()), 404,
              "not_found");
}

INSTANTIATE_TEST_SUITE_P(Backends, ListeningApiTest, ::testing::ValuesIn(AllBackends()), ParamName);

}  // namespace
}  // namespace sonora::testing
