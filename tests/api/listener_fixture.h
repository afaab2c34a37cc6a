// A fixture for tests that play music: two short masters ingested with `sonora ingest`, a
// running server, a registered listener of a chosen tier, and helpers for play and SQL.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/api_fixture.h"
#include "store/database.h"

namespace sonora::testing {

class ListenerApiTest : public ApiTest {
 protected:
  // Two 25 s masters, made with the ffmpeg CLI and ingested with `sonora ingest`.
  void IngestMasters() {
    const std::string dir = root_->path() + "/masters";
    std::filesystem::create_directories(dir);
    for (int i = 0; i < 2; ++i) {
      const std::string cmd =
          "ffmpeg -v error -y -f lavfi -i 'sine=frequency=" + std::to_string(330 + 110 * i) +
          ":duration=25' -f lavfi -i 'anoisesrc=d=25:a=0.05' -filter_complex amix=inputs=2 "
          "-ac 2 -ar 44100 -metadata title='Tone " + std::to_string(i) +
          "' -metadata artist='Test Band' -metadata album='Tones' -metadata track=" +
          std::to_string(i + 1) + " " + dir + "/tone" + std::to_string(i) + ".flac";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    std::vector<std::string> args = {"ingest", "--json", dir};
    for (const auto& a : StorageArgs()) args.push_back(a);
    CommandResult r = RunSonora(args, {}, std::chrono::seconds(120));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json summary = Json::parse(r.out);
    ASSERT_EQ(summary["ingested"], 2) << r.out;
    // Results come in path order: tone0 (track 1 of the album), then tone1 (track 2).
    for (const auto& f : summary["results"]) track_ids_.push_back(f["track_id"]);
  }

  // Runs SQL against this test's storage (for what no endpoint sets, like a track's markets).
  void Sql(const std::string& sql) {
    WithDatabase([&](store::Database& db) { ASSERT_TRUE(db.Execute(sql).ok()) << sql; });
  }

  void SetUpListener(const std::string& tier, const EnvList& env = {}) {
    ASSERT_NO_FATAL_FAILURE(IngestMasters());
    ASSERT_NO_FATAL_FAILURE(StartServer(env));
    Json reg = Register("listener", "SE");
    ASSERT_TRUE(reg.is_object());
    if (!tier.empty() && tier != "free") {
      std::vector<std::string> args = {"user", "set-tier", "listener", "--tier", tier};
      for (const auto& a : StorageArgs()) args.push_back(a);
      ASSERT_EQ(RunSonora(args).exit_code, 0);
    }
    token_ = Login("listener")["access_token"];
  }

  HeaderList Auth() const { return {{"Authorization", "Bearer " + token_}}; }

  int64_t CountEvents() {
    int64_t n = -1;
    WithDatabase([&](store::Database& db) {
      auto r = db.Query("SELECT COUNT(*) FROM play_events");
      if (r.ok()) n = r->rows[0].GetInt(0);
    });
    return n;
  }
  Json Play(const std::string& track_id, const std::string& quality = "") {
    Json body = {{"track_id", track_id}};
    if (!quality.empty()) body["quality"] = quality;
    HttpResponse r = client().Post("/api/v1/player/play", body, Auth());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  std::vector<std::string> track_ids_;
  std::string token_;
};

}  // namespace sonora::testing
