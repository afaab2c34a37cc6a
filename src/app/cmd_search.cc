// `sonora search reindex` and the search start-up shared by serve and demo.
#include <cstdio>
#include <memory>
#include <optional>

#include "app/commands.h"
#include "app/wiring.h"
#include "core/progress.h"
#include "search/search_service.h"

namespace sonora::app {

namespace {
// A progress bar created on the first report (a rebuild knows its total only then).
search::ProgressFn BarProgress(std::unique_ptr<ProgressBar>& bar) {
  return [&bar](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>("search index", total, "docs");
    bar->Update(done);
  };
}
}  // namespace

Status StartSearch(App& app) {
  std::unique_ptr<ProgressBar> bar;
  Status s = app.search().Start(BarProgress(bar));
  if (bar) bar->Finish();
  return s;
}

int RunSearchReindex(const Config& config) {
  auto app = App::Open(config);
  if (!app.ok()) {
    std::fprintf(stderr, "sonora: %s\n", app.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<ProgressBar> bar;
  const std::string dir = config.data_dir + "/" + search::kIndexDirName;
  Status s = search::ReindexInto((*app)->db(), (*app)->catalog_repo(), dir,
                                 (*app)->clock().NowMillis(), BarProgress(bar));
  if (bar) bar->Finish();
  if (!s.ok()) {
    std::fprintf(stderr, "sonora: search reindex: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("search index rebuilt in %s\n", dir.c_str());
  return 0;
}

}  // namespace sonora::app
