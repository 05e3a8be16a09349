#pragma once

#include <string>
#include <string_view>

namespace base {

// SHA-256 of `data` as 32 raw bytes / as 64 lower-case hex digits.
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);

}  // namespace base
