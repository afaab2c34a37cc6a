// Recommendations over HTTP (issue 7; docs/decisions/0012-recommendations.md). GET
// /recommendations: the seed's response shape, co-listened tracks with the reason naming the
// seed, the seeds excluded, only tracks playable in the caller's market, a listener with no
// history still served, every rejection with PRODUCT.md §2's error. GET
// /playlists/discover-weekly: the seed's shape, `sonora recommend run`, the stored weekly list.
// Both backends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/api_fixture.h"
#include "core/time_format.h"
#include "store/database.h"

namespace sonora::testing {
namespace {

class RecommendApiTest : public ApiTest {
 protected:
  // A generated catalog (one artist per 40 tracks) and five listeners: bob, carol and dave
  // each played tracks_[0] and tracks_[1], alice played tracks_[0] only, erin nothing. Ids
  // are read back from the database.
  void SetUpCatalogAndListeners(int tracks = 120) {
    std::vector<std::string> args = {"catalog", "generate", "--tracks", std::to_string(tracks)};
    for (const auto& a : StorageArgs()) args.push_back(a);
    CommandResult r = RunSonora(args, {}, std::chrono::seconds(30));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_NO_FATAL_FAILURE(StartServer());
    for (const char* u : {"alice", "bob", "carol", "dave", "erin"}) {
      Json reg = Register(u);
      ASSERT_TRUE(reg.is_object());
      tokens_[u] = reg["access_token"];
    }
    WithDatabase([&](store::Database& db) {
      // Playable everywhere, so the market filter below is the only restriction in play.
      ASSERT_TRUE(db.Execute("UPDATE tracks SET available_countries = ''").ok());
      auto rows = db.Query("SELECT track_id, title FROM tracks ORDER BY track_id");
      ASSERT_TRUE(rows.ok());
      for (const auto& row : rows->rows) {
        tracks_.push_back(row.GetString(0));
        titles_.push_back(row.GetString(1));
      }
      auto genre = db.Query("SELECT genres FROM albums WHERE genres <> '' ORDER BY album_id");
      ASSERT_TRUE(genre.ok());
      ASSERT_FALSE(genre->rows.empty());
      genre_ = genre->rows[0].GetString(0).substr(0, genre->rows[0].GetString(0).find(','));
      auto listen = [&](const std::string& user, const std::string& track) {
        ASSERT_NO_FATAL_FAILURE(Listen(db, user, track));
      };
      for (const char* u : {"bob", "carol", "dave"}) {
        listen(u, tracks_[0]);
        listen(u, tracks_[1]);
      }
      listen("alice", tracks_[0]);
    });
  }

  // A counted, completed listen by `user` (a username) an hour ago: inside every history
  // window (90 days for Discover Weekly, 180 for Daily Mix).
  void Listen(store::Database& db, const std::string& user, const std::string& track) {
    auto id = db.Query("SELECT user_id FROM users WHERE username = ?", {user});
    ASSERT_TRUE(id.ok());
    ASSERT_EQ(id->rows.size(), 1u);
    const int64_t at = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count() -
                       3'600'000;
    ASSERT_TRUE(
        db.Execute("INSERT INTO listens (session_id, user_id, track_id,"
                   " started_at_ms, last_event_at_ms, duration_played_ms,"
                   " completed, skipped, counted, counted_at_ms)"
                   " VALUES (?, ?, ?, ?, ?, 60000, 1, 0, 1, ?)",
                   {"s" + std::to_string(++sessions_), id->rows[0].GetString(0), track, at, at, at})
            .ok());
  }

  HttpResponse Recommend(const std::string& query, const std::string& user = "alice") {
    return client().Get("/api/v1/recommendations?" + query, Bearer(tokens_[user]));
  }

  static std::vector<std::string> Ids(const Json& body) {
    std::vector<std::string> ids;
    for (const auto& t : body["tracks"]) ids.push_back(t["track_id"]);
    return ids;
  }

  std::map<std::string, std::string> tokens_;
  std::vector<std::string> tracks_, titles_;
  std::string genre_;
  int sessions_ = 0;
};

TEST_P(RecommendApiTest, SeedShapeWithScoresReasonsAndTheSeedExcluded) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners());
  HttpResponse r = Recommend("seed_tracks=" + tracks_[0] + "&limit=5");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = r.json();
  EXPECT_EQ(Keys(body), (std::set<std::string>{"tracks", "seeds"}));
  EXPECT_EQ(body["seeds"], Json::parse(R"([{"type":"track","id":")" + tracks_[0] + R"("}])"));
  ASSERT_EQ(body["tracks"].size(), 5u);
  std::set<std::string> seen;
  for (const auto& t : body["tracks"]) {
    for (const char* key : {"track_id", "title", "artists", "album", "match_score", "reason"}) {
      EXPECT_TRUE(t.contains(key)) << key;
    }
    const double score = t["match_score"];
    EXPECT_GE(score, 0.0);
    EXPECT_LE(score, 1.0);
    EXPECT_TRUE(t["reason"].is_string());
    EXPECT_FALSE(t["reason"].get<std::string>().empty());
    EXPECT_NE(t["track_id"], tracks_[0]) << "seeds are never recommended";
    EXPECT_EQ(t["is_playable"], true);
    EXPECT_TRUE(seen.insert(t["track_id"]).second) << "no repeats";
  }
  // The co-listened track is a candidate whose reason names the seed: "Because you played"
  // for alice, who played it; erin never did.
  for (const char* user : {"alice", "erin"}) {
    HttpResponse all = Recommend("seed_tracks=" + tracks_[0] + "&limit=100", user);
    ASSERT_EQ(all.status, 200) << all.body;
    const Json list = all.json();
    const Json* co = nullptr;
    for (const auto& t : list["tracks"])
      if (t["track_id"] == tracks_[1]) co = &t;
    ASSERT_NE(co, nullptr) << user;
    EXPECT_EQ((*co)["reason"], std::string(user) == "alice"
                                   ? "Because you played " + titles_[0]
                                   : "Listeners of " + titles_[0] + " also play this");
    EXPECT_GT((*co)["match_score"].get<double>(), 0.3) << "full co-listening weighs 0.3";
  }
}

TEST_P(RecommendApiTest, OnlyTracksPlayableInTheCallersMarket) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners());
  WithDatabase([&](store::Database& db) {
    ASSERT_TRUE(
        db.Execute("UPDATE tracks SET available_countries = 'NO' WHERE track_id = ?", {tracks_[1]})
            .ok());
  });
  HttpResponse se = Recommend("seed_tracks=" + tracks_[0] + "&limit=100");
  ASSERT_EQ(se.status, 200) << se.body;
  std::vector<std::string> ids = Ids(se.json());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), tracks_[1]), 0) << "not playable in SE";
  EXPECT_EQ(ids.size(), 100u);
  HttpResponse no = Recommend("seed_tracks=" + tracks_[0] + "&limit=100&market=NO");
  ASSERT_EQ(no.status, 200) << no.body;
  ids = Ids(no.json());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), tracks_[1]), 1) << "playable in NO";
}

TEST_P(RecommendApiTest, AListenerWithNoHistoryGetsGenreAndArtistPicks) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners());
  HttpResponse r = Recommend("seed_genres=" + genre_ + "&limit=10", "erin");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["tracks"].size(), 10u);
  EXPECT_EQ(r.json()["seeds"][0]["type"], "genre");
  HttpResponse unknown = Recommend("seed_genres=polka", "erin");
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_EQ(unknown.json()["tracks"].size(), 20u) << "the default limit, popular tracks";
  std::string artist;
  WithDatabase([&](store::Database& db) {
    auto a = db.Query("SELECT artist_id FROM track_artists WHERE track_id = ?", {tracks_[5]});
    ASSERT_TRUE(a.ok() && !a->rows.empty());
    artist = a->rows[0].GetString(0);
  });
  HttpResponse by_artist = Recommend("seed_artists=" + artist + "&seed_genres=" + genre_, "erin");
  ASSERT_EQ(by_artist.status, 200) << by_artist.body;
  EXPECT_EQ(by_artist.json()["seeds"].size(), 2u);
  EXPECT_FALSE(by_artist.json()["tracks"].empty());
}

TEST_P(RecommendApiTest, RejectsBadRequests) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners());
  const std::string t = tracks_[0];
  ExpectFieldError(Recommend(""), "seed_tracks");
  ExpectFieldError(Recommend("limit=5"), "seed_tracks");
  ExpectFieldError(Recommend("seed_tracks="), "seed_tracks");
  ExpectFieldError(
      Recommend("seed_tracks=" + t + "," + tracks_[1] + "," + tracks_[2] + "&seed_genres=a,b,c"),
      "seed_tracks");
  ExpectFieldError(Recommend("seed_tracks=a,b,c,d,e,f"), "seed_tracks");
  ExpectFieldError(Recommend("seed_tracks=bad%21id"), "seed_tracks");
  ExpectFieldError(Recommend("seed_tracks=" + t + ",,x"), "seed_tracks");
  ExpectFieldError(Recommend("seed_artists=%3Cscript%3E"), "seed_artists");
  ExpectFieldError(Recommend("seed_genres=rock%3Bdrop"), "seed_genres");
  ExpectFieldError(Recommend("seed_tracks=" + t + "&limit=0"), "limit");
  ExpectFieldError(Recommend("seed_tracks=" + t + "&limit=101"), "limit");
  ExpectFieldError(Recommend("seed_tracks=" + t + "&limit=ten"), "limit");
  ExpectFieldError(Recommend("seed_tracks=" + t + "&market=XX"), "market");
  ExpectFieldError(Recommend("seed_tracks=" + t + "&user_id=bob"), "user_id");
  ExpectError(Recommend("seed_tracks=nosuchtrack"), 404, "not_found");
  ExpectError(Recommend("seed_artists=nosuchartist"), 404, "not_found");
  ExpectUnauthenticated(client().Get("/api/v1/recommendations?seed_tracks=" + t));
  HttpResponse limit100 = Recommend("seed_tracks=" + t + "&limit=100");
  EXPECT_EQ(limit100.status, 200) << "100 is the largest limit";
}

TEST_P(RecommendApiTest, DiscoverWeeklyHasTheSeedShapeAndStaysPutAllWeek) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners(640));  // 16 artists: 30 at 2 per artist
  // The batch job first: every registered listener gets this week's list.
  std::vector<std::string> args = {"recommend", "run"};
  for (const auto& a : StorageArgs()) args.push_back(a);
  CommandResult run = RunSonora(args, {}, std::chrono::seconds(60));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("discover weekly: 5 users"), std::string::npos) << run.out;
  CommandResult again = RunSonora(args, {}, std::chrono::seconds(60));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("discover weekly: 0 users"), std::string::npos) << again.out;
  EXPECT_NE(run.out.find("daily mix: 5 users"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("release radar: 5 users"), std::string::npos) << run.out;
  args.push_back("--lists=bogus");
  EXPECT_NE(RunSonora(args, {}, std::chrono::seconds(60)).exit_code, 0);

  HttpResponse r = client().Get("/api/v1/playlists/discover-weekly", Bearer(tokens_["alice"]));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = r.json();
  EXPECT_EQ(Keys(body), (std::set<std::string>{"playlist_id", "name", "description", "tracks",
                                               "generated_at", "expires_at"}));
  EXPECT_EQ(body["name"], "Discover Weekly");
  EXPECT_EQ(body["playlist_id"].get<std::string>().rfind("auto_discover_weekly_", 0), 0u);
  ASSERT_EQ(body["tracks"].size(), 30u);
  auto generated = ParseIso8601(body["generated_at"].get<std::string>());
  auto expires = ParseIso8601(body["expires_at"].get<std::string>());
  ASSERT_TRUE(generated && expires);
  const int64_t gen_ms = generated->time_since_epoch().count();
  EXPECT_EQ(gen_ms % 86'400'000, 0) << "midnight UTC";
  EXPECT_EQ((gen_ms / 86'400'000 + 3) % 7, 0) << "a Monday";
  EXPECT_EQ(expires->time_since_epoch().count() - gen_ms, 7 * 86'400'000LL);
  std::map<std::string, int> per_artist;
  for (const auto& t : body["tracks"]) {
    EXPECT_NE(t["track_id"], tracks_[0]) << "alice heard it";
    ++per_artist[t["artists"][0]["artist_id"].get<std::string>()];
  }
  for (const auto& [artist, n] : per_artist) EXPECT_LE(n, 2) << artist;

  // Liking a track changes nothing until next Monday: the list is stored.
  const std::string first = body["tracks"][0]["track_id"];
  ASSERT_EQ(
      client().Send("PUT", "/api/v1/me/tracks?ids=" + first, "", Bearer(tokens_["alice"])).status,
      200);
  HttpResponse later = client().Get("/api/v1/playlists/discover-weekly", Bearer(tokens_["alice"]));
  ASSERT_EQ(later.status, 200);
  EXPECT_EQ(later.json()["tracks"], body["tracks"]);
  EXPECT_EQ(later.json()["generated_at"], body["generated_at"]);
}

TEST_P(RecommendApiTest, DiscoverWeeklyIsGeneratedOnFirstRequestAndRejectsBadRequests) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners(640));
  HttpResponse r = client().Get("/api/v1/playlists/discover-weekly", Bearer(tokens_["erin"]));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["tracks"].size(), 30u) << "no history: popular tracks in the market";
  ExpectFieldError(
      client().Get("/api/v1/playlists/discover-weekly?limit=5", Bearer(tokens_["erin"])), "limit");
  ExpectFieldError(
      client().Get("/api/v1/playlists/discover-weekly?market=XX", Bearer(tokens_["erin"])),
      "market");
  ExpectUnauthenticated(client().Get("/api/v1/playlists/discover-weekly"));
}

TEST_P(RecommendApiTest, DailyMixesHaveFamiliarAndNewTracksAndRejectBadRequests) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners(200));
  // carol also plays twelve more tracks, so she has enough history to cluster.
  std::set<std::string> heard = {tracks_[0], tracks_[1]};
  WithDatabase([&](store::Database& db) {
    for (size_t i = 2; i < 14; ++i) {
      ASSERT_NO_FATAL_FAILURE(Listen(db, "carol", tracks_[i]));
      heard.insert(tracks_[i]);
    }
  });
  HttpResponse r = client().Get("/api/v1/me/daily-mixes", Bearer(tokens_["carol"]));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = r.json();
  EXPECT_EQ(Keys(body), (std::set<std::string>{"mixes", "generated_at", "expires_at"}));
  ASSERT_GE(body["mixes"].size(), 1u);
  ASSERT_LE(body["mixes"].size(), 6u);
  size_t familiar = 0, fresh = 0;
  std::set<std::string> ids;
  for (size_t m = 0; m < body["mixes"].size(); ++m) {
    const Json& mix = body["mixes"][m];
    EXPECT_EQ(Keys(mix), (std::set<std::string>{"playlist_id", "name", "description", "tracks",
                                                "generated_at", "expires_at"}));
    EXPECT_EQ(mix["playlist_id"].get<std::string>().rfind(
                  "auto_daily_mix_" + std::to_string(m + 1) + "_", 0),
              0u);
    const std::string name = mix["name"];
    EXPECT_EQ(name.substr(name.size() > 4 ? name.size() - 4 : 0), " Mix") << name;
    EXPECT_LE(mix["tracks"].size(), 50u);
    for (const auto& t : mix["tracks"]) {
      const std::string id = t["track_id"];
      EXPECT_TRUE(ids.insert(id).second) << id << " is in two mixes";
      if (t["is_new"] == true) {
        ++fresh;
        EXPECT_EQ(heard.count(id), 0u) << id;
      } else {
        ++familiar;
        EXPECT_EQ(heard.count(id), 1u) << id;
      }
    }
  }
  EXPECT_EQ(familiar, heard.size());
  EXPECT_GE(fresh, 1u);
  EXPECT_LE(fresh * 4, familiar + 4) << "about 20% new";
  auto generated = ParseIso8601(body["generated_at"].get<std::string>());
  auto expires = ParseIso8601(body["expires_at"].get<std::string>());
  ASSERT_TRUE(generated && expires);
  EXPECT_EQ(generated->time_since_epoch().count() % 86'400'000, 0) << "midnight UTC";
  EXPECT_EQ(expires->time_since_epoch().count() - generated->time_since_epoch().count(),
            86'400'000LL);

  // No history: popular genre mixes, never an empty answer.
  HttpResponse erin = client().Get("/api/v1/me/daily-mixes", Bearer(tokens_["erin"]));
  ASSERT_EQ(erin.status, 200) << erin.body;
  ASSERT_GE(erin.json()["mixes"].size(), 1u);
  EXPECT_FALSE(erin.json()["mixes"][0]["tracks"].empty());

  ExpectFieldError(client().Get("/api/v1/me/daily-mixes?limit=5", Bearer(tokens_["carol"])),
                   "limit");
  ExpectFieldError(client().Get("/api/v1/me/daily-mixes?market=XX", Bearer(tokens_["carol"])),
                   "market");
  ExpectUnauthenticated(client().Get("/api/v1/me/daily-mixes"));
}

TEST_P(RecommendApiTest, ReleaseRadarHasTheShapeAndRejectsBadRequests) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners(200));
  // A release from yesterday by an artist alice follows.
  std::string artist, album;
  WithDatabase([&](store::Database& db) {
    auto a = db.Query(
        "SELECT ta.artist_id, t.album_id FROM track_artists ta JOIN tracks t"
        " ON t.track_id = ta.track_id WHERE ta.track_id = ? AND ta.position = 0",
        {tracks_[5]});
    ASSERT_TRUE(a.ok() && !a->rows.empty());
    artist = a->rows[0].GetString(0);
    album = a->rows[0].GetString(1);
    const auto yesterday = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now() - std::chrono::hours(24));
    ASSERT_TRUE(db.Execute("UPDATE albums SET release_date = ? WHERE album_id = ?",
                           {FormatIso8601(yesterday).substr(0, 10), album})
                    .ok());
  });
  ASSERT_EQ(client()
                .Send("PUT", "/api/v1/me/following/artists/" + artist, "", Bearer(tokens_["alice"]))
                .status,
            200);
  HttpResponse r = client().Get("/api/v1/playlists/release-radar", Bearer(tokens_["alice"]));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = r.json();
  EXPECT_EQ(Keys(body), (std::set<std::string>{"playlist_id", "name", "description", "tracks",
                                               "generated_at", "expires_at"}));
  EXPECT_EQ(body["name"], "Release Radar");
  EXPECT_EQ(body["playlist_id"].get<std::string>().rfind("auto_release_radar_", 0), 0u);
  ASSERT_FALSE(body["tracks"].empty());
  EXPECT_EQ(body["tracks"][0]["album"]["album_id"], album) << "the followed artist's release";
  EXPECT_LE(body["tracks"].size(), 30u);
  auto generated = ParseIso8601(body["generated_at"].get<std::string>());
  ASSERT_TRUE(generated);
  const int64_t gen_ms = generated->time_since_epoch().count();
  EXPECT_EQ(gen_ms % 86'400'000, 0) << "midnight UTC";
  EXPECT_EQ((gen_ms / 86'400'000 + 3) % 7, 4) << "a Friday";

  HttpResponse erin = client().Get("/api/v1/playlists/release-radar", Bearer(tokens_["erin"]));
  ASSERT_EQ(erin.status, 200) << erin.body;
  EXPECT_FALSE(erin.json()["tracks"].empty()) << "no follows, no history: still a list";
  ExpectFieldError(
      client().Get("/api/v1/playlists/release-radar?offset=1", Bearer(tokens_["erin"])), "offset");
  ExpectFieldError(
      client().Get("/api/v1/playlists/release-radar?market=zz", Bearer(tokens_["erin"])), "market");
  ExpectUnauthenticated(client().Get("/api/v1/playlists/release-radar"));
}

TEST_P(RecommendApiTest, RelatedArtistsAndTheirRejections) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners(200));  // 5 artists
  std::string artist;
  WithDatabase([&](store::Database& db) {
    auto a = db.Query("SELECT artist_id FROM track_artists WHERE track_id = ? AND position = 0",
                      {tracks_[0]});
    ASSERT_TRUE(a.ok() && !a->rows.empty());
    artist = a->rows[0].GetString(0);
  });
  HttpResponse r =
      client().Get("/api/v1/artists/" + artist + "/related-artists", Bearer(tokens_["erin"]));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = r.json();
  EXPECT_EQ(Keys(body), (std::set<std::string>{"artists"}));
  ASSERT_FALSE(body["artists"].empty());
  for (const auto& a : body["artists"]) {
    EXPECT_NE(a["artist_id"], artist) << "never itself";
    EXPECT_TRUE(a.contains("name"));
  }
  ExpectError(client().Get("/api/v1/artists/artist_nope/related-artists", Bearer(tokens_["erin"])),
              404, "not_found");
  ExpectError(client().Get("/api/v1/artists/bad%21id/related-artists", Bearer(tokens_["erin"])),
              404, "not_found");
  ExpectFieldError(client().Get("/api/v1/artists/" + artist + "/related-artists?limit=5",
                                Bearer(tokens_["erin"])),
                   "limit");
  ExpectUnauthenticated(client().Get("/api/v1/artists/" + artist + "/related-artists"));
}

TEST_P(RecommendApiTest, RadioIsPagedAndEndless) {
  ASSERT_NO_FATAL_FAILURE(SetUpCatalogAndListeners());
  auto page = [&](const std::string& q) {
    HttpResponse r =
        client().Get("/api/v1/radio?seed_track=" + tracks_[0] + q, Bearer(tokens_["alice"]));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json() : Json::object();
  };
  const Json whole = page("&limit=20");
  ASSERT_EQ(whole["tracks"].size(), 20u);
  EXPECT_EQ(whole["next"], 20);
  const Json first = page("&limit=10");
  const Json second = page("&limit=10&offset=10");
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(first["tracks"][i]["track_id"], whole["tracks"][i]["track_id"]);
    EXPECT_EQ(second["tracks"][i]["track_id"], whole["tracks"][10 + i]["track_id"]);
  }
  for (const auto& t : whole["tracks"]) EXPECT_NE(t["track_id"], tracks_[0]);
  // 119 other tracks: the station wraps around instead of ending.
  const Json far = page("&limit=50&offset=1000000");
  EXPECT_EQ(far["tracks"].size(), 50u);
  EXPECT_EQ(far["next"], 1000050);

  auto get = [&](const std::string& q) {
    return client().Get("/api/v1/radio" + q, Bearer(tokens_["alice"]));
  };
  ExpectFieldError(get(""), "seed_track");
  ExpectFieldError(get("?seed_track=bad%21id"), "seed_track");
  ExpectFieldError(get("?seed_track=" + tracks_[0] + "&limit=0"), "limit");
  ExpectFieldError(get("?seed_track=" + tracks_[0] + "&limit=51"), "limit");
  ExpectFieldError(get("?seed_track=" + tracks_[0] + "&offset=-1"), "offset");
  ExpectFieldError(get("?seed_track=" + tracks_[0] + "&seed_genres=rock"), "seed_genres");
  ExpectError(get("?seed_track=track_nope"), 404, "not_found");
  ExpectUnauthenticated(client().Get("/api/v1/radio?seed_track=" + tracks_[0]));
}

INSTANTIATE_TEST_SUITE_P(Backends, RecommendApiTest, ::testing::ValuesIn(AllBackends()), ParamName);

}  // namespace
}  // namespace sonora::testing
