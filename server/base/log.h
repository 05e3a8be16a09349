// Process-wide logging: one line per call, to stderr, safe from any thread.
// Access-log lines (one per HTTP request) go to stdout through LogAccess().
#pragma once

#include <string>
#include <string_view>

namespace base {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Lines below `level` are dropped. Default kInfo. Thread-safe.
void SetLogLevel(LogLevel level);
bool ParseLogLevel(std::string_view text, LogLevel* level);

void Log(LogLevel level, std::string_view message);
inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

// Writes one finished access-log line (no trailing newline needed) to stdout.
void LogAccess(std::string_view line);

}  // namespace base
