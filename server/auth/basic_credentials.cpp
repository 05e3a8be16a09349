#include "server/auth/basic_credentials.h"

#include <cstdint>

#include "server/base/strings.h"

namespace auth {

namespace {

// Value of a base64 alphabet character, or -1.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// C0 controls, DEL, and C1 controls (U+0080..U+009F, encoded C2 80..C2 9F).
// REQUIRES: `text` is valid UTF-8, so a 0xC2 byte always starts a sequence
// and is followed by a continuation byte.
bool HasControlCharacter(std::string_view text) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x20 || byte == 0x7F) return true;
    if (byte == 0xC2 && pos + 1 < text.size() &&
        static_cast<unsigned char>(text[pos + 1]) <= 0x9F) {
      return true;
    }
  }
  return false;
}

bool IsAcceptableText(std::string_view text) {
  return base::IsValidUtf8(text) && !HasControlCharacter(text);
}

}  // namespace

std::optional<std::string> DecodeBase64Strict(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t start = 0; start < text.size(); start += 4) {
    const bool last = start + 4 == text.size();
    std::string_view quad = text.substr(start, 4);
    // Padding: "xx==" or "xxx=", and only in the final quartet.
    size_t padding = 0;
    if (last && quad[3] == '=') padding = quad[2] == '=' ? 2 : 1;
    int values[4] = {0, 0, 0, 0};
    for (size_t index = 0; index < 4 - padding; ++index) {
      values[index] = Base64Value(quad[index]);
      if (values[index] < 0) return std::nullopt;
    }
    const uint32_t bits =
        (static_cast<uint32_t>(values[0]) << 18) | (static_cast<uint32_t>(values[1]) << 12) |
        (static_cast<uint32_t>(values[2]) << 6) | static_cast<uint32_t>(values[3]);
    out += static_cast<char>((bits >> 16) & 0xFF);
    if (padding == 2) {
      // Canonical form: the 4 bits the last character carries beyond the
      // byte must be zero (RFC 4648 §3.5), or two strings decode alike.
      if ((bits & 0xFFFF) != 0) return std::nullopt;
      continue;
    }
    out += static_cast<char>((bits >> 8) & 0xFF);
    if (padding == 1) {
      if ((bits & 0xFF) != 0) return std::nullopt;
      continue;
    }
    out += static_cast<char>(bits & 0xFF);
  }
  return out;
}

std::optional<Credentials> ParseBasicAuthorization(std::string_view header_value) {
  std::string_view value = base::Trim(header_value);
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!base::AsciiIEquals(value.substr(0, space), "Basic")) return std::nullopt;
  std::string_view token = value.substr(space);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);

  // Refuse before decoding: base64 grows by 4/3.
  if (token.size() > (kMaxBasicCredentialsBytes + 2) / 3 * 4) return std::nullopt;
  std::optional<std::string> user_pass = DecodeBase64Strict(token);
  if (!user_pass || user_pass->size() > kMaxBasicCredentialsBytes) return std::nullopt;

  const size_t colon = user_pass->find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  Credentials credentials{user_pass->substr(0, colon), user_pass->substr(colon + 1)};
  if (!IsAcceptableText(credentials.user) || !IsAcceptableText(credentials.password)) {
    return std::nullopt;
  }
  return credentials;
}

}  // namespace auth
