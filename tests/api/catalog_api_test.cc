// Catalog reads over HTTP against a metadata-only catalog seeded by `sonora catalog generate`
// (PRODUCT.md §2, C2): single and batch tracks (50 ids at most), albums, artists and their albums,
// 404 for unknown ids, and the catalog surviving a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/api_fixture.h"
#include "store/database.h"

namespace sonora::testing {
namespace {

using ::testing::HasSubstr;

struct SeededTrack {
  std::string track_id, album_id, artist_id;
};

class CatalogApiTest : public ApiTest {
 protected:
  // Seeds a small generated catalog (no audio, so it takes well under a second) into this
  // test's storage, then reads its ids straight from the database: there is no listing
  // endpoint to find them.
  void Seed(int tracks) {
    std::vector<std::string> args = {"catalog", "generate", "--tracks", std::to_string(tracks)};
    for (const auto& a : StorageArgs()) args.push_back(a);
    CommandResult r = RunSonora(args, {}, std::chrono::seconds(30));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, ::testing::MatchesRegex("generated [0-9]+ artists, [0-9]+ albums, " +
                                               std::to_string(tracks) + " tracks\n"));

    std::unique_ptr<store::Database> sqlite;
    store::Database* db = nullptr;
    if (tdb_) {
      db = &tdb_->db();
    } else {
      auto opened = store::OpenDatabase("sqlite://" + data_dir_ + "/sonora.db", {.pool_size = 1});
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      sqlite = std::move(opened).value();
      db = sqlite.get();
    }
    auto rows = db->Query(
        "SELECT t.track_id, t.album_id, a.artist_id FROM tracks t "
        "JOIN albums a ON a.album_id = t.album_id ORDER BY t.track_id");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    for (const auto& row : rows->rows) {
      seeded_.push_back({row.GetString(0), row.GetString(1), row.GetString(2)});
    }
    ASSERT_EQ(seeded_.size(), static_cast<size_t>(tracks));
  }

  HeaderList Auth() const { return Bearer(token_); }

  void StartAndLogIn() {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    const Json reg = Register("listener");
    ASSERT_TRUE(reg.is_object());
    token_ = reg["access_token"];
  }

  std::vector<SeededTrack> seeded_;
  std::string token_;
};

TEST_P(CatalogApiTest, TrackById) {
  ASSERT_NO_FATAL_FAILURE(Seed(60));
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  const SeededTrack& t = seeded_[7];
  HttpResponse r = client().Get("/api/v1/tracks/" + t.track_id, Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  const Json j = r.json();
  EXPECT_EQ(j["track_id"], t.track_id);
  EXPECT_EQ(j["album"]["album_id"], t.album_id);
  for (const char* key :
       {"title", "artists", "album", "duration_ms", "popularity", "explicit", "isrc", "disc_number",
        "track_number", "genres", "available_countries", "is_playable"}) {
    EXPECT_TRUE(j.contains(key)) << key << " missing from " << r.body;
  }
  ASSERT_TRUE(j["artists"].is_array());
  ASSERT_FALSE(j["artists"].empty());
  EXPECT_TRUE(j["artists"][0]["artist_id"].is_string());
  EXPECT_TRUE(j["is_playable"].is_boolean());
  EXPECT_GT(j["duration_ms"].get<int64_t>(), 0);

  ExpectError(client().Get("/api/v1/tracks/track_doesnotexist0000000000", Auth()), 404,
              "not_found");
  ExpectUnauthenticated(client().Get("/api/v1/tracks/" + t.track_id));
  ExpectFieldError(client().Get("/api/v1/tracks/" + t.track_id + "?sort=title", Auth()), "sort");
  ExpectFieldError(client().Get("/api/v1/tracks/" + t.track_id + "?market=ZZ", Auth()), "market");
  r = client().Get("/api/v1/tracks/" + t.track_id + "?market=us", Auth());
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_P(CatalogApiTest, TracksInABatch) {
  ASSERT_NO_FATAL_FAILURE(Seed(60));
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  // In request order, with null for an unknown id.
  const std::string ids =
      seeded_[3].track_id + ",track_doesnotexist0000000000," + seeded_[1].track_id;
  HttpResponse r = client().Get("/api/v1/tracks?ids=" + ids, Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = r.json();
  ASSERT_EQ(Keys(j), std::set<std::string>{"tracks"});
  ASSERT_EQ(j["tracks"].size(), 3u);
  EXPECT_EQ(j["tracks"][0]["track_id"], seeded_[3].track_id);
  EXPECT_TRUE(j["tracks"][1].is_null());
  EXPECT_EQ(j["tracks"][2]["track_id"], seeded_[1].track_id);

  auto join = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += (i ? "," : "") + seeded_[i].track_id;
    return s;
  };
  r = client().Get("/api/v1/tracks?ids=" + join(50), Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["tracks"].size(), 50u);
  ExpectFieldError(client().Get("/api/v1/tracks?ids=" + join(51), Auth()), "ids");
  ExpectFieldError(client().Get("/api/v1/tracks", Auth()), "ids");
  ExpectFieldError(client().Get("/api/v1/tracks?ids=", Auth()), "ids");
  ExpectUnauthenticated(client().Get("/api/v1/tracks?ids=" + join(2)));
}

TEST_P(CatalogApiTest, AlbumsAndArtists) {
  ASSERT_NO_FATAL_FAILURE(Seed(60));
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  const SeededTrack& t = seeded_[0];

  HttpResponse r = client().Get("/api/v1/albums/" + t.album_id, Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  Json album = r.json();
  EXPECT_EQ(album["album_id"], t.album_id);
  EXPECT_EQ(album["artists"][0]["artist_id"], t.artist_id);
  const Json& tracks = album["tracks"];
  EXPECT_EQ(Keys(tracks), (std::set<std::string>{"items", "total", "limit", "offset", "next"}));
  EXPECT_EQ(tracks["total"], album["total_tracks"]);
  bool found = false;
  for (const auto& item : tracks["items"]) found |= item["track_id"] == t.track_id;
  EXPECT_TRUE(found) << "album does not list its track " << t.track_id;

  r = client().Get("/api/v1/artists/" + t.artist_id, Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["artist_id"], t.artist_id);
  EXPECT_TRUE(r.json()["name"].is_string());

  r = client().Get("/api/v1/artists/" + t.artist_id + "/albums", Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  Json page = r.json();
  EXPECT_EQ(Keys(page), (std::set<std::string>{"items", "total", "limit", "offset", "next"}));
  EXPECT_EQ(page["limit"], 20);
  EXPECT_EQ(page["offset"], 0);
  found = false;
  for (const auto& item : page["items"]) found |= item["album_id"] == t.album_id;
  EXPECT_TRUE(found) << r.body;

  r = client().Get("/api/v1/artists/" + t.artist_id + "/albums?limit=1&offset=0", Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  page = r.json();
  EXPECT_EQ(page["items"].size(), 1u);
  if (page["total"].get<int64_t>() > 1) {
    EXPECT_THAT(page["next"].get<std::string>(), HasSubstr("offset=1"));
  } else {
    EXPECT_TRUE(page["next"].is_null());
  }

  for (const char* bad : {"limit=0", "limit=51", "limit=-1", "limit=abc"}) {
    SCOPED_TRACE(bad);
    ExpectFieldError(client().Get("/api/v1/artists/" + t.artist_id + "/albums?" + bad, Auth()),
                     "limit");
  }
  ExpectFieldError(client().Get("/api/v1/artists/" + t.artist_id + "/albums?offset=-1", Auth()),
                   "offset");

  for (const char* path : {"/api/v1/albums/album_doesnotexist0000000000",
                           "/api/v1/artists/artist_doesnotexist000000000",
                           "/api/v1/artists/artist_doesnotexist000000000/albums"}) {
    SCOPED_TRACE(path);
    ExpectError(client().Get(path, Auth()), 404, "not_found");
  }
}

TEST_P(CatalogApiTest, CatalogSurvivesARestart) {
  ASSERT_NO_FATAL_FAILURE(Seed(20));
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  EXPECT_EQ(client().Get("/api/v1/tracks/" + seeded_[5].track_id, Auth()).status, 200);
  ASSERT_NO_FATAL_FAILURE(StopServer());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  HttpResponse r = client().Get("/api/v1/tracks/" + seeded_[5].track_id, Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["track_id"], seeded_[5].track_id);
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogApiTest, ::testing::ValuesIn(AllBackends()), ParamName);

}  // namespace
}  // namespace sonora::testing
