// Time as the storage layer keeps it: UTC, microseconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace base {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

inline Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}
inline Timestamp FromMicros(int64_t micros) { return Timestamp(std::chrono::microseconds(micros)); }
inline int64_t ToMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline int64_t ToSeconds(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace base
