// The playlist routes through the real Router::Dispatch on both backends: response shapes,
// ETag / If-Match (428, 412), every 400 by field, 401, 403 and 404 for strangers.
#include "library/playlist_routes.h"

#include "playlist_fixture.h"

namespace sonora::library {
namespace {

using http::Method;
using testing_support::PlaylistTestBase;

class PlaylistRoutesTest : public PlaylistTestBase {
 protected:
  // Creates through the API; returns the 201 body.
  Json Create(const std::string& user, const std::string& body) {
    auto r = Send(Method::kPost, "/api/v1/playlists", user, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return BodyOf(r);
  }

  void ExpectError(const http::Response& r, int status, const std::string& code,
                   const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    Json b = BodyOf(r);
    EXPECT_EQ(b["error"]["code"], code) << r.body;
    if (!field.empty()) {
      EXPECT_EQ(b["error"]["field"], field) << r.body;
    }
  }

  std::string Path(const std::string& id, const std::string& rest = "") {
    return "/api/v1/playlists/" + id + rest;
  }

  std::vector<std::pair<std::string, std::string>> IfMatch(const std::string& snapshot) {
    return {{"if-match", "\"" + snapshot + "\""}};
  }
};

TEST_P(PlaylistRoutesTest, CreateReturnsTheSeedShape) {
  auto r = Send(Method::kPost, "/api/v1/playlists", "alice",
                R"({"name":"My Workout Mix","description":"High energy tracks","public":true,)"
                R"("collaborative":false})");
  ASSERT_EQ(r.status, 201) << r.body;
  Json b = BodyOf(r);
  std::string id = b["playlist_id"];
  EXPECT_EQ(id.rfind("playlist_", 0), 0u);
  EXPECT_EQ(b["name"], "My Workout Mix");
  EXPECT_EQ(b["description"], "High energy tracks");
  EXPECT_EQ(b["owner"], Json({{"user_id", "alice"}, {"display_name", "Name alice"}}));
  EXPECT_EQ(b["public"], true);
  EXPECT_EQ(b["collaborative"], false);
  EXPECT_EQ(b["tracks_count"], 0);
  EXPECT_EQ(b["followers"], 0);
  EXPECT_EQ(b["url"], "/playlist/" + id);
  EXPECT_EQ(b["created_at"], "2025-11-12T12:00:00Z");
  EXPECT_TRUE(b["snapshot_id"].is_string());
  EXPECT_EQ(b.size(), 11u) << b.dump();
  // Defaults: public unless collaborative.
  Json d = Create("alice", R"({"name":"x"})");
  EXPECT_EQ(d["public"], true);
  EXPECT_EQ(d["description"], "");
  Json c = Create("alice", R"({"name":"x","collaborative":true})");
  EXPECT_EQ(c["public"], false);
  EXPECT_EQ(c["collaborative"], true);
}

TEST_P(PlaylistRoutesTest, CreateRejectsEachBadField) {
  struct Case {
    const char* body;
    const char* field;
  };
  static const Case kCases[] = {
      {R"({})", "name"},
      {R"({"name":""})", "name"},
      {R"({"name":"   "})", "name"},
      {R"({"name":42})", "name"},
      {R"({"name":"x","description":7})", "description"},
      {R"({"name":"x","public":"yes"})", "public"},
      {R"({"name":"x","collaborative":1})", "collaborative"},
      {R"({"name":"x","public":true,"collaborative":true})", "public"},
      {R"({"name":"x","owner":"bob"})", "owner"},
      {R"({"name":"x","snapshot_id":"s"})", "snapshot_id"},
      {R"([1])", "body"},
      {R"({"name":)", "body"},
  };
  for (const auto& c : kCases) {
    auto r = Send(Method::kPost, "/api/v1/playlists", "alice", c.body);
    ExpectError(r, 400, "invalid_argument", c.field);
  }
  ExpectError(Send(Method::kPost, "/api/v1/playlists", "alice",
                   Json({{"name", std::string(101, 'a')}}).dump()),
              400, "invalid_argument", "name");
  // 100 characters of multi-byte text is fine; 301 of description is not.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "\xC3\xA9";
  EXPECT_EQ(
      Send(Method::kPost, "/api/v1/playlists", "alice", Json({{"name", hundred}}).dump()).status,
      201);
  ExpectError(Send(Method::kPost, "/api/v1/playlists", "alice",
                   Json({{"name", "x"}, {"description", std::string(301, 'd')}}).dump()),
              400, "invalid_argument", "description");
}

TEST_P(PlaylistRoutesTest, EveryRouteNeedsAToken) {
  std::string id = NewPlaylist("alice");
  ExpectError(Send(Method::kPost, "/api/v1/playlists", "", R"({"name":"x"})"), 401,
              "unauthenticated");
  ExpectError(Send(Method::kGet, Path(id), ""), 401, "unauthenticated");
  ExpectError(Send(Method::kPost, Path(id, "/tracks"), "", R"({"track_ids":["track_t1"]})"), 401,
              "unauthenticated");
  ExpectError(Send(Method::kGet, "/api/v1/me/playlists", ""), 401, "unauthenticated");
}

TEST_P(PlaylistRoutesTest, GetReturnsTracksWithAddedByAndAnETag) {
  std::string id = NewPlaylist("alice");
  clock_.Advance(std::chrono::minutes(1));
  Append("alice", id, {0, 1, 2});
  auto r = Send(Method::kGet, Path(id), "bob");
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = BodyOf(r);
  EXPECT_EQ(r.GetHeader("ETag"), "\"" + b["snapshot_id"].get<std::string>() + "\"");
  EXPECT_EQ(b["tracks_count"], 3);
  EXPECT_EQ(b["followers"], 0);
  ASSERT_EQ(b["tracks"].size(), 3u);
  Json t = b["tracks"][1];
  EXPECT_EQ(t["track_id"], Track(1));
  EXPECT_EQ(t["title"], "Song 1");
  EXPECT_EQ(t["artists"][0]["artist_id"], "artist_a1");
  EXPECT_EQ(t["album"]["album_id"], "album_al1");
  EXPECT_EQ(t["duration_ms"], 200001);
  EXPECT_EQ(t["added_at"], "2025-11-12T12:01:00Z");
  EXPECT_EQ(t["added_by"], Json({{"user_id", "alice"}}));
  EXPECT_EQ(t["is_playable"], true);
  EXPECT_EQ(b["tracks_page"],
            Json({{"total", 3}, {"limit", 100}, {"offset", 0}, {"next", nullptr}}));
}

TEST_P(PlaylistRoutesTest, GetPagesTracksAtMostAHundred) {
  std::string id = NewPlaylist("alice");
  std::vector<int> v;
  for (int i = 0; i < 30; ++i) v.push_back(i);
  Append("alice", id, v);
  auto r = Send(Method::kGet, Path(id, "?limit=10&offset=5"), "alice");
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = BodyOf(r);
  ASSERT_EQ(b["tracks"].size(), 10u);
  EXPECT_EQ(b["tracks"][0]["track_id"], Track(5));
  EXPECT_EQ(b["tracks"][0]["position"], 5);
  EXPECT_EQ(b["tracks_page"]["next"], Path(id, "?offset=15&limit=10"));
  ExpectError(Send(Method::kGet, Path(id, "?limit=101"), "alice"), 400, "invalid_argument",
              "limit");
  ExpectError(Send(Method::kGet, Path(id, "?offset=-1"), "alice"), 400, "invalid_argument",
              "offset");
  ExpectError(Send(Method::kGet, Path(id, "?sort=name"), "alice"), 400, "invalid_argument", "sort");
  EXPECT_EQ(Send(Method::kGet, Path(id, "?limit=100"), "alice").status, 200);
}

TEST_P(PlaylistRoutesTest, PrivatePlaylistsAre404ToStrangersOnEveryRoute) {
  std::string id = NewPlaylist("alice", false);
  std::string snap = Snapshot("alice", id);
  struct Case {
    Method method;
    std::string rest;
    std::string body;
  };
  const Case kCases[] = {
      {Method::kGet, "", ""},
      {Method::kPut, "", R"({"name":"mine"})"},
      {Method::kDelete, "", ""},
      {Method::kGet, "/tracks", ""},
      {Method::kPost, "/tracks", R"({"track_ids":["track_t1"]})"},
      {Method::kDelete, "/tracks", R"({"tracks":[{"track_id":"track_t1"}]})"},
      {Method::kPut, "/tracks", R"({"track_ids":[]})"},
      {Method::kPut, "/tracks/reorder", R"({"range_start":0,"insert_before":1})"},
      {Method::kPut, "/collaborators/bob", ""},
      {Method::kDelete, "/collaborators/bob", ""},
      {Method::kGet, "/activity", ""},
      {Method::kPut, "/followers", ""},
      {Method::kDelete, "/followers", ""},
  };
  for (const auto& c : kCases) {
    auto r = Send(c.method, Path(id, c.rest), "carol", c.body, IfMatch(snap));
    ExpectError(r, 404, "not_found");
    // Unknown and malformed ids read the same.
    ExpectError(
        Send(c.method, Path("playlist_doesnotexist", c.rest), "carol", c.body, IfMatch(snap)), 404,
        "not_found");
  }
  EXPECT_EQ(Snapshot("alice", id), snap);
}

TEST_P(PlaylistRoutesTest, UpdateNeedsOwnerAndAFreshIfMatch) {
  Json created = Create("alice", R"({"name":"x","collaborative":true})");
  std::string id = created["playlist_id"];
  std::string snap = created["snapshot_id"];
  ASSERT_EQ(Send(Method::kPut, Path(id, "/collaborators/bob"), "alice").status, 204);
  // Missing If-Match: 428.
  ExpectError(Send(Method::kPut, Path(id), "alice", R"({"name":"y"})"), 428,
              "precondition_required");
  // A collaborator: 403 not_owner.
  ExpectError(Send(Method::kPut, Path(id), "bob", R"({"name":"y"})", IfMatch(snap)), 403,
              "not_owner");
  // Stale: 412 with the current snapshot in the message.
  Append("bob", id, {1});
  std::string current = Snapshot("alice", id);
  auto stale = Send(Method::kPut, Path(id), "alice", R"({"name":"y"})", IfMatch(snap));
  ExpectError(stale, 412, "stale_snapshot");
  EXPECT_NE(BodyOf(stale)["error"]["message"].get<std::string>().find(current), std::string::npos);
  // Bad fields: 400 naming them.
  ExpectError(Send(Method::kPut, Path(id), "alice", R"({"name":""})", IfMatch(current)), 400,
              "invalid_argument", "name");
  ExpectError(Send(Method::kPut, Path(id), "alice", R"({"public":true})", IfMatch(current)), 400,
              "invalid_argument", "public");
  ExpectError(Send(Method::kPut, Path(id), "alice", R"({"owner":"bob"})", IfMatch(current)), 400,
              "invalid_argument", "owner");
  // Success: a new snapshot and ETag.
  auto ok = Send(Method::kPut, Path(id), "alice",
                 R"({"name":"Renamed","description":"d","collaborative":false,"public":true})",
                 IfMatch(current));
  ASSERT_EQ(ok.status, 200) << ok.body;
  Json b = BodyOf(ok);
  EXPECT_EQ(b["name"], "Renamed");
  EXPECT_EQ(b["public"], true);
  EXPECT_EQ(b["collaborative"], false);
  EXPECT_NE(b["snapshot_id"], current);
  EXPECT_EQ(ok.GetHeader("ETag"), "\"" + b["snapshot_id"].get<std::string>() + "\"");
  // A stranger on a now-public playlist: 403, not 404.
  ExpectError(Send(Method::kPut, Path(id), "carol", R"({"name":"z"})", IfMatch(b["snapshot_id"])),
              403, "not_owner");
}

TEST_P(PlaylistRoutesTest, AddTracksShapesAndErrors) {
  std::string id = NewPlaylist("alice");
  auto r = Send(Method::kPost, Path(id, "/tracks"), "alice",
                R"({"track_ids":["track_t1","track_t2","track_t3"],"position":null})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = BodyOf(r);
  EXPECT_EQ(b["tracks_added"], 3);
  EXPECT_EQ(b["snapshot_id"], Snapshot("alice", id));
  EXPECT_EQ(b.size(), 2u);
  ASSERT_EQ(Send(Method::kPost, Path(id, "/tracks"), "alice",
                 R"({"track_ids":["track_t9"],"position":0})")
                .status,
            200);
  EXPECT_EQ(Items(id), Ids({9, 1, 2, 3}));
  struct Case {
    const char* body;
    const char* field;
  };
  static const Case kCases[] = {
      {R"({})", "track_ids"},
      {R"({"track_ids":[]})", "track_ids"},
      {R"({"track_ids":"track_t1"})", "track_ids"},
      {R"({"track_ids":[1]})", "track_ids"},
      {R"({"track_ids":["track_unknown"]})", "track_ids"},
      {R"({"track_ids":["../etc"]})", "track_ids"},
      {R"({"track_ids":["track_t1"],"position":5})", "position"},
      {R"({"track_ids":["track_t1"],"position":-1})", "position"},
      {R"({"track_ids":["track_t1"],"position":"0"})", "position"},
      {R"({"track_ids":["track_t1"],"added_by":"bob"})", "added_by"},
  };
  for (const auto& c : kCases) {
    ExpectError(Send(Method::kPost, Path(id, "/tracks"), "alice", c.body), 400, "invalid_argument",
                c.field);
  }
  Json many = {{"track_ids", std::vector<std::string>(101, Track(1))}};
  ExpectError(Send(Method::kPost, Path(id, "/tracks"), "alice", many.dump()), 400,
              "invalid_argument", "track_ids");
  ExpectError(Send(Method::kPost, Path(id, "/tracks"), "alice",
                   R"({"track_ids":["track_t1"],"position":0,"snapshot_id":"gone"})"),
              412, "stale_snapshot");
  // A viewer of a public playlist: 403.
  ExpectError(Send(Method::kPost, Path(id, "/tracks"), "bob", R"({"track_ids":["track_t1"]})"), 403,
              "not_owner");
  EXPECT_EQ(Items(id), Ids({9, 1, 2, 3}));
}

TEST_P(PlaylistRoutesTest, RemoveReorderAndReplaceOverHttp) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1, 2, 3, 4});
  Append("alice", id, {5});  // a concurrent append
  auto rm =
      Send(Method::kDelete, Path(id, "/tracks"), "alice",
           Json({{"tracks", {{{"track_id", Track(3)}, {"positions", {3}}}}}, {"snapshot_id", s}})
               .dump());
  ASSERT_EQ(rm.status, 200) << rm.body;
  EXPECT_EQ(Items(id), Ids({0, 1, 2, 4, 5}));
  // The old snapshot's position 3 is gone now: 412.
  ExpectError(
      Send(Method::kDelete, Path(id, "/tracks"), "alice",
           Json({{"tracks", {{{"track_id", Track(3)}, {"positions", {3}}}}}, {"snapshot_id", s}})
               .dump()),
      412, "stale_snapshot");
  ExpectError(Send(Method::kDelete, Path(id, "/tracks"), "alice", R"({"tracks":[]})"), 400,
              "invalid_argument", "tracks");
  ExpectError(Send(Method::kDelete, Path(id, "/tracks"), "alice", R"({"tracks":[{"id":"x"}]})"),
              400, "invalid_argument", "tracks");
  ExpectError(Send(Method::kDelete, Path(id, "/tracks"), "alice",
                   R"({"tracks":[{"track_id":"track_t0","positions":[9]}]})"),
              400, "invalid_argument", "tracks");

  auto mv = Send(Method::kPut, Path(id, "/tracks/reorder"), "alice",
                 R"({"range_start":3,"range_length":2,"insert_before":0})");
  ASSERT_EQ(mv.status, 200) << mv.body;
  EXPECT_TRUE(BodyOf(mv)["snapshot_id"].is_string());
  EXPECT_EQ(Items(id), Ids({4, 5, 0, 1, 2}));
  ExpectError(Send(Method::kPut, Path(id, "/tracks/reorder"), "alice", R"({"insert_before":0})"),
              400, "invalid_argument", "range_start");
  ExpectError(Send(Method::kPut, Path(id, "/tracks/reorder"), "alice", R"({"range_start":0})"), 400,
              "invalid_argument", "insert_before");

  ExpectError(Send(Method::kPut, Path(id, "/tracks"), "alice", R"({"track_ids":["track_t7"]})"),
              428, "precondition_required");
  ExpectError(
      Send(Method::kPut, Path(id, "/tracks"), "alice", R"({"track_ids":["track_t7"]})", IfMatch(s)),
      412, "stale_snapshot");
  auto rep = Send(Method::kPut, Path(id, "/tracks"), "alice", R"({"track_ids":["track_t7"]})",
                  IfMatch(Snapshot("alice", id)));
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_EQ(Items(id), Ids({7}));
}

TEST_P(PlaylistRoutesTest, DeleteIsAnUnfollowThatKeepsTheData) {
  std::string id = NewPlaylist("alice");
  Append("alice", id, {1});
  ASSERT_EQ(BodyOf(Send(Method::kGet, "/api/v1/me/playlists", "alice"))["total"], 1);
  ExpectError(Send(Method::kDelete, Path(id), "bob"), 403, "not_owner");
  EXPECT_EQ(Send(Method::kDelete, Path(id), "alice").status, 204);
  Json mine = BodyOf(Send(Method::kGet, "/api/v1/me/playlists", "alice"));
  EXPECT_EQ(mine["total"], 0);
  auto still = Send(Method::kGet, Path(id), "alice");
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(BodyOf(still)["tracks_count"], 1);
  // Following it again puts it back.
  auto f = Send(Method::kPut, Path(id, "/followers"), "alice");
  EXPECT_EQ(BodyOf(f), Json({{"following", true}, {"playlist_id", id}}));
  EXPECT_EQ(BodyOf(Send(Method::kGet, "/api/v1/me/playlists", "alice"))["total"], 1);
}

TEST_P(PlaylistRoutesTest, FollowersAreCountedAndListed) {
  std::string id = NewPlaylist("alice");
  for (const char* u : {"bob", "carol"}) {
    auto r = Send(Method::kPut, Path(id, "/followers"), u);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(BodyOf(r), Json({{"following", true}, {"playlist_id", id}}));
  }
  Send(Method::kPut, Path(id, "/followers"), "bob");  // idempotent
  EXPECT_EQ(BodyOf(Send(Method::kGet, Path(id), "dave"))["followers"], 2);
  auto un = Send(Method::kDelete, Path(id, "/followers"), "bob");
  EXPECT_EQ(BodyOf(un), Json({{"following", false}, {"playlist_id", id}}));
  EXPECT_EQ(BodyOf(Send(Method::kGet, Path(id), "dave"))["followers"], 1);
  Json bob = BodyOf(Send(Method::kGet, "/api/v1/me/playlists", "carol"));
  ASSERT_EQ(bob["total"], 1);
  EXPECT_EQ(bob["items"][0]["playlist_id"], id);
}

TEST_P(PlaylistRoutesTest, MyPlaylistsPageAndUserPlaylistsShowOnlyPublic) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(NewPlaylist("alice", i % 2 == 0));
    clock_.Advance(std::chrono::seconds(1));
  }
  auto r = Send(Method::kGet, "/api/v1/me/playlists?limit=2&offset=1", "alice");
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = BodyOf(r);
  EXPECT_EQ(b["total"], 5);
  EXPECT_EQ(b["limit"], 2);
  EXPECT_EQ(b["offset"], 1);
  ASSERT_EQ(b["items"].size(), 2u);
  EXPECT_EQ(b["items"][0]["playlist_id"], ids[3]);  // newest first
  EXPECT_EQ(b["items"][1]["playlist_id"], ids[2]);
  EXPECT_EQ(b["next"], "/api/v1/me/playlists?offset=3&limit=2");
  ExpectError(Send(Method::kGet, "/api/v1/me/playlists?limit=51", "alice"), 400, "invalid_argument",
              "limit");

  Json pub = BodyOf(Send(Method::kGet, "/api/v1/users/alice/playlists", "bob"));
  EXPECT_EQ(pub["total"], 3);
  for (const auto& p : pub["items"]) EXPECT_EQ(p["public"], true);
  Json own = BodyOf(Send(Method::kGet, "/api/v1/users/alice/playlists", "alice"));
  EXPECT_EQ(own["total"], 3);
  ExpectError(Send(Method::kGet, "/api/v1/users/user_nobody/playlists", "bob"), 404, "not_found");
}

TEST_P(PlaylistRoutesTest, CollaboratorsAndActivityOverHttp) {
  std::string id = NewPlaylist("alice", false, true);
  ExpectError(Send(Method::kPut, Path(id, "/collaborators/user_nobody"), "alice"), 404,
              "not_found");
  ASSERT_EQ(Send(Method::kPut, Path(id, "/collaborators/bob"), "alice").status, 204);
  ExpectError(Send(Method::kPut, Path(id, "/collaborators/carol"), "bob"), 403, "not_owner");
  ExpectError(Send(Method::kDelete, Path(id), "bob"), 403, "not_owner");
  ASSERT_EQ(Send(Method::kPost, Path(id, "/tracks"), "bob", R"({"track_ids":["track_t4"]})").status,
            200);
  auto act = Send(Method::kGet, Path(id, "/activity"), "bob");
  ASSERT_EQ(act.status, 200) << act.body;
  Json a = BodyOf(act);
  EXPECT_EQ(a["total"], 2);
  EXPECT_EQ(a["items"][0]["action"], "tracks_added");
  EXPECT_EQ(a["items"][0]["user_id"], "bob");
  EXPECT_EQ(a["items"][0]["track_ids"], Json({Track(4)}));
  EXPECT_EQ(a["items"][0]["position"], 0);
  EXPECT_EQ(a["items"][0]["at"], "2025-11-12T12:00:00Z");
  EXPECT_EQ(a["items"][1]["action"], "playlist_created");
  auto get = Send(Method::kGet, Path(id), "bob");
  EXPECT_EQ(BodyOf(get)["tracks"][0]["added_by"]["user_id"], "bob");
  ASSERT_EQ(Send(Method::kDelete, Path(id, "/collaborators/bob"), "alice").status, 204);
  ExpectError(Send(Method::kGet, Path(id), "bob"), 404, "not_found");
}

INSTANTIATE_TEST_SUITE_P(Backends, PlaylistRoutesTest,
                         ::testing::ValuesIn(sonora::testing::AllBackends()),
                         sonora::testing::BackendParamName());

}  // namespace
}  // namespace sonora::library
