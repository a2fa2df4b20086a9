// The logging facade: every module logs through these calls, never through a logging library
// directly, so the sink (stdout, journald, JSON lines) is chosen in one place (src/app). Messages
// are one line of "key=value" pairs after a short event name, e.g.
//   log::warn("roster_job_progress_not_saved job={} error={}", id, e.describe());
// Formatting happens here (fmt); the sink sees a finished string.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace maillage::log {

enum class Level { debug, info, warn, error };

/// Writes one finished line at `level` (defined in log.cpp, over spdlog's default logger).
void write(Level level, std::string_view line);
[[nodiscard]] bool enabled(Level level);

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug)) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info)) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warn)) write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::error)) write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace maillage::log
