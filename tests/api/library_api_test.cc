// The Library over HTTP (issue 5; docs/decisions/0010-library.md): Liked Songs and saved albums
// (PUT/DELETE with ?ids= or a JSON body, the newest-first page, contains), artist follows with
// the seed's exact response, follower counts in the artist JSON, the cursor-paged list of
// followed artists, every rejection, and the library surviving a restart. Both backends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/api_fixture.h"
#include "store/database.h"

namespace sonora::testing {
namespace {

using ::testing::ElementsAre;

class LibraryApiTest : public ApiTest {
 protected:
  // A generated catalog of `tracks` tracks; its track, album and artist ids read back from the
  // database (ordered by id) since no endpoint lists them.
  void Seed(int tracks) {
    std::vector<std::string> args = {"catalog", "generate", "--tracks", std::to_string(tracks)};
    for (const auto& a : StorageArgs()) args.push_back(a);
    CommandResult r = RunSonora(args, {}, std::chrono::seconds(30));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    WithDatabase([&](store::Database& db) {
      auto read = [&](const char* sql, std::vector<std::string>* out) {
        auto rows = db.Query(sql);
        ASSERT_TRUE(rows.ok()) << rows.status().ToString();
        for (const auto& row : rows->rows) out->push_back(row.GetString(0));
      };
      read("SELECT track_id FROM tracks ORDER BY track_id", &tracks_);
      read("SELECT album_id FROM albums ORDER BY album_id", &albums_);
      read("SELECT artist_id FROM artists ORDER BY artist_id", &artists_);
    });
    ASSERT_EQ(tracks_.size(), static_cast<size_t>(tracks));
    ASSERT_GE(albums_.size(), 3u);
    ASSERT_GE(artists_.size(), 3u);
  }

  void StartAndRegister() {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    Json alice = Register("alice");
    Json bob = Register("bob");
    ASSERT_TRUE(alice.is_object() && bob.is_object());
    alice_ = alice["access_token"];
    bob_ = bob["access_token"];
  }

  static std::string Join(const std::vector<std::string>& ids, size_t from, size_t n) {
    std::string s;
    for (size_t i = from; i < from + n; ++i) s += (i > from ? "," : "") + ids[i];
    return s;
  }

  HttpResponse Delete(const std::string& target, const std::string& token,
                      const std::string& body = "") {
    return client().Send("DELETE", target, body, Bearer(token));
  }
  HttpResponse PutRaw(const std::string& target, const std::string& token,
                      const std::string& body = "") {
    return client().Send("PUT", target, body, Bearer(token));
  }

  // The ids listed on GET `path` (items[].track or .album), in order.
  std::vector<std::string> Listed(const std::string& path, const std::string& token,
                                  const char* item, const char* id_key) {
    HttpResponse r = client().Get(path, Bearer(token));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    const Json body = r.json();
    for (const auto& it : body["items"]) out.push_back(it[item][id_key]);
    return out;
  }

  std::vector<std::string> tracks_, albums_, artists_;
  std::string alice_, bob_;
};

TEST_P(LibraryApiTest, LikedSongsSaveListContainsRemove) {
  ASSERT_NO_FATAL_FAILURE(Seed(60));
  ASSERT_NO_FATAL_FAILURE(StartAndRegister());
  const auto& t = tracks_;

  HttpResponse r = PutRaw("/api/v1/me/tracks?ids=" + t[0] + "," + t[1], alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json({{"saved", true}, {"ids", {t[0], t[1]}}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a later added_at second
  // Spotify's other form: a JSON body.
  r = client().Put("/api/v1/me/tracks", {{"ids", {t[2]}}}, Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;

  r = client().Get("/api/v1/me/tracks", Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  Json page = r.json();
  EXPECT_EQ(Keys(page), (std::set<std::string>{"items", "total", "limit", "offset", "next"}));
  EXPECT_EQ(page["total"], 3);
  EXPECT_EQ(page["limit"], 20);
  EXPECT_EQ(page["offset"], 0);
  EXPECT_TRUE(page["next"].is_null());
  ASSERT_EQ(page["items"].size(), 3u);
  const Json& newest = page["items"][0];
  EXPECT_EQ(Keys(newest), (std::set<std::string>{"added_at", "track"}));
  EXPECT_EQ(newest["track"]["track_id"], t[2]);
  EXPECT_THAT(newest["added_at"].get<std::string>(),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
  EXPECT_GT(newest["added_at"].get<std::string>(), page["items"][2]["added_at"].get<std::string>());
  for (const char* key : {"title", "artists", "album", "duration_ms", "is_playable"}) {
    EXPECT_TRUE(newest["track"].contains(key)) << key;
  }
  const std::string first_added_at = page["items"][2]["added_at"];

  // Saving again keeps the first added_at and the order.
  ASSERT_EQ(PutRaw("/api/v1/me/tracks?ids=" + t[0], alice_).status, 200);
  r = client().Get("/api/v1/me/tracks", Bearer(alice_));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["total"], 3);
  ASSERT_EQ(r.json()["items"].size(), 3u);
  EXPECT_EQ(r.json()["items"][0]["track"]["track_id"], t[2]);
  EXPECT_EQ(r.json()["items"][2]["added_at"], first_added_at);

  // Paging.
  r = client().Get("/api/v1/me/tracks?limit=2&offset=0", Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["items"].size(), 2u);
  EXPECT_EQ(r.json()["next"], "/api/v1/me/tracks?offset=2&limit=2");
  r = client().Get("/api/v1/me/tracks?limit=2&offset=2", Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["items"].size(), 1u);
  EXPECT_TRUE(r.json()["next"].is_null());

  r = client().Get("/api/v1/me/tracks/contains?ids=" + t[2] + "," + t[5] + "," + t[0],
                   Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json::array({true, false, true}));
  r = client().Get("/api/v1/me/tracks/contains?ids=" + t[2], Bearer(bob_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json::array({false})) << "bob's library is his own";

  // Remove by query and by body; removing what isn't saved is fine.
  r = Delete("/api/v1/me/tracks?ids=" + t[0], alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json({{"saved", false}, {"ids", {t[0]}}}));
  r = Delete("/api/v1/me/tracks", alice_, Json({{"ids", {t[1], t[9]}}}).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(Listed("/api/v1/me/tracks", alice_, "track", "track_id"), ElementsAre(t[2]));

  // The library survives a restart.
  ASSERT_NO_FATAL_FAILURE(StopServer());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_THAT(Listed("/api/v1/me/tracks", alice_, "track", "track_id"), ElementsAre(t[2]));
}

TEST_P(LibraryApiTest, SavedItemsRejectBadRequests) {
  ASSERT_NO_FATAL_FAILURE(Seed(60));
  ASSERT_NO_FATAL_FAILURE(StartAndRegister());
  struct Collection {
    std::string path;
    const std::vector<std::string>* ids;
    std::string other_kind_id;  // a real id of another kind: unknown here
  };
  const Collection kCollections[] = {{"/api/v1/me/tracks", &tracks_, albums_[0]},
                                     {"/api/v1/me/albums", &albums_, tracks_[0]}};
  for (const auto& c : kCollections) {
    SCOPED_TRACE(c.path);
    const auto& ids = *c.ids;
    const std::string one = ids[0];
    // No token: 401 on all four.
    ExpectUnauthenticated(client().Send("PUT", c.path + "?ids=" + one));
    ExpectUnauthenticated(client().Send("DELETE", c.path + "?ids=" + one));
    ExpectUnauthenticated(client().Get(c.path));
    ExpectUnauthenticated(client().Get(c.path + "/contains?ids=" + one));
    ExpectUnauthenticated(client().Send("PUT", c.path + "?ids=" + one, "",
                                        {{"Authorization", "Bearer not-a-token"}}));

    std::vector<std::string> many;
    for (int i = 0; i < 51; ++i) many.push_back(ids[static_cast<size_t>(i) % ids.size()]);
    const std::string fifty_one = Join(many, 0, 51);
    for (const char* method : {"PUT", "DELETE"}) {
      SCOPED_TRACE(method);
      auto send = [&](const std::string& target, const std::string& body = "") {
        return client().Send(method, target, body, Bearer(alice_));
      };
      ExpectFieldError(send(c.path + "?ids=" + fifty_one), "ids");
      ExpectFieldError(send(c.path, Json({{"ids", many}}).dump()), "ids");
      ExpectFieldError(send(c.path + "?ids=" + one + ",not%20an%20id"), "ids");
      ExpectFieldError(send(c.path + "?ids=" + one + ",,"), "ids");
      ExpectFieldError(send(c.path + "?ids="), "ids");
      ExpectFieldError(send(c.path), "ids");
      ExpectFieldError(send(c.path + "?ids=" + one + "," + c.other_kind_id), "ids");
      ExpectFieldError(send(c.path + "?ids=" + one + ",track_doesnotexist0000000000"), "ids");
      ExpectFieldError(send(c.path + "?ids=" + one, Json({{"ids", {one}}}).dump()), "ids");
      ExpectFieldError(send(c.path, "{\"ids\": \"" + one + "\"}"), "ids");
      ExpectFieldError(send(c.path, "{\"ids\": [1, 2]}"), "ids");
      ExpectFieldError(send(c.path, "{\"ids\": [\"" + one + "\"], \"user_id\": \"x\"}"), "user_id");
      ExpectFieldError(send(c.path, "{\"ids\": ["), "body");
      ExpectFieldError(send(c.path, "[\"" + one + "\"]"), "body");
      ExpectFieldError(send(c.path + "?ids=" + one + "&force=1"), "force");
    }
    // Nothing above saved anything.
    HttpResponse r = client().Get(c.path, Bearer(alice_));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["total"], 0);

    // Exactly 50 is accepted.
    r = PutRaw(c.path + "?ids=" + Join(many, 0, 50), alice_);
    EXPECT_EQ(r.status, 200) << r.body;

    ExpectFieldError(client().Get(c.path + "/contains?ids=" + fifty_one, Bearer(alice_)), "ids");
    ExpectFieldError(client().Get(c.path + "/contains?ids=bad%21id", Bearer(alice_)), "ids");
    ExpectFieldError(client().Get(c.path + "/contains", Bearer(alice_)), "ids");
    ExpectFieldError(client().Get(c.path + "/contains?ids=", Bearer(alice_)), "ids");
    ExpectFieldError(client().Get(c.path + "/contains?ids=" + one + "&x=1", Bearer(alice_)), "x");
    // Unknown ids are simply not saved.
    r = client().Get(c.path + "/contains?ids=" + c.other_kind_id, Bearer(alice_));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), Json::array({false}));

    for (const char* bad : {"limit=0", "limit=51", "limit=abc", "limit=", "limit=-3"}) {
      SCOPED_TRACE(bad);
      ExpectFieldError(client().Get(c.path + "?" + bad, Bearer(alice_)), "limit");
    }
    for (const char* bad : {"offset=-1", "offset=x", "offset=1.5"}) {
      SCOPED_TRACE(bad);
      ExpectFieldError(client().Get(c.path + "?" + bad, Bearer(alice_)), "offset");
    }
    ExpectFieldError(client().Get(c.path + "?market=ZZ", Bearer(alice_)), "market");
    ExpectFieldError(client().Get(c.path + "?sort=title", Bearer(alice_)), "sort");
  }
}

TEST_P(LibraryApiTest, IsPlayableFollowsTheMarket) {
  ASSERT_NO_FATAL_FAILURE(Seed(40));
  // One track and one album only in Japan.
  WithDatabase([&](store::Database& db) {
    ASSERT_TRUE(
        db.Execute("UPDATE tracks SET available_countries = 'JP' WHERE track_id = ?", {tracks_[3]})
            .ok());
    ASSERT_TRUE(
        db.Execute("UPDATE albums SET available_countries = 'JP' WHERE album_id = ?", {albums_[1]})
            .ok());
    // The generated catalog restricts some tracks at random: the other one is everywhere.
    ASSERT_TRUE(
        db.Execute("UPDATE tracks SET available_countries = '' WHERE track_id = ?", {tracks_[4]})
            .ok());
  });
  ASSERT_NO_FATAL_FAILURE(StartAndRegister());  // alice is in SE
  ASSERT_EQ(PutRaw("/api/v1/me/tracks?ids=" + tracks_[3] + "," + tracks_[4], alice_).status, 200);
  ASSERT_EQ(PutRaw("/api/v1/me/albums?ids=" + albums_[1], alice_).status, 200);
  struct Case {
    std::string query;
    bool restricted_playable;
  };
  const Case kCases[] = {{"", false},
                         {"?market=from_token", false},
                         {"?market=JP", true},
                         {"?market=jp", true},
                         {"?market=SE", false}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.query);
    HttpResponse r = client().Get("/api/v1/me/tracks" + c.query, Bearer(alice_));
    ASSERT_EQ(r.status, 200) << r.body;
    const Json body = r.json();
    for (const auto& item : body["items"]) {
      const bool restricted = item["track"]["track_id"] == tracks_[3];
      EXPECT_EQ(item["track"]["is_playable"], restricted ? c.restricted_playable : true);
    }
    r = client().Get("/api/v1/me/albums" + c.query, Bearer(alice_));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["items"].size(), 1u);
    EXPECT_EQ(r.json()["items"][0]["album"]["is_playable"], c.restricted_playable);
  }
}

TEST_P(LibraryApiTest, SavedAlbums) {
  ASSERT_NO_FATAL_FAILURE(Seed(40));
  ASSERT_NO_FATAL_FAILURE(StartAndRegister());
  HttpResponse r = PutRaw("/api/v1/me/albums?ids=" + albums_[1], alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json({{"saved", true}, {"ids", {albums_[1]}}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  r = client().Put("/api/v1/me/albums", {{"ids", {albums_[0]}}}, Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;

  r = client().Get("/api/v1/me/albums", Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  Json page = r.json();
  EXPECT_EQ(page["total"], 2);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(Keys(page["items"][0]), (std::set<std::string>{"added_at", "album"}));
  EXPECT_EQ(page["items"][0]["album"]["album_id"], albums_[0]);
  EXPECT_EQ(page["items"][1]["album"]["album_id"], albums_[1]);
  for (const char* key : {"title", "artists", "release_date", "total_tracks", "images"}) {
    EXPECT_TRUE(page["items"][0]["album"].contains(key)) << key;
  }

  r = client().Get("/api/v1/me/albums/contains?ids=" + albums_[2] + "," + albums_[1],
                   Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json::array({false, true}));

  r = Delete("/api/v1/me/albums?ids=" + albums_[1], alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json({{"saved", false}, {"ids", {albums_[1]}}}));
  EXPECT_THAT(Listed("/api/v1/me/albums", alice_, "album", "album_id"), ElementsAre(albums_[0]));
  // Saved albums and Liked Songs are separate collections.
  r = client().Get("/api/v1/me/tracks", Bearer(alice_));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["total"], 0);
}

TEST_P(LibraryApiTest, FollowArtistsAndFollowerCounts) {
  ASSERT_NO_FATAL_FAILURE(Seed(60));
  ASSERT_NO_FATAL_FAILURE(StartAndRegister());
  const std::string a = artists_[0];
  const std::string follow_path = "/api/v1/me/following/artists/" + a;

  auto followers = [&](const std::string& artist) -> Json {
    HttpResponse r = client().Get("/api/v1/artists/" + artist, Bearer(bob_));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["followers"];
  };
  EXPECT_EQ(followers(a), Json({{"total", 0}}));

  // Exactly the seed's response.
  HttpResponse r = PutRaw(follow_path, alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json({{"following", true}, {"artist_id", a}}));
  EXPECT_EQ(followers(a), Json({{"total", 1}}));
  ASSERT_EQ(PutRaw(follow_path, alice_).status, 200);  // repeated: counted once
  EXPECT_EQ(followers(a), Json({{"total", 1}}));
  ASSERT_EQ(PutRaw(follow_path, bob_).status, 200);
  EXPECT_EQ(followers(a), Json({{"total", 2}}));

  r = Delete(follow_path, alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json({{"following", false}, {"artist_id", a}}));
  ASSERT_EQ(Delete(follow_path, alice_).status, 200);  // repeated: uncounted once
  EXPECT_EQ(followers(a), Json({{"total", 1}}));

  r = client().Get("/api/v1/me/following/artists/contains?ids=" + a + "," + artists_[1],
                   Bearer(bob_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json::array({true, false}));
  r = client().Get("/api/v1/me/following/artists/contains?ids=" + a, Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), Json::array({false}));

  // Unknown and malformed artists: 404 for follow and unfollow; nothing counted.
  for (const std::string& bad : {std::string("artist_doesnotexist000000000"), std::string("%2e%2e"),
                                 tracks_[0], std::string("contains")}) {
    SCOPED_TRACE(bad);
    ExpectError(PutRaw("/api/v1/me/following/artists/" + bad, alice_), 404, "not_found");
    ExpectError(Delete("/api/v1/me/following/artists/" + bad, alice_), 404, "not_found");
  }
  ExpectUnauthenticated(client().Send("PUT", follow_path));
  ExpectUnauthenticated(client().Send("DELETE", follow_path));
  ExpectUnauthenticated(client().Get("/api/v1/me/following/artists"));
  ExpectUnauthenticated(client().Get("/api/v1/me/following/artists/contains?ids=" + a));
  ExpectFieldError(PutRaw(follow_path + "?notify=1", alice_), "notify");
  ExpectFieldError(client().Get("/api/v1/me/following/artists/contains", Bearer(alice_)), "ids");
  ExpectFieldError(
      client().Get("/api/v1/me/following/artists/contains?ids=bad%20id", Bearer(alice_)), "ids");
  std::vector<std::string> many(51, a);
  ExpectFieldError(client().Get("/api/v1/me/following/artists/contains?ids=" + Join(many, 0, 51),
                                Bearer(alice_)),
                   "ids");
  EXPECT_EQ(followers(a), Json({{"total", 1}}));
}

TEST_P(LibraryApiTest, FollowedArtistsPageByCursor) {
  ASSERT_NO_FATAL_FAILURE(Seed(60));
  ASSERT_NO_FATAL_FAILURE(StartAndRegister());
  ASSERT_GE(artists_.size(), 3u);
  // Followed a few milliseconds apart, so "newest first" is unambiguous: artists_[2], [1], [0].
  for (size_t i = 0; i < 3; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(15));
    ASSERT_EQ(PutRaw("/api/v1/me/following/artists/" + artists_[i], alice_).status, 200);
  }

  HttpResponse r = client().Get("/api/v1/me/following/artists?limit=2", Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  Json page = r.json();
  EXPECT_EQ(Keys(page), (std::set<std::string>{"items", "total", "limit", "next", "cursors"}));
  EXPECT_EQ(page["total"], 3);
  EXPECT_EQ(page["limit"], 2);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0]["artist_id"], artists_[2]);
  EXPECT_EQ(page["items"][1]["artist_id"], artists_[1]);
  EXPECT_EQ(page["items"][0]["followers"], Json({{"total", 1}}));
  EXPECT_EQ(page["cursors"]["after"], artists_[1]);
  EXPECT_EQ(page["next"], "/api/v1/me/following/artists?limit=2&after=" + artists_[1]);

  r = client().Get(page["next"].get<std::string>(), Bearer(alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  page = r.json();
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["artist_id"], artists_[0]);
  EXPECT_TRUE(page["next"].is_null());
  EXPECT_TRUE(page["cursors"]["after"].is_null());

  r = client().Get("/api/v1/me/following/artists", Bearer(bob_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["total"], 0);
  EXPECT_TRUE(r.json()["items"].empty());

  // Rejections: a cursor the caller doesn't follow, a malformed one, bad limits, offset (this
  // list pages by cursor) and unknown parameters.
  ExpectFieldError(client().Get("/api/v1/me/following/artists?after=" + artists_[0], Bearer(bob_)),
                   "after");
  ExpectFieldError(client().Get("/api/v1/me/following/artists?after=no%20such", Bearer(alice_)),
                   "after");
  for (const char* bad : {"limit=0", "limit=51", "limit=ten"}) {
    SCOPED_TRACE(bad);
    ExpectFieldError(
        client().Get(std::string("/api/v1/me/following/artists?") + bad, Bearer(alice_)), "limit");
  }
  ExpectFieldError(client().Get("/api/v1/me/following/artists?offset=2", Bearer(alice_)), "offset");
}

INSTANTIATE_TEST_SUITE_P(Backends, LibraryApiTest, ::testing::ValuesIn(AllBackends()), ParamName);

}  // namespace
}  // namespace sonora::testing
