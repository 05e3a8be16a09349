// Small string helpers shared by every layer. ASCII-only case handling: HTTP
// tokens and header names are ASCII; Unicode text goes through ICU elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace base {

std::string AsciiLower(std::string_view text);
bool AsciiIEquals(std::string_view a, std::string_view b);
bool AsciiIStartsWith(std::string_view text, std::string_view prefix);
std::string_view Trim(std::string_view text);  // spaces and tabs (HTTP OWS)

// Splits on `separator`; empty pieces are kept.
std::vector<std::string_view> Split(std::string_view text, char separator);

// Parses a non-negative decimal integer that fits in int64 (no sign, no spaces).
std::optional<int64_t> ParseNonNegative(std::string_view text);

// True when `text` is well-formed UTF-8 without overlong forms or surrogates.
bool IsValidUtf8(std::string_view text);

std::string HexEncode(std::string_view bytes);

// Constant-time comparison (time depends only on the lengths).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace base
