#include "app/wiring.h"

#include <sys/stat.h>

#include <filesystem>

#include "auth/auth_routes.h"
#include "auth/crypto.h"
#include "catalog/catalog_routes.h"
#include "core/log.h"
#include "http/ops_routes.h"
#include "store/migrations.h"

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
  app->auth_ = std::make_unique<auth::AuthService>(*app->users_, *app->db_, app->clock_,
                                                   std::move(token_key));
  app->catalog_repo_ = std::make_unique<catalog::CatalogRepository>(*app->db_);
  app->catalog_ = std::make_unique<catalog::CatalogService>(*app->catalog_repo_);
  app->media_repo_ = std::make_unique<media::MediaRepository>(*app->db_);
  SONORA_ASSIGN_OR_RETURN(app->media_store_, media::MediaStore::Open(config.data_dir + "/media"));
  app->ingester_ = std::make_unique<media::Ingester>(*app->db_, *app->catalog_repo_,
                                                     *app->media_repo_, *app->media_store_,
                                                     app->clock_);
  return app;
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

  metrics_.AddGauge("sonora_db_connections_in_use", "Database connections lent out now.",
                    [this] { return static_cast<double>(db_->Stats().connections_in_use); });
  metrics_.AddGauge("sonora_db_connections_total", "Database connections in the pool.",
                    [this] { return static_cast<double>(db_->Stats().connections_total); });
  metrics_.AddGauge("sonora_db_pool_waits_total", "Times a caller waited for a connection.",
                    [this] { return static_cast<double>(db_->Stats().waits_total); });
  return *router_;
}

}  // namespace sonora::app
