#include <cstdio>
#include <filesystem>
#include <string>

#include "app/commands.h"
#include "app/wiring.h"
#include "catalog/demo_catalog.h"
#include "core/progress.h"

namespace sonora::app {

std::string SelfExecutable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : path.string();
}

int RunIngest(const Config& config, const IngestCommandOptions& options) {
  auto app = App::Open(config);
  if (!app.ok()) {
    std::fprintf(stderr, "sonora: %s\n", app.status().ToString().c_str());
    return 1;
  }
  media::IngestOptions o;
  o.jobs = options.jobs;
  o.force = options.force;
  o.podcast = options.podcast;
  o.worker.binary = SelfExecutable();
  o.limits.max_duration_ms = int64_t{options.max_minutes} * 60 * 1000;
  auto summary = (*app)->ingester().Run(options.paths, o);
  if (options.json) {
    std::printf("%s\n", DumpJson(media::SummaryJson(summary)).c_str());
  } else {
    std::printf(
        "ingest: %lld files in %.1fs (%.1fx realtime): %lld new, %lld re-encoded, %lld metadata "
        "updated, %lld unchanged, %lld duplicates, %lld failed (%lld podcast episodes)\n",
        static_cast<long long>(summary.files), summary.seconds,
        summary.seconds > 0 ? summary.audio_seconds / summary.seconds : 0.0,
        static_cast<long long>(summary.ingested), static_cast<long long>(summary.reencoded),
        static_cast<long long>(summary.metadata_updated), static_cast<long long>(summary.unchanged),
        static_cast<long long>(summary.duplicates), static_cast<long long>(summary.failed),
        static_cast<long long>(summary.episodes));
    for (const auto& r : summary.results) {
      if (r.outcome == media::Outcome::kFailed || r.outcome == media::Outcome::kDuplicate) {
        std::printf("  %s: %s: %s\n", std::string(media::OutcomeName(r.outcome)).c_str(),
                    r.path.c_str(), r.message.c_str());
      }
    }
  }
  return summary.failed > 0 ? 3 : 0;
}

int RunCatalogGenerate(const Config& config, int64_t tracks) {
  auto app = App::Open(config);
  if (!app.ok()) {
    std::fprintf(stderr, "sonora: %s\n", app.status().ToString().c_str());
    return 1;
  }
  ProgressBar bar("catalog", tracks, "tracks");
  catalog::GenerateOptions gen;
  gen.tracks = tracks;
  gen.progress = [&bar](int64_t done, int64_t) { bar.Update(done); };
  auto summary =
      catalog::GenerateCatalog((*app)->db(), (*app)->catalog_repo(), (*app)->clock(), gen);
  bar.Finish();
  if (!summary.ok()) {
    std::fprintf(stderr, "sonora: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  std::printf("generated %lld artists, %lld albums, %lld tracks\n",
              static_cast<long long>(summary->artists), static_cast<long long>(summary->albums),
              static_cast<long long>(summary->tracks));
  return 0;
}

}  // namespace sonora::app
