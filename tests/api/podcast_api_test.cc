// Podcasts over HTTP against the real server (docs/decisions/0015-podcasts.md): a master tagged
// genre "Podcast" goes through `sonora ingest` and comes back as a show and an episode at
// GET /api/v1/shows/{id}, /shows/{id}/episodes and /episodes/{id}, and in search with
// type=show,episode (never as a track); market marking as for tracks; every rejection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "api/api_fixture.h"
#include "store/database.h"

namespace sonora::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class PodcastApiTest : public ApiTest {
 protected:
  void StartAndLogIn() {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    const Json reg = Register("listener");  // country SE
    ASSERT_TRUE(reg.is_object());
    token_ = reg["access_token"];
  }

  HttpResponse Get(const std::string& path) { return client().Get(path, Bearer(token_)); }

  // A tagged FLAC master made by the ffmpeg CLI (a real tagger, not our own WriteTags).
  void WriteMaster(const std::string& path, const std::string& tags, int seconds) {
    const std::string cmd =
        "ffmpeg -v error -y -f lavfi -i 'sine=frequency=330:duration=" + std::to_string(seconds) +
        "' -ac 2 -ar 44100 " + tags + " '" + path + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }

  // Runs `sonora ingest --json extra... dir` and returns its summary.
  Json Ingest(const std::string& dir, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"ingest", "--json"};
    for (const auto& a : extra) args.push_back(a);
    args.push_back(dir);
    for (const auto& a : StorageArgs()) args.push_back(a);
    CommandResult r = RunSonora(args, {}, std::chrono::seconds(120));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = Json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.out;
    return j;
  }

  void Exec(store::Database& db, const std::string& sql, const store::Params& params = {}) {
    auto r = db.Execute(sql, params);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  }

  static std::vector<std::string> Ids(const Json& items) {
    std::vector<std::string> ids;
    for (const auto& i : items) ids.push_back(i["id"]);
    return ids;
  }

  std::string token_;
};

TEST_P(PodcastApiTest, AnIngestedPodcastIsAShowAndEpisodesAndIsSearchable) {
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  const std::string dir = root_->path() + "/podcasts";
  std::filesystem::create_directories(dir);
  const std::string show_tags =
      "-metadata album='Harbor Talks' -metadata album_artist='Lighthouse Media' "
      "-metadata artist='Ada Reyes' -metadata genre='Podcast' -metadata language=en ";
  ASSERT_NO_FATAL_FAILURE(WriteMaster(
      dir + "/ep1.flac",
      show_tags + "-metadata title='Fog Horns' -metadata track=1 -metadata date=2024-01-15 "
                  "-metadata comment='Why ships still listen for fog horns and ferries'",
      6));
  ASSERT_NO_FATAL_FAILURE(WriteMaster(
      dir + "/ep2.flac",
      show_tags + "-metadata title='Tide Tables' -metadata track=2 -metadata date=2024-02-15 "
                  "-metadata comment='Reading the moon in the harbour'",
      5));
  const Json summary = Ingest(dir);
  ASSERT_EQ(summary["ingested"], 2) << summary.dump();
  ASSERT_EQ(summary["episodes"], 2) << summary.dump();
  std::string first_id;
  for (const auto& f : summary["results"]) {
    EXPECT_FALSE(f.contains("track_id")) << "episodes are not tracks: " << f.dump();
    if (f["path"].get<std::string>().find("ep1.flac") != std::string::npos)
      first_id = f["episode_id"];
  }
  ASSERT_FALSE(first_id.empty()) << summary.dump();

  // The episode, with its show embedded.
  HttpResponse r = Get("/api/v1/episodes/" + first_id);
  ASSERT_EQ(r.status, 200) << r.body;
  Json e = r.json();
  EXPECT_EQ(e["id"], first_id);
  EXPECT_EQ(e["type"], "episode");
  EXPECT_EQ(e["name"], "Fog Horns");
  EXPECT_EQ(e["description"], "Why ships still listen for fog horns and ferries");
  EXPECT_EQ(e["release_date"], "2024-01-15");
  EXPECT_EQ(e["explicit"], false);
  EXPECT_NEAR(e["duration_ms"].get<double>(), 6000, 50);
  EXPECT_TRUE(e["images"].is_array());
  EXPECT_EQ(e["is_playable"], true);
  EXPECT_EQ(e["show"]["name"], "Harbor Talks");
  EXPECT_EQ(e["show"]["publisher"], "Lighthouse Media");
  const std::string show_id = e["show"]["id"];

  // The show, in the Spotify shape.
  r = Get("/api/v1/shows/" + show_id);
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = r.json();
  for (const char* key : {"id", "name", "publisher", "description", "languages", "explicit",
                          "images", "total_episodes", "media_type"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing from " << r.body;
  }
  EXPECT_EQ(s["id"], show_id);
  EXPECT_EQ(s["name"], "Harbor Talks");
  EXPECT_EQ(s["total_episodes"], 2);
  EXPECT_EQ(s["media_type"], "audio");
  EXPECT_EQ(s["languages"], Json::array({"en"}));

  // Its episodes, newest first, paged.
  r = Get("/api/v1/shows/" + show_id + "/episodes?limit=1");
  ASSERT_EQ(r.status, 200) << r.body;
  Json page = r.json();
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(page["limit"], 1);
  EXPECT_EQ(page["offset"], 0);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["name"], "Tide Tables");
  EXPECT_THAT(page["next"].get<std::string>(), HasSubstr("offset=1"));
  r = Get("/api/v1/shows/" + show_id + "/episodes?limit=1&offset=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Ids(r.json()["items"]), std::vector<std::string>{first_id});
  EXPECT_TRUE(r.json()["next"].is_null());

  // Search finds the show and the episode, and no track.
  r = Get("/api/v1/search?q=harbor+talks&type=show,episode");
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = r.json();
  ASSERT_FALSE(j["shows"].empty()) << r.body;
  EXPECT_EQ(j["shows"][0]["id"], show_id);
  EXPECT_EQ(j["shows"][0]["name"], "Harbor Talks");
  EXPECT_EQ(j["shows"][0]["highlight"]["name"], "<em>Harbor</em> <em>Talks</em>");
  EXPECT_EQ(j["totals"]["shows"], 1);
  EXPECT_EQ(j["episodes"].size(), 2u) << "both episodes carry the show's name";
  r = Get("/api/v1/search?q=fog+horns&type=episode");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Ids(r.json()["episodes"]), std::vector<std::string>{first_id}) << r.body;
  EXPECT_EQ(r.json()["episodes"][0]["show"]["id"], show_id);
  r = Get("/api/v1/search?q=moon+harbour&type=episode");  // description words
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["episodes"].size(), 1u) << r.body;
  EXPECT_THAT(r.json()["episodes"][0]["highlight"]["description"].get<std::string>(),
              HasSubstr("<em>moon</em>"));
  r = Get("/api/v1/search?q=fog+horns&type=track,album,artist");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["tracks"].empty()) << r.body;
  EXPECT_TRUE(r.json()["albums"].empty()) << r.body;
  EXPECT_TRUE(r.json()["artists"].empty()) << r.body;
  r = Get("/api/v1/search/suggest?q=harbor+ta");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(r.json()["suggestions"].empty()) << r.body;
  EXPECT_EQ(r.json()["suggestions"][0]["type"], "show");
  EXPECT_EQ(r.json()["suggestions"][0]["id"], show_id);

  // A re-tag reaches search through the outbox; the file keeps its episode id.
  ASSERT_NO_FATAL_FAILURE(WriteMaster(
      dir + "/ep1.flac",
      show_tags + "-metadata title='Foghorn Stories' -metadata track=1 -metadata date=2024-01-15",
      6));
  const Json again = Ingest(dir);
  EXPECT_EQ(again["unchanged"], 1) << again.dump();
  r = Get("/api/v1/search?q=foghorn+stories&type=episode");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Ids(r.json()["episodes"]).size(), 1u) << r.body;

  // Everything is still there after a restart.
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  r = Get("/api/v1/search?q=tide+tables&type=episode");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["episodes"].size(), 1u) << r.body;
  r = Get("/api/v1/shows/" + show_id);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_P(PodcastApiTest, PodcastFlagIngestsAnyFileAsAnEpisode) {
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  const std::string dir = root_->path() + "/talks";
  std::filesystem::create_directories(dir);
  ASSERT_NO_FATAL_FAILURE(WriteMaster(
      dir + "/talk.flac", "-metadata title='Open Lecture' -metadata album='Evening Lectures'", 4));
  const Json summary = Ingest(dir, {"--podcast"});
  ASSERT_EQ(summary["episodes"], 1) << summary.dump();
  const std::string id = summary["results"][0]["episode_id"];
  HttpResponse r = Get("/api/v1/episodes/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["show"]["name"], "Evening Lectures");
  EXPECT_EQ(r.json()["show"]["publisher"], "");
}

TEST_P(PodcastApiTest, MarketsAndRejections) {
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  // A show sold only in the US with one episode, and one sold everywhere.
  WithDatabase([&](store::Database& db) {
    Exec(db,
         "INSERT INTO shows (show_id, title, publisher, available_countries, created_at_ms) "
         "VALUES ('show_usonly', 'Prairie Radio Hour', 'Plains Media', 'US', 1), "
         "('show_global', 'Global Radio Hour', 'World Media', '', 1)");
    Exec(db,
         "INSERT INTO episodes (episode_id, show_id, title, release_date, duration_ms, "
         "created_at_ms) VALUES ('episode_usonly', 'show_usonly', 'Harvest Stories', "
         "'2023-09-01', 60000, 1), ('episode_global', 'show_global', 'Harvest Songs', "
         "'2023-09-02', 60000, 1)");
  });
  // Marked, not hidden, as tracks are (docs/decisions/0004-catalog.md).
  HttpResponse r = Get("/api/v1/shows/show_usonly");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["is_playable"], false);  // the caller is in SE
  r = Get("/api/v1/shows/show_usonly?market=us");
  EXPECT_EQ(r.json()["is_playable"], true);
  r = Get("/api/v1/episodes/episode_usonly");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["is_playable"], false) << "an episode inherits its show's markets";
  r = Get("/api/v1/shows/show_usonly/episodes?market=US");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["items"][0]["is_playable"], true);
  // Search hides what the caller's market cannot play.
  r = Get("/api/v1/search?q=radio+hour&type=show");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Ids(r.json()["shows"]), std::vector<std::string>{"show_global"}) << r.body;
  r = Get("/api/v1/search?q=harvest&type=episode");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Ids(r.json()["episodes"]), std::vector<std::string>{"episode_global"}) << r.body;
  // Episode filters: year and duration apply to episodes.
  r = Get("/api/v1/search?q=harvest&type=episode&year=2020-2022");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["episodes"].empty()) << r.body;
  r = Get("/api/v1/search?q=harvest&type=episode&duration_ms=50000-70000");
  EXPECT_EQ(Ids(r.json()["episodes"]), std::vector<std::string>{"episode_global"}) << r.body;

  // Unknown and malformed ids: 404.
  for (const char* path : {"/api/v1/shows/show_doesnotexist000000000", "/api/v1/shows/bad%20id!",
                           "/api/v1/shows/show_doesnotexist000000000/episodes",
                           "/api/v1/episodes/episode_nope", "/api/v1/episodes/..%2F..%2Fetc"}) {
    SCOPED_TRACE(path);
    ExpectError(Get(path), 404, "not_found");
  }
  // Bad paging, markets and parameters: 400 naming the field.
  struct Case {
    const char* path;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {"/api/v1/shows/show_global/episodes?limit=0", "limit"},
           {"/api/v1/shows/show_global/episodes?limit=51", "limit"},
           {"/api/v1/shows/show_global/episodes?limit=ten", "limit"},
           {"/api/v1/shows/show_global/episodes?offset=-1", "offset"},
           {"/api/v1/shows/show_global/episodes?offset=1.5", "offset"},
           {"/api/v1/shows/show_global/episodes?market=ZZ", "market"},
           {"/api/v1/shows/show_global/episodes?sort=name", "sort"},
           {"/api/v1/shows/show_global?market=XYZ", "market"},
           {"/api/v1/shows/show_global?limit=5", "limit"},
           {"/api/v1/episodes/episode_global?market=1", "market"},
           {"/api/v1/episodes/episode_global?fields=name", "fields"},
       }) {
    SCOPED_TRACE(c.path);
    ExpectFieldError(Get(c.path), c.field);
  }
  // Authentication is required.
  ExpectUnauthenticated(client().Get("/api/v1/shows/show_global"));
  ExpectUnauthenticated(client().Get("/api/v1/shows/show_global/episodes"));
  ExpectUnauthenticated(client().Get("/api/v1/episodes/episode_global"));
  // Past the last page: an empty page, not an error.
  r = Get("/api/v1/shows/show_global/episodes?offset=40");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["items"].empty());
  EXPECT_EQ(r.json()["total"], 1);
}

TEST_P(PodcastApiTest, DemoHasTwoShowsOfThreeSpeechEpisodes) {
  // The real `sonora demo` (one music track to keep it short): its podcasts go through ingest
  // and come out as shows and episodes, with nothing of them among the tracks.
  std::vector<std::string> args = {"demo", "--no-serve", "--tracks", "1"};
  for (const auto& a : StorageArgs()) args.push_back(a);
  CommandResult demo = RunSonora(args, {}, std::chrono::seconds(300));
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  HttpResponse r = Get("/api/v1/search?q=signal+path+kitchen+table+science&type=show");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json shows = r.json()["shows"];
  ASSERT_EQ(shows.size(), 2u) << r.body;
  for (const auto& s : shows) {
    EXPECT_EQ(s["total_episodes"], 3) << s.dump();
    EXPECT_EQ(s["languages"], Json::array({"en"}));
    HttpResponse page = Get("/api/v1/shows/" + s["id"].get<std::string>() + "/episodes");
    ASSERT_EQ(page.status, 200) << page.body;
    ASSERT_EQ(page.json()["items"].size(), 3u);
    int64_t previous = 4;
    for (const auto& e : page.json()["items"]) {
      EXPECT_GE(e["duration_ms"].get<int64_t>(), 30'000);
      EXPECT_LE(e["duration_ms"].get<int64_t>(), 90'000);
      EXPECT_FALSE(e["description"].get<std::string>().empty());
      EXPECT_LT(e["episode_number"].get<int64_t>(), previous) << "newest first";
      previous = e["episode_number"].get<int64_t>();
    }
  }
  WithDatabase([&](store::Database& db) {
    auto n = db.Query("SELECT COUNT(*) FROM tracks");
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->rows[0].GetInt(0), 1) << "the one music track; episodes are not tracks";
    auto media = db.Query("SELECT COUNT(*) FROM episode_media WHERE media_state = 'ready'");
    ASSERT_TRUE(media.ok());
    EXPECT_EQ(media->rows[0].GetInt(0), 6);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, PodcastApiTest, ::testing::ValuesIn(AllBackends()), ParamName);

}  // namespace
}  // namespace sonora::testing
