#include "media/ingest/ingest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "core/progress.h"
#include "core/strings.h"
#include "media/ingest/track_job.h"

namespace sonora::media {

namespace fs = std::filesystem;

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kIngested: return "ingested";
    case Outcome::kReencoded: return "reencoded";
    case Outcome::kMetadataUpdated: return "metadata_updated";
    case Outcome::kUnchanged: return "unchanged";
    case Outcome::kDuplicate: return "duplicate";
    case Outcome::kFailed: return "failed";
  }
  return "failed";
}

bool HasAudioExtension(const std::string& path) {
  static const char* kExtensions[] = {".flac", ".wav", ".mp3", ".ogg", ".oga", ".opus",
                                      ".m4a",  ".aac", ".aif", ".aiff", ".wv"};
  std::string ext = ToLower(fs::path(path).extension().string());
  return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                     [&](const char* e) { return ext == e; });
}

Json SummaryJson(const IngestSummary& s) {
  Json files = Json::array();
  for (const auto& r : s.results) {
    Json f = {{"path", r.path}, {"outcome", OutcomeName(r.outcome)}};
    if (!r.track_id.empty()) f["track_id"] = r.track_id;
    if (!r.episode_id.empty()) f["episode_id"] = r.episode_id;
    if (!r.message.empty()) f["message"] = r.message;
    files.push_back(std::move(f));
  }
  return {{"files", s.files},
          {"ingested", s.ingested},
          {"reencoded", s.reencoded},
          {"metadata_updated", s.metadata_updated},
          {"unchanged", s.unchanged},
          {"duplicates", s.duplicates},
          {"failed", s.failed},
          {"episodes", s.episodes},
          {"seconds", s.seconds},
          {"audio_seconds", s.audio_seconds},
          {"realtime_factor", s.seconds > 0 ? s.audio_seconds / s.seconds : 0},
          {"results", std::move(files)}};
}

Ingester::Ingester(store::Database& db, catalog::CatalogRepository& catalog, MediaRepository& media,
                   const MediaStore& store, const Clock& clock)
    : db_(db),
      catalog_(catalog),
      media_(media),
      store_(store),
      clock_(clock),
      podcasts_(db),
      episode_media_(db, MediaTable::kEpisodes) {}

FileResult Ingester::IngestFile(const std::string& input_path, const IngestOptions& options) {
  using ingest::Plan;
  FileResult result;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(input_path, ec);
  result.path = ec ? input_path : canonical.string();
  ingest::TrackJob job;
  job.path = result.path;
  ingest::Deps deps{db_, catalog_, media_, episode_media_, podcasts_, store_, clock_, options};

  auto fail = [&](const Status& s) {
    if (!job.staging_dir.empty()) store_.Discard(job.staging_dir);
    result.outcome = Outcome::kFailed;
    result.message = s.ToString();
    result.track_id.clear();
    return result;
  };
  // An episode's id is reported as episode_id, never as a track id.
  auto done = [&](Outcome outcome, const std::string& id) {
    result.outcome = outcome;
    (job.episode ? result.episode_id : result.track_id) = id;
    return result;
  };
  // Stages in the order they run (src/media/README.md).
  Status s = ingest::Stage1Probe(job, deps);
  if (s.ok()) s = ingest::Stage2Identity(job, deps);
  if (!s.ok()) return fail(s);
  result.audio_ms = job.pcm.duration_ms();
  switch (job.plan) {
    case Plan::kUnchanged:
      // A touched-but-identical file: remember the new stat so the next run skips decoding.
      if (job.existing && (job.existing->source_size != job.size ||
                           job.existing->source_mtime_ms != job.mtime_ms)) {
        ingest::MediaOf(job, deps)
            .UpdateSourceStat(job.track_id, job.size, job.mtime_ms)
            .IgnoreError();
      }
      return done(Outcome::kUnchanged, job.track_id);
    case Plan::kDuplicate:
      result.message =
          std::string(job.episode ? "same audio as episode " : "same audio as track ") +
          job.duplicate_of;
      return done(Outcome::kDuplicate, job.duplicate_of);
    case Plan::kMetadataOnly:
      s = ingest::Stage6Artwork(job, deps);
      if (s.ok()) s = ingest::Stage8Catalog(job, deps);
      if (!s.ok()) return fail(s);
      return done(Outcome::kMetadataUpdated, job.track_id);
    case Plan::kFull:
    case Plan::kReencode:
      break;
  }
  for (auto stage : {ingest::Stage3Loudness, ingest::Stage4Transcode, ingest::Stage5Segment,
                     ingest::Stage6Artwork, ingest::Stage7Features, ingest::Stage8Catalog}) {
    s = stage(job, deps);
    if (!s.ok()) return fail(s);
  }
  return done(job.plan == Plan::kReencode ? Outcome::kReencoded : Outcome::kIngested,
              job.track_id);
}

IngestSummary Ingester::Run(const std::vector<std::string>& paths, const IngestOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  IngestSummary summary;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {  // hidden files and folders
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        if (it->is_symlink(ec) && it->is_directory(ec)) {
          it.disable_recursion_pending();  // no loops through linked folders
          continue;
        }
        if (it->is_regular_file(ec) && HasAudioExtension(it->path().string())) {
          files.push_back(it->path().string());
        }
      }
    } else {
      files.push_back(p);  // named explicitly: tried whatever its extension
    }
  }
  std::sort(files.begin(), files.end());
  summary.files = static_cast<int64_t>(files.size());
  summary.results.resize(files.size());

  store_.CleanStaging();
  ProgressBar bar("ingest", summary.files, "tracks");
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0};
  std::mutex mu;
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(files.size())));
  auto worker = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      FileResult r = IngestFile(files[i], options);
      std::lock_guard<std::mutex> lock(mu);
      if (r.outcome == Outcome::kFailed) {
        log::Warn("ingest skipped path=" + r.path + " reason=" + r.message);
      }
      if (options.on_file) options.on_file(r);
      summary.results[i] = std::move(r);
      if (options.progress) bar.Update(++done);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (options.progress) bar.Finish();

  for (const auto& r : summary.results) {
    summary.audio_seconds += static_cast<double>(r.audio_ms) / 1000.0;
    if (!r.episode_id.empty()) ++summary.episodes;
    switch (r.outcome) {
      case Outcome::kIngested: ++summary.ingested; break;
      case Outcome::kReencoded: ++summary.reencoded; break;
      case Outcome::kMetadataUpdated: ++summary.metadata_updated; break;
      case Outcome::kUnchanged: ++summary.unchanged; break;
      case Outcome::kDuplicate: ++summary.duplicates; break;
      case Outcome::kFailed: ++summary.failed; break;
    }
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace sonora::media
