// Settings for every command: defaults < sonora.toml < SONORA_* environment < command-line flags.
// Each setting has one TOML key (dotted), one environment name, and at most one flag.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace sonora::app {

// One per core, 1 to 16: I/O threads, and the workers of batch jobs over independent users.
int CoreCount();

struct Config {
  std::string data_dir = "./sonora-data";
  std::string database;  // empty: sqlite://<data_dir>/sonora.db
  std::string host = "127.0.0.1";
  int port = 8080;
  // Socket I/O and the non-blocking handlers (signed media) run here: one per core.
  int io_threads = CoreCount();
  int worker_threads = 16;  // handlers block on commits: more of them share one fsync
  int db_pool = 4;
  std::string log_level = "info";
  bool access_log = true;
  double rate_limit_api_per_second = 50;
  double rate_limit_api_burst = 100;
  double rate_limit_auth_per_second = 0.5;
  double rate_limit_auth_burst = 20;
  int64_t body_limit_bytes = 1 << 20;
  int read_timeout_seconds = 30;  // whole request: slow-header/slow-body clients are cut off
  int idle_timeout_seconds = 60;  // keep-alive wait between requests
  int max_connections = 20000;    // open client connections; more are closed at accept
  std::vector<std::string> cors_origins = {"*"};
  std::vector<std::string> trusted_proxies;
  std::string token_key_file;  // empty: <data_dir>/keys/token.key
  // Access-token cache (auth::TokenCacheOptions): entries, and the longest one is trusted.
  int64_t auth_token_cache_size = 100'000;
  int64_t auth_token_cache_max_age_ms = 5000;
  // Catalogs of at least this many tracks rank over nearest-neighbour candidates
  // (recommend::kAnnMinTracks).
  int64_t recommend_ann_min_tracks = 20000;
  // Parsed track manifests kept for plays and chunks (streaming::MediaFiles), least recently
  // used dropped first: about 10 KB each for a four-minute track with every rendition.
  int64_t streaming_manifest_cache_size = 20'000;

  std::string DatabaseUrl() const;
  std::string TokenKeyFile() const;
};

// Applies `sonora.toml` (at `path`; silently skipped when `path` is empty and ./sonora.toml
// does not exist) and then the SONORA_* environment over `config`.
// Errors: kInvalidArgument naming the key for a malformed file or value.
Status ApplyFileAndEnvironment(Config& config, const std::string& path);

}  // namespace sonora::app
