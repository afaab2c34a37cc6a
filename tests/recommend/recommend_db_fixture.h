// A database-backed fixture for recommend/ tests on both backends: a FakeClock at kNowMs, a
// RecommendationService over a temp data dir, and helpers that write catalog rows, users,
// listens, likes and follows straight into the tables the service reads.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "recommend/recommendation_service.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace sonora::recommend {

// 2026-11-20T00:00:00Z, a Friday.
inline constexpr int64_t kNowMs = 1'795'132'800'000;

class RecommendDbTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  // Opens the database; call MakeService() after writing the catalog.
  void OpenDatabase() {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    repo_ = std::make_unique<catalog::CatalogRepository>(tdb_->db());
    clock_ = std::make_unique<FakeClock>(FromMillis(kNowMs));
  }
  void MakeService() {
    service_ = std::make_unique<RecommendationService>(tdb_->db(), *repo_, *clock_, dir_.path());
  }

  void Exec(std::string_view sql, const store::Params& params = {}) {
    ASSERT_THAT(tdb_->db().Execute(sql, params), testing::IsOk()) << sql;
  }
  void Artist(const std::string& id, const std::string& genres) {
    Exec("INSERT INTO artists (artist_id, name, genres, created_at_ms) VALUES (?, ?, ?, 0)",
         {id, id, genres});
  }
  void Album(const std::string& id, const std::string& artist, const std::string& genres,
             const std::string& date) {
    Exec(
        "INSERT INTO albums (album_id, title, artist_id, genres, release_date, created_at_ms)"
        " VALUES (?, ?, ?, ?, ?, 0)",
        {id, id, artist, genres, date});
  }
  void Track(const std::string& id, const std::string& album, const std::string& artist,
             int popularity, const std::string& countries) {
    Exec(
        "INSERT INTO tracks (track_id, title, album_id, duration_ms, popularity,"
        " available_countries, created_at_ms) VALUES (?, ?, ?, 180000, ?, ?, 0)",
        {id, "Title " + id, album, popularity, countries});
    Exec("INSERT INTO track_artists (track_id, artist_id, position) VALUES (?, ?, 0)",
         {id, artist});
  }
  void User(const std::string& u) {
    Exec(
        "INSERT INTO users (user_id, email, email_lower, username, username_lower,"
        " display_name, country, password_hash, created_at_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, 'SE', 'x', 0)",
        {u, u + "@x", u + "@x", u, u, u});
  }
  // A counted, completed listen that started `ago_ms` before kNowMs.
  void Listen(const std::string& user, const std::string& track, int64_t ago_ms = 1000) {
    Exec(
        "INSERT INTO listens (session_id, user_id, track_id, started_at_ms, last_event_at_ms,"
        " duration_played_ms, completed, skipped, counted)"
        " VALUES (?, ?, ?, ?, ?, 60000, 1, 0, 1)",
        {"s" + std::to_string(++sessions_), user, track, kNowMs - ago_ms, kNowMs - ago_ms});
  }
  void Like(const std::string& user, const std::string& track) {
    Exec("INSERT INTO saved_tracks (user_id, track_id, added_at_ms) VALUES (?, ?, 0)",
         {user, track});
  }
  void Follow(const std::string& user, const std::string& artist) {
    Exec("INSERT INTO artist_follows (user_id, artist_id, followed_at_ms) VALUES (?, ?, 0)",
         {user, artist});
  }

  std::unique_ptr<testing::TestDatabase> tdb_;
  testing::TempDir dir_;
  std::unique_ptr<catalog::CatalogRepository> repo_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<RecommendationService> service_;
  int sessions_ = 0;
};

}  // namespace sonora::recommend
