// Logging: the only header that knows spdlog. Structured lines as key=value pairs so they can
// be grepped and parsed ("request_id=... action=... status=...").
#pragma once

#include <string>
#include <string_view>

namespace sonora::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the level ("debug", "info", "warn", "error"); unknown names keep "info". Call once at start.
void Init(std::string_view level);
bool Enabled(Level level);
void Write(Level level, std::string_view message);

inline void Debug(std::string_view m) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, m);
}
inline void Info(std::string_view m) { Write(Level::kInfo, m); }
inline void Warn(std::string_view m) { Write(Level::kWarn, m); }
inline void Error(std::string_view m) { Write(Level::kError, m); }

}  // namespace sonora::log
