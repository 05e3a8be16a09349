// HTTP Basic credentials (RFC 7617) from an Authorization header value.
//
// Thread safety: pure functions. The input is attacker-controlled: parsing
// never crashes, never throws except std::bad_alloc, and does work linear in
// the input, which is rejected early when longer than the bound below.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace auth {

struct Credentials {
  std::string user;
  std::string password;
};

// Largest accepted user-pass (decoded) in bytes; longer headers are refused
// before decoding.
inline constexpr size_t kMaxBasicCredentialsBytes = 4096;

// Parses `header_value`, e.g. "Basic dXNlcjpwYXNz". Returns nullopt unless:
//  - the scheme is "Basic" (any case) followed by one or more spaces and a
//    single token (RFC 7235 §2.1; surrounding spaces/tabs are ignored);
//  - the token is strict, canonical base64 (RFC 4648 §4: standard alphabet,
//    padded to a multiple of 4, '=' only at the end, unused bits zero);
//  - the decoded user-pass is at most kMaxBasicCredentialsBytes and contains
//    a colon; it is split at the FIRST colon, so the password may contain
//    colons and the user may not (RFC 7617 §2);
//  - user and password are valid UTF-8 (RFC 7617 §2.1: we advertise
//    charset="UTF-8") without control characters (C0, DEL, and C1 as
//    RFC 8265 excludes them too);
//  - the user is non-empty (the password may be empty; the check against the
//    stored hash decides).
std::optional<Credentials> ParseBasicAuthorization(std::string_view header_value);

// Strict RFC 4648 §4 base64 decoding as described above; nullopt on any
// deviation. Exposed for tests.
std::optional<std::string> DecodeBase64Strict(std::string_view text);

}  // namespace auth
