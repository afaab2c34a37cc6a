// Settings precedence: defaults < sonora.toml < SONORA_* environment (flags are applied by
// main.cc after these, tested through the binary in tests/api).
#include "app/config.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::app {
namespace {

using testing::StatusIs;

class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v : {"SONORA_PORT", "SONORA_RATE_LIMIT_API_BURST", "SONORA_ACCESS_LOG",
                          "SONORA_CORS_ORIGINS", "SONORA_RECOMMEND_ANN_MIN_TRACKS",
                          "SONORA_STREAMING_MANIFEST_CACHE_SIZE"})
      unsetenv(v);
  }
  std::string WriteToml(const std::string& text) {
    std::string path = dir_.path() + "/sonora.toml";
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(ConfigTest, DefaultsWhenNothingIsSet) {
  Config c;
  ASSERT_TRUE(ApplyFileAndEnvironment(c, "").ok());
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.data_dir, "./sonora-data");
  EXPECT_TRUE(c.DatabaseUrl().starts_with("sqlite:///"));
  EXPECT_TRUE(c.DatabaseUrl().ends_with("/sonora-data/sonora.db"));
}

TEST_F(ConfigTest, FileOverridesDefaultsAndEnvironmentOverridesFile) {
  std::string path = WriteToml(
      "port = 9000\nworker_threads = 3\ncors_origins = [\"https://a.example\", \"https://b.example\"]\n"
      "[rate_limit]\napi_burst = 7.5\n");
  setenv("SONORA_PORT", "9100", 1);
  Config c;
  ASSERT_TRUE(ApplyFileAndEnvironment(c, path).ok());
  EXPECT_EQ(c.port, 9100);  // environment beats the file
  EXPECT_EQ(c.worker_threads, 3);
  EXPECT_DOUBLE_EQ(c.rate_limit_api_burst, 7.5);
  EXPECT_EQ(c.cors_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST_F(ConfigTest, BadValuesNameTheSetting) {
  struct Case {
    const char* env;
    const char* value;
    const char* field;
  } cases[] = {{"SONORA_PORT", "70000", "port"},
               {"SONORA_PORT", "http", "port"},
               {"SONORA_RATE_LIMIT_API_BURST", "-1", "rate_limit.api_burst"},
               {"SONORA_ACCESS_LOG", "maybe", "access_log"},
               {"SONORA_RECOMMEND_ANN_MIN_TRACKS", "0", "recommend.ann_min_tracks"},
               {"SONORA_STREAMING_MANIFEST_CACHE_SIZE", "0", "streaming.manifest_cache_size"}};
  for (const auto& k : cases) {
    setenv(k.env, k.value, 1);
    Config c;
    Status s = ApplyFileAndEnvironment(c, "");
    EXPECT_THAT(s, StatusIs(Code::kInvalidArgument)) << k.env << "=" << k.value;
    EXPECT_EQ(s.field(), k.field);
    unsetenv(k.env);
  }
}

// Sectioned integer settings: default, then the file, then the environment over the file.
TEST_F(ConfigTest, SectionedSettingsFromFileAndEnvironment) {
  struct Case {
    int64_t Config::*field;
    int64_t default_value;
    const char* toml;  // sets the file's value
    int64_t file_value;
    const char* env;
    int64_t env_value;
  } cases[] = {
      {&Config::recommend_ann_min_tracks, 20000, "[recommend]\nann_min_tracks = 50000\n", 50000,
       "SONORA_RECOMMEND_ANN_MIN_TRACKS", 1000000000},
      {&Config::streaming_manifest_cache_size, 20000,
       "[streaming]\nmanifest_cache_size = 50000\n", 50000,
       "SONORA_STREAMING_MANIFEST_CACHE_SIZE", 100000},
  };
  for (const auto& k : cases) {
    Config defaults;
    ASSERT_TRUE(ApplyFileAndEnvironment(defaults, "").ok());
    EXPECT_EQ(defaults.*k.field, k.default_value) << k.env;
    std::string path = WriteToml(k.toml);
    Config from_file;
    ASSERT_TRUE(ApplyFileAndEnvironment(from_file, path).ok());
    EXPECT_EQ(from_file.*k.field, k.file_value) << k.env;
    setenv(k.env, std::to_string(k.env_value).c_str(), 1);
    Config from_env;
    ASSERT_TRUE(ApplyFileAndEnvironment(from_env, path).ok());
    EXPECT_EQ(from_env.*k.field, k.env_value) << k.env;
    unsetenv(k.env);
  }
}

TEST_F(ConfigTest, MalformedFileIsAnError) {
  std::string path = WriteToml("port = = 3\n");
  Config c;
  EXPECT_THAT(ApplyFileAndEnvironment(c, path), StatusIs(Code::kInvalidArgument));
}

}  // namespace
}  // namespace sonora::app
