// Builds the object graph every command shares: data dir, database (SQLite or PostgreSQL, by
// URL), migrations, keys, repositories, services, and (for serving) the router with all routes.
#pragma once

#include <memory>
#include <optional>

#include "app/config.h"
#include "auth/auth_service.h"
#include "auth/user_repository.h"
#include "catalog/catalog_repository.h"
#include "catalog/catalog_service.h"
#include "catalog/podcast_service.h"
#include "core/clock.h"
#include "events/events_repository.h"
#include "events/events_service.h"
#include "events/listening_repository.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/router.h"
#include "library/playlist_repository.h"
#include "library/playlist_service.h"
#include "library/saved_repository.h"
#include "library/saved_service.h"
#include "media/ingest/ingest.h"
#include "media/media_repository.h"
#include "media/media_store.h"
#include "recommend/daily_mix.h"
#include "recommend/discover_weekly.h"
#include "recommend/recommendation_service.h"
#include "recommend/release_radar.h"
#include "search/search_service.h"
#include "search/taste.h"
#include "store/database.h"
#include "store/group_commit.h"
#include "streaming/media_files.h"
#include "streaming/play_service.h"
#include "streaming/sealed_files.h"
#include "streaming/session_repository.h"
#include "streaming/url_signer.h"

namespace sonora::app {

class App {
 public:
  // Creates the data dir (mode 0700) if missing, opens and migrates the database, and loads or
  // creates the token key. Fails closed: any problem is an error, never a fallback.
  static Result<std::unique_ptr<App>> Open(const Config& config);

  // Registers every route. Call once, before serving.
  http::Router& BuildRouter();

  const Config& config() const { return config_; }
  store::Database& db() { return *db_; }
  auth::AuthService& auth() { return *auth_; }
  auth::UserRepository& users() { return *users_; }
  catalog::CatalogRepository& catalog_repo() { return *catalog_repo_; }
  media::MediaRepository& media_repo() { return *media_repo_; }
  const media::MediaStore& media_store() const { return *media_store_; }
  media::Ingester& ingester() { return *ingester_; }
  // Only `sonora serve` starts and prunes it: other commands share the data dir with a server.
  streaming::SealedFiles& sealed_files() { return *sealed_files_; }
  const streaming::HlsKeys& hls_keys() const { return *hls_keys_; }
  http::Metrics& metrics() { return metrics_; }
  // Not searchable until Start (sonora serve calls it before serving).
  search::SearchService& search() { return *search_; }
  const Clock& clock() const { return clock_; }
  events::ListeningRepository& listening() { return *listening_; }
  recommend::RecommendationService& recommendations() { return *recommendations_; }
  recommend::DiscoverWeekly& discover_weekly() { return *discover_weekly_; }
  recommend::DailyMixes& daily_mixes() { return *daily_mixes_; }
  recommend::ReleaseRadar& release_radar() { return *release_radar_; }

 private:
  explicit App(Config config) : config_(std::move(config)), limiter_(clock_) {}
  Result<std::vector<catalog::Track>> ContextTracks(const http::Principal& user,
                                                    std::string_view type, const std::string& id,
                                                    const std::string& current,
                                                    std::optional<int64_t> position, size_t count);

  Config config_;
  SystemClock& clock_ = SystemClock::Get();
  std::unique_ptr<store::Database> db_;
  // Durable small writes (play sessions, events, state) share commits through this.
  std::unique_ptr<store::GroupCommitter> writer_;
  std::unique_ptr<auth::UserRepository> users_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<catalog::CatalogRepository> catalog_repo_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<catalog::PodcastRepository> podcast_repo_;
  std::unique_ptr<catalog::PodcastService> podcasts_;
  std::unique_ptr<library::PlaylistRepository> playlist_repo_;
  std::unique_ptr<library::PlaylistService> playlists_;
  std::unique_ptr<search::SqlTasteProvider> taste_;
  std::unique_ptr<search::SearchService> search_;
  std::unique_ptr<library::SavedRepository> saved_repo_;
  std::unique_ptr<library::SavedService> saved_;
  std::unique_ptr<events::EventsRepository> events_repo_;
  std::unique_ptr<events::EventsService> events_;
  std::unique_ptr<events::ListeningRepository> listening_;
  std::unique_ptr<recommend::RecommendationService> recommendations_;
  std::unique_ptr<recommend::DiscoverWeekly> discover_weekly_;
  std::unique_ptr<recommend::DailyMixes> daily_mixes_;
  std::unique_ptr<recommend::ReleaseRadar> release_radar_;
  std::unique_ptr<media::MediaRepository> media_repo_;
  std::optional<media::MediaStore> media_store_;
  std::unique_ptr<media::Ingester> ingester_;
  std::unique_ptr<streaming::UrlSigner> signer_;
  std::unique_ptr<streaming::HlsKeys> hls_keys_;
  std::unique_ptr<streaming::MediaFiles> media_files_;
  std::unique_ptr<streaming::SealedFiles> sealed_files_;
  std::unique_ptr<streaming::SessionIds> session_ids_;
  std::unique_ptr<streaming::SessionRepository> sessions_;
  std::unique_ptr<streaming::PlayService> play_;
  http::Metrics metrics_;
  http::LocalRateLimiter limiter_;
  std::unique_ptr<http::Router> router_;
};

// Opens the search index, rebuilding it when needed, and applies the outbox, with a progress
// bar for a rebuild (cmd_search.cc). Serve calls it before the first request.
Status StartSearch(App& app);

}  // namespace sonora::app
