#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace sonora::log {

namespace {
spdlog::logger& Logger() {
  // stderr, so stdout stays free for a command's own output (the bound port, JSON summaries).
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("sonora");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    return l;
  }();
  return *logger;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}
}  // namespace

void Init(std::string_view level) {
  Level l = Level::kInfo;
  if (level == "debug") l = Level::kDebug;
  else if (level == "warn") l = Level::kWarn;
  else if (level == "error") l = Level::kError;
  Logger().set_level(ToSpd(l));
}

bool Enabled(Level level) { return Logger().should_log(ToSpd(level)); }

void Write(Level level, std::string_view message) { Logger().log(ToSpd(level), message); }

}  // namespace sonora::log
