#include "app/config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>
#include <toml.hpp>

#include "core/strings.h"

namespace sonora::app {

int CoreCount() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
}

std::string Config::DatabaseUrl() const {
  if (!database.empty()) return database;
  return "sqlite://" + std::filesystem::absolute(data_dir).lexically_normal().string() +
         "/sonora.db";
}

std::string Config::TokenKeyFile() const {
  return token_key_file.empty() ? data_dir + "/keys/token.key" : token_key_file;
}

namespace {

// A setting: its dotted TOML key and a setter from text (TOML values are turned to text first).
struct Setting {
  const char* key;
  std::function<Status(Config&, const std::string&)> set;
};

Status BadValue(const char* key, const std::string& why) {
  return Status::InvalidArgument(key, std::string("setting '") + key + "': " + why);
}

Setting Str(const char* key, std::string Config::*field) {
  return {key, [field](Config& c, const std::string& v) {
            c.*field = v;
            return Status();
          }};
}
Setting Int(const char* key, int Config::*field, int min, int max) {
  return {key, [=](Config& c, const std::string& v) {
            auto n = ParseInt(v);
            if (!n || *n < min || *n > max) return BadValue(key, "expected an integer in range");
            c.*field = static_cast<int>(*n);
            return Status();
          }};
}
Setting Int64(const char* key, int64_t Config::*field, int64_t min, int64_t max) {
  return {key, [=](Config& c, const std::string& v) {
            auto n = ParseInt(v);
            if (!n || *n < min || *n > max) return BadValue(key, "expected an integer in range");
            c.*field = *n;
            return Status();
          }};
}
Setting Num(const char* key, double Config::*field) {
  return {key, [=](Config& c, const std::string& v) {
            char* end = nullptr;
            double d = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || d < 0) return BadValue(key, "expected a number >= 0");
            c.*field = d;
            return Status();
          }};
}
Setting Bool(const char* key, bool Config::*field) {
  return {key, [=](Config& c, const std::string& v) {
            if (v == "true" || v == "1") c.*field = true;
            else if (v == "false" || v == "0") c.*field = false;
            else return BadValue(key, "expected true or false");
            return Status();
          }};
}
Setting List(const char* key, std::vector<std::string> Config::*field) {
  return {key, [=](Config& c, const std::string& v) {
            c.*field = Split(v, ',', true);
            for (auto& s : c.*field) s = std::string(Trim(s));
            return Status();
          }};
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      Str("data_dir", &Config::data_dir),
      Str("database", &Config::database),
      Str("host", &Config::host),
      Int("port", &Config::port, 0, 65535),
      Int("io_threads", &Config::io_threads, 1, 64),
      Int("worker_threads", &Config::worker_threads, 1, 256),
      Int("db_pool", &Config::db_pool, 1, 256),
      Str("log_level", &Config::log_level),
      Bool("access_log", &Config::access_log),
      Num("rate_limit.api_per_second", &Config::rate_limit_api_per_second),
      Num("rate_limit.api_burst", &Config::rate_limit_api_burst),
      Num("rate_limit.auth_per_second", &Config::rate_limit_auth_per_second),
      Num("rate_limit.auth_burst", &Config::rate_limit_auth_burst),
      Int64("body_limit_bytes", &Config::body_limit_bytes, 1024, int64_t{1} << 30),
      Int("read_timeout_seconds", &Config::read_timeout_seconds, 1, 3600),
      Int("idle_timeout_seconds", &Config::idle_timeout_seconds, 1, 3600),
      Int("max_connections", &Config::max_connections, 1, 1'000'000),
      List("cors_origins", &Config::cors_origins),
      List("trusted_proxies", &Config::trusted_proxies),
      Str("token_key_file", &Config::token_key_file),
      Int64("auth.token_cache_size", &Config::auth_token_cache_size, 0, int64_t{1} << 24),
      Int64("auth.token_cache_max_age_ms", &Config::auth_token_cache_max_age_ms, 0, 3'600'000),
      Int64("recommend.ann_min_tracks", &Config::recommend_ann_min_tracks, 1, int64_t{1} << 40),
      Int64("streaming.manifest_cache_size", &Config::streaming_manifest_cache_size, 1,
            int64_t{1} << 24),
  };
  return kSettings;
}

// "rate_limit.api_per_second" -> "SONORA_RATE_LIMIT_API_PER_SECOND"
std::string EnvName(std::string_view key) {
  std::string out = "SONORA_";
  for (char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

std::optional<std::string> TomlText(const toml::value& root, std::string_view dotted) {
  const toml::value* v = &root;
  for (const auto& part : Split(dotted, '.')) {
    if (!v->is_table() || !v->as_table().count(part)) return std::nullopt;
    v = &v->as_table().at(part);
  }
  if (v->is_string()) return v->as_string().str;
  if (v->is_integer()) return std::to_string(v->as_integer());
  if (v->is_floating()) return std::to_string(v->as_floating());
  if (v->is_boolean()) return v->as_boolean() ? "true" : "false";
  if (v->is_array()) {
    std::vector<std::string> parts;
    for (const auto& e : v->as_array())
      if (e.is_string()) parts.push_back(e.as_string().str);
    return Join(parts, ",");
  }
  return std::nullopt;
}

}  // namespace

Status ApplyFileAndEnvironment(Config& config, const std::string& path) {
  std::string file = path;
  if (file.empty() && std::filesystem::exists("sonora.toml")) file = "sonora.toml";
  if (!file.empty()) {
    toml::value root;
    try {
      root = toml::parse(file);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("config", std::string("cannot read ") + file + ": " + e.what());
    }
    for (const auto& s : Settings()) {
      if (auto text = TomlText(root, s.key)) SONORA_RETURN_IF_ERROR(s.set(config, *text));
    }
  }
  for (const auto& s : Settings()) {
    if (const char* v = std::getenv(EnvName(s.key).c_str())) {
      SONORA_RETURN_IF_ERROR(s.set(config, v));
    }
  }
  return Status();
}

}  // namespace sonora::app
