#include "app/wiring.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "auth/auth_routes.h"
#include "auth/crypto.h"
#include "catalog/catalog_routes.h"
#include "catalog/podcast_routes.h"
#include "core/log.h"
#include "events/events_routes.h"
#include "events/listening_routes.h"
#include "http/ops_routes.h"
#include "library/playlist_routes.h"
#include "library/saved_routes.h"
#include "recommend/recommend_routes.h"
#include "search/search_routes.h"
#include "store/migrations.h"
#include "streaming/streaming_routes.h"

namespace sonora::app {

namespace {
Status EnsureDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::Unavailable("cannot create directory " + path + ": " + ec.message());
  ::chmod(path.c_str(), 0700);
  return Status();
}
}  // namespace

Result<std::unique_ptr<App>> App::Open(const Config& config) {
  auto app = std::unique_ptr<App>(new App(config));
  SONORA_RETURN_IF_ERROR(EnsureDir(config.data_dir));
  SONORA_RETURN_IF_ERROR(EnsureDir(std::filesystem::path(config.TokenKeyFile()).parent_path()));

  store::OpenOptions db_options{.pool_size = config.db_pool};
  SONORA_ASSIGN_OR_RETURN(app->db_, store::OpenDatabase(config.DatabaseUrl(), db_options));
  int applied = 0;
  SONORA_RETURN_IF_ERROR(store::Migrate(*app->db_, &applied));
  log::Info("database ready url=" + app->db_->Describe() +
            " migrations_applied=" + std::to_string(applied));

  auth::InitCrypto();
  SONORA_ASSIGN_OR_RETURN(std::string token_key, auth::LoadOrCreateKey(config.TokenKeyFile()));
  app->users_ = std::make_unique<auth::UserRepository>(*app->db_);
  auth::AuthOptions auth_options;
  auth_options.token_cache.capacity = static_cast<size_t>(config.auth_token_cache_size);
  auth_options.token_cache.max_age =
      std::chrono::milliseconds(config.auth_token_cache_max_age_ms);
  app->auth_ = std::make_unique<auth::AuthService>(*app->users_, *app->db_, app->clock_,
                                                   std::move(token_key), auth_options);
  app->catalog_repo_ = std::make_unique<catalog::CatalogRepository>(*app->db_);
  app->catalog_ = std::make_unique<catalog::CatalogService>(*app->catalog_repo_);
  app->podcast_repo_ = std::make_unique<catalog::PodcastRepository>(*app->db_);
  app->podcasts_ = std::make_unique<catalog::PodcastService>(*app->podcast_repo_);
  app->playlist_repo_ = std::make_unique<library::PlaylistRepository>(*app->db_);
  app->playlists_ = std::make_unique<library::PlaylistService>(*app->db_, *app->playlist_repo_,
                                                               *app->catalog_, app->clock_);
  app->saved_repo_ = std::make_unique<library::SavedRepository>(*app->db_);
  app->saved_ = std::make_unique<library::SavedService>(*app->db_, *app->saved_repo_,
                                                        *app->catalog_repo_, app->clock_);
  app->writer_ = std::make_unique<store::GroupCommitter>(*app->db_);
  app->taste_ = std::make_unique<search::SqlTasteProvider>(*app->db_);
  search::SearchServiceOptions search_options;
  search_options.index_dir = config.data_dir + "/" + search::kIndexDirName;
  app->search_ = std::make_unique<search::SearchService>(*app->db_, *app->catalog_repo_,
                                                         *app->taste_, app->clock_, search_options);
  app->events_repo_ = std::make_unique<events::EventsRepository>(*app->db_);
  app->listening_ = std::make_unique<events::ListeningRepository>(*app->db_);
  app->recommendations_ = std::make_unique<recommend::RecommendationService>(
      *app->db_, *app->catalog_repo_, app->clock_, config.data_dir,
      recommend::RecommendationOptions{.ann_min_tracks = config.recommend_ann_min_tracks});
  app->discover_weekly_ = std::make_unique<recommend::DiscoverWeekly>(
      *app->db_, *app->catalog_repo_, *app->recommendations_, app->clock_);
  app->daily_mixes_ = std::make_unique<recommend::DailyMixes>(*app->db_, *app->catalog_repo_,
                                                              *app->recommendations_, app->clock_);
  app->release_radar_ = std::make_unique<recommend::ReleaseRadar>(
      *app->db_, *app->catalog_repo_, *app->recommendations_, app->clock_);
  app->media_repo_ = std::make_unique<media::MediaRepository>(*app->db_);
  SONORA_ASSIGN_OR_RETURN(app->media_store_, media::MediaStore::Open(config.data_dir + "/media"));
  app->ingester_ = std::make_unique<media::Ingester>(
      *app->db_, *app->catalog_repo_, *app->media_repo_, *app->media_store_, app->clock_);

  // Streaming secrets live beside the token key; each node of a cluster shares the files.
  const std::string keys = std::filesystem::path(config.TokenKeyFile()).parent_path().string();
  SONORA_ASSIGN_OR_RETURN(std::string url_key, auth::LoadOrCreateKey(keys + "/url-signing.key"));
  SONORA_ASSIGN_OR_RETURN(std::string hls_key, auth::LoadOrCreateKey(keys + "/hls-master.key"));
  // A key's id is derived from the key, so a token always names the key that signed it. To
  // rotate: move url-signing.key to url-signing.previous.key and restart; a new key is made and
  // URLs signed in the last hour keep working (docs/formats/signed-urls.md).
  auto kid = [](const std::string& key) { return auth::HashToken(key, "sonora-kid").substr(0, 8); };
  std::vector<streaming::SigningKey> signing = {{kid(url_key), url_key}};
  const std::string previous_path = keys + "/url-signing.previous.key";
  if (std::filesystem::exists(previous_path)) {
    SONORA_ASSIGN_OR_RETURN(std::string previous, auth::LoadOrCreateKey(previous_path));
    signing.push_back({kid(previous), previous});
  }
  app->signer_ = std::make_unique<streaming::UrlSigner>(std::move(signing), app->clock_);
  app->hls_keys_ = std::make_unique<streaming::HlsKeys>(std::move(hls_key), app->clock_);
  app->media_files_ =
      std::make_unique<streaming::MediaFiles>(*app->media_repo_, *app->media_store_,
                                              static_cast<size_t>(
                                                  config.streaming_manifest_cache_size));
  // Sealed chunks and HLS segments, kept on disk per key period (streaming/sealed_files.h).
  app->sealed_files_ = std::make_unique<streaming::SealedFiles>(
      config.data_dir + "/cache/sealed", app->media_store_->root());
  // Playback session ids carry a MAC under their own key (docs/formats/playback-sessions.md).
  SONORA_ASSIGN_OR_RETURN(std::string session_key,
                          auth::LoadOrCreateKey(keys + "/playback-session.key"));
  app->session_ids_ = std::make_unique<streaming::SessionIds>(std::move(session_key));
  app->sessions_ =
      std::make_unique<streaming::SessionRepository>(*app->db_, *app->writer_, *app->session_ids_);
  // Events see play sessions through this lookup (the cache in front of playback_sessions).
  auto lookup = [sessions = app->sessions_.get()](const std::string& id, const std::string& user,
                                                  std::string_view track)
      -> Result<std::optional<events::SessionInfo>> {
    SONORA_ASSIGN_OR_RETURN(auto s, sessions->Find(id, user, track));
    if (!s) return std::optional<events::SessionInfo>();
    return std::optional<events::SessionInfo>(events::SessionInfo{
        s->user_id, s->track_id, s->device_id, s->context_uri, s->quality, s->created_at_ms});
  };
  app->events_ = std::make_unique<events::EventsService>(*app->writer_, lookup, app->clock_);
  app->play_ = std::make_unique<streaming::PlayService>(*app->sessions_, *app->catalog_repo_,
                                                        *app->media_files_, *app->signer_,
                                                        *app->hls_keys_, app->clock_);
  app->play_->SetContextTracks([a = app.get()](const http::Principal& user, std::string_view type,
                                               const std::string& id, const std::string& current,
                                               std::optional<int64_t> position, size_t count) {
    return a->ContextTracks(user, type, id, current, position, count);
  });
  // Autoplay: what follows the track the context ended on (recommend/, cheap on the play path).
  app->play_->SetAutoplay(
      [a = app.get()](const http::Principal& user, const std::string& current, size_t count) {
        return a->recommendations_->Autoplay(current, user.country, count);
      });
  return app;
}

// Playlist contexts continue in the playlist's order (as the caller may see it); artist contexts
// in the artist's top tracks. Without a position, the current track is looked for in the first
// page (clients send the position for long playlists).
Result<std::vector<catalog::Track>> App::ContextTracks(const http::Principal& user,
                                                       std::string_view type, const std::string& id,
                                                       const std::string& current,
                                                       std::optional<int64_t> position,
                                                       size_t count) {
  std::vector<catalog::Track> out;
  const auto n = static_cast<int64_t>(count);
  if (type == "playlist") {
    int64_t offset = position ? *position + 1 : 0;
    if (!position) {
      SONORA_ASSIGN_OR_RETURN(
          auto first, playlists_->GetTracks(user.user_id, id, library::kMaxPlaylistTracksPage, 0));
      for (size_t i = 0; i < first.items.size(); ++i) {
        if (first.items[i].track.track_id == current) {
          offset = static_cast<int64_t>(i) + 1;
          break;
        }
      }
    }
    SONORA_ASSIGN_OR_RETURN(auto page, playlists_->GetTracks(user.user_id, id, n, offset));
    for (auto& item : page.items) out.push_back(std::move(item.track));
    return out;
  }
  SONORA_ASSIGN_OR_RETURN(catalog::Artist artist, catalog_->GetArtist(id));
  SONORA_ASSIGN_OR_RETURN(auto top, listening_->TopTracks(artist.artist_id, clock_.NowMillis()));
  size_t start = 0;
  if (position) {
    start = static_cast<size_t>(std::max<int64_t>(0, *position + 1));
  } else {
    for (size_t i = 0; i < top.size(); ++i)
      if (top[i] == current) start = i + 1;
  }
  std::vector<std::string> ids;
  for (size_t i = start; i < top.size() && ids.size() < count; ++i) ids.push_back(top[i]);
  if (ids.empty()) return out;
  SONORA_ASSIGN_OR_RETURN(auto tracks, catalog_->GetTracks(ids));
  for (auto& t : tracks)
    if (t) out.push_back(std::move(*t));
  return out;
}

http::Router& App::BuildRouter() {
  http::RouterOptions options;
  options.api_limit = {.per_second = config_.rate_limit_api_per_second,
                       .burst = config_.rate_limit_api_burst};
  options.auth_limit = {.per_second = config_.rate_limit_auth_per_second,
                        .burst = config_.rate_limit_auth_burst};
  options.cors_origins = config_.cors_origins;
  options.access_log = config_.access_log;
  router_ = std::make_unique<http::Router>(options, *auth_, limiter_, metrics_, clock_);

  http::AddOpsRoutes(*router_, metrics_, [this] { return db_->Ping(); });
  auth::AddAuthRoutes(*router_, *auth_, limiter_);
  catalog::AddCatalogRoutes(*router_, *catalog_);
  catalog::AddPodcastRoutes(*router_, *podcasts_);
  // Before the playlist routes: /playlists/discover-weekly would match /playlists/{id}.
  recommend::AddRecommendRoutes(*router_, *recommendations_,
                                {*discover_weekly_, *daily_mixes_, *release_radar_});
  library::AddPlaylistRoutes(*router_, *playlists_);
  search::AddSearchRoutes(*router_, *search_);
  library::AddSavedRoutes(*router_, *saved_);
  events::AddEventsRoutes(*router_, *events_);
  events::AddListeningRoutes(*router_, {*listening_, *events_repo_, *catalog_, clock_});
  streaming::AddStreamingRoutes(
      *router_, {*play_, *media_files_, *sealed_files_, *signer_, *hls_keys_, *users_, *sessions_, clock_});

  metrics_.AddGauge("sonora_db_connections_in_use", "Database connections lent out now.",
                    [this] { return static_cast<double>(db_->Stats().connections_in_use); });
  metrics_.AddGauge("sonora_db_connections_total", "Database connections in the pool.",
                    [this] { return static_cast<double>(db_->Stats().connections_total); });
  metrics_.AddGauge("sonora_db_pool_waits_total", "Times a caller waited for a connection.",
                    [this] { return static_cast<double>(db_->Stats().waits_total); });
  metrics_.AddGauge("sonora_group_commit_batches_total", "Shared write transactions committed.",
                    [this] { return static_cast<double>(writer_->Stats().batches); });
  metrics_.AddGauge("sonora_group_commit_units_total", "Writes committed in shared transactions.",
                    [this] { return static_cast<double>(writer_->Stats().units); });
  return *router_;
}

}  // namespace sonora::app
