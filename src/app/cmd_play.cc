// `sonora play TRACK_ID`: the headless ABR player (client/) against a running server, printing
// its report. Exit codes: 0 played; 2 login refused (401); 3 not allowed (403: region, tier);
// 4 unknown track (404); 5 network failure or server unavailable; 1 anything else.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "app/commands.h"
#include "client/http_transport.h"
#include "client/player.h"
#include "media/codec.h"

namespace sonora::app {

namespace {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Code::kUnauthenticated:
      return 2;
    case Code::kPermissionDenied:
      return 3;
    case Code::kNotFound:
      return 4;
    case Code::kUnavailable:
    case Code::kDeadlineExceeded:
      return 5;
    default:
      return 1;
  }
}

// A private directory for the chunks being decoded, removed on scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::error_code ec;
    std::string base = std::filesystem::temp_directory_path(ec).string();
    if (ec || base.empty()) base = "/tmp";
    std::string tmpl = base + "/sonora-play-XXXXXX";
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

int RunPlay(const PlayOptions& options) {
  auto server = client::ParseServerUrl(options.server);
  if (!server.ok()) {
    std::fprintf(stderr, "sonora play: %s\n", server.status().ToString().c_str());
    return 1;
  }
  ScratchDir scratch;
  if (scratch.path().empty()) {
    std::fprintf(stderr, "sonora play: cannot create a temporary directory\n");
    return 1;
  }
  auto http = client::NewHttpClient(*server);
  client::RealTimer timer;
  auto outcome = client::PlayTrack(*http, timer,
                                   {.username = options.username,
                                    .password = options.password,
                                    .track_id = options.track_id,
                                    .quality = options.quality,
                                    .speed = options.speed,
                                    .max_seconds = options.max_seconds,
                                    .temp_dir = scratch.path(),
                                    .keep_pcm = !options.output.empty()});
  if (!outcome.ok()) {
    const Status& s = outcome.status();
    std::fprintf(stderr, "sonora play: %s\n", std::string(s.message()).c_str());
    return ExitCodeFor(s);
  }
  if (!options.output.empty()) {
    Status w = media::WriteAudioFile(outcome->pcm, options.output);
    if (!w.ok()) {
      std::fprintf(stderr, "sonora play: writing %s: %s\n", options.output.c_str(),
                   w.ToString().c_str());
      return 1;
    }
  }
  if (options.json) {
    std::printf("%s\n", DumpJson(client::ReportJson(outcome->report)).c_str());
  } else {
    std::printf("%s", client::ReportText(outcome->report).c_str());
  }
  return 0;
}

}  // namespace sonora::app
