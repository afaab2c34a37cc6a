// Shared set-up for the playlist tests: a fresh database per test (both backends), users
// inserted directly, a small catalog, the real service and the real router with a fake
// Authenticator that maps "token-<user>" to that user.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog_repository.h"
#include "catalog/catalog_service.h"
#include "core/clock.h"
#include "core/json.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/router.h"
#include "library/playlist_repository.h"
#include "library/playlist_routes.h"
#include "library/playlist_service.h"
#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::library::testing_support {

inline constexpr int64_t kStart = 1762948800000;  // 2025-11-12T12:00:00Z

class TokenAuthenticator final : public http::Authenticator {
 public:
  Result<http::Principal> Authenticate(std::string_view token) override {
    if (token.substr(0, 6) != "token-") return Status::Unauthenticated("invalid token");
    http::Principal p;
    p.user_id = std::string(token.substr(6));
    p.session_id = "sess_" + p.user_id;
    p.username = p.user_id;
    p.country = "SE";
    p.subscription_tier = "free";
    return p;
  }
};

class PlaylistTestBase : public ::testing::TestWithParam<sonora::testing::Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    catalog_repo_ = std::make_unique<catalog::CatalogRepository>(tdb_->db());
    catalog_ = std::make_unique<catalog::CatalogService>(*catalog_repo_);
    repo_ = std::make_unique<PlaylistRepository>(tdb_->db());
    service_ = std::make_unique<PlaylistService>(tdb_->db(), *repo_, *catalog_, clock_);
    for (const char* u : {"alice", "bob", "carol", "dave"}) AddUser(u);
    SeedTracks(30);
    http::RouterOptions options;
    options.api_limit = {.per_second = 1e6, .burst = 1e6};
    options.access_log = false;
    router_ = std::make_unique<http::Router>(options, auth_, limiter_, metrics_, clock_);
    AddPlaylistRoutes(*router_, *service_);
  }

  void AddUser(const std::string& id) {
    auto r = tdb_->db().Execute(
        "INSERT INTO users (user_id, email, email_lower, username, username_lower, display_name, "
        "country, subscription_tier, is_admin, password_hash, created_at_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, 'SE', 'free', 0, 'x', ?)",
        {id, id + "@example.com", id + "@example.com", id, id, "Name " + id, kStart});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // Tracks "track_t0" .. "track_t<n-1>" on one album by one artist.
  void SeedTracks(int n) {
    Status s = tdb_->db().Transact([&](store::Session& session) -> Status {
      catalog::Artist artist;
      artist.artist_id = "artist_a1";
      artist.name = "Artist One";
      artist.created_at_ms = kStart;
      SONORA_RETURN_IF_ERROR(catalog_repo_->UpsertArtist(session, artist));
      catalog::Album album;
      album.album_id = "album_al1";
      album.title = "Album One";
      album.artist = {"artist_a1", "Artist One"};
      album.release_date = "2024-01-01";
      album.created_at_ms = kStart;
      SONORA_RETURN_IF_ERROR(catalog_repo_->UpsertAlbum(session, album));
      for (int i = 0; i < n; ++i) {
        catalog::Track t;
        t.track_id = Track(i);
        t.title = "Song " + std::to_string(i);
        t.album.album_id = "album_al1";
        t.album.title = "Album One";
        t.album.release_date = "2024-01-01";
        t.artists = {{"artist_a1", "Artist One"}};
        t.track_number = i + 1;
        t.duration_ms = 200000 + i;
        t.created_at_ms = kStart;
        SONORA_RETURN_IF_ERROR(catalog_repo_->UpsertTrack(session, t));
      }
      return Status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  static std::string Track(int i) { return "track_t" + std::to_string(i); }

  // Track ids in playlist order, straight from the table, checking positions are 0..n-1.
  std::vector<std::string> Items(const std::string& playlist_id) {
    auto r = tdb_->db().Query(
        "SELECT position, track_id FROM playlist_tracks WHERE playlist_id = ? ORDER BY position",
        {playlist_id});
    EXPECT_TRUE(r.ok());
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (size_t i = 0; i < r->rows.size(); ++i) {
      EXPECT_EQ(r->rows[i].GetInt(0), static_cast<int64_t>(i)) << "positions must be dense";
      out.push_back(r->rows[i].GetString(1));
    }
    return out;
  }

  std::string NewPlaylist(const std::string& owner, bool is_public = true,
                          bool collaborative = false) {
    auto p = service_->Create(owner, {.name = "List",
                                      .description = "",
                                      .is_public = is_public,
                                      .collaborative = collaborative});
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->playlist_id : "";
  }

  std::string Snapshot(const std::string& user, const std::string& id) {
    auto p = service_->Get(user, id);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->snapshot_id : "";
  }

  // Appends tracks by index; returns the new snapshot.
  std::string Append(const std::string& user, const std::string& id, std::vector<int> tracks) {
    AddTracksRequest r;
    for (int t : tracks) r.track_ids.push_back(Track(t));
    auto res = service_->AddTracks(user, id, r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? res->snapshot_id : "";
  }

  std::vector<std::string> Ids(std::vector<int> tracks) {
    std::vector<std::string> out;
    for (int t : tracks) out.push_back(Track(t));
    return out;
  }

  http::Response Send(http::Method method, const std::string& target, const std::string& user,
                      const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req;
    req.method = method;
    EXPECT_TRUE(req.ParseTarget(target).ok());
    if (!user.empty()) headers.emplace_back("authorization", "Bearer token-" + user);
    req.headers = std::move(headers);
    req.body = body;
    req.remote_ip = "192.0.2.1";
    return router_->Dispatch(req);
  }

  static Json BodyOf(const http::Response& r) {
    auto j = ParseJson(r.body);
    return j.ok() ? *j : Json();
  }

  std::unique_ptr<sonora::testing::TestDatabase> tdb_;
  FakeClock clock_{FromMillis(kStart)};
  std::unique_ptr<catalog::CatalogRepository> catalog_repo_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<PlaylistRepository> repo_;
  std::unique_ptr<PlaylistService> service_;
  TokenAuthenticator auth_;
  http::LocalRateLimiter limiter_{clock_};
  http::Metrics metrics_;
  std::unique_ptr<http::Router> router_;
};

}  // namespace sonora::library::testing_support
