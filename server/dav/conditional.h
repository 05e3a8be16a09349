// HTTP conditional requests (RFC 7232): If-Match, If-None-Match,
// If-Modified-Since and If-Unmodified-Since, evaluated in the order of §6.
// The WebDAV If header (RFC 4918 §10.4) is separate: see if_header.h.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "server/base/time.h"

namespace dav {

// The raw field values as received; std::nullopt when the header is absent.
// A header that is present but empty is not the same as an absent one.
struct ConditionalHeaders {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  std::optional<std::string> if_modified_since;
  std::optional<std::string> if_unmodified_since;
};

// The validators of the selected representation (RFC 7232 §2).
struct Validators {
  bool exists = false;  // false: the target resource has no current representation
  std::string etag;     // unquoted, as storage keeps it; empty if none
  std::optional<base::Timestamp> last_modified;
};

enum class Precondition {
  kProceed,
  kFailed,       // 412 Precondition Failed
  kNotModified,  // 304 Not Modified (GET/HEAD only)
};

// RFC 7232 §6, step by step:
//   1. If-Match present: true when "*" and the resource exists, or when one
//      listed tag matches the current ETag by strong comparison (§3.1). A
//      missing resource never matches. False -> 412.
//   2. Otherwise If-Unmodified-Since (§3.4): false when the resource was
//      modified after the date -> 412. Ignored when the date is not a valid
//      HTTP-date, or the resource has no modification time to compare.
//   3. If-None-Match present (§3.2): false when "*" and the resource exists,
//      or one listed tag matches by weak comparison -> 304 for GET/HEAD,
//      412 for other methods.
//   4. Otherwise, for GET/HEAD only, If-Modified-Since (§3.3): false when
//      the resource was not modified after the date -> 304. Ignored as in 2.
// Times are compared at one-second resolution, the resolution of HTTP-date:
// the sub-second part of `last_modified` is dropped, so a Last-Modified value
// the client received compares equal to the time it was made from.
//
// Decisions where RFC 7232 leaves room:
//   - A malformed If-Match list matches nothing (412): a client that guards
//     a write must not see it performed because its guard was unreadable.
//   - A malformed If-None-Match is ignored for GET/HEAD (a full response is
//     always correct, a 304 to a client without a cached copy is not) and
//     fails other methods with 412, for the same reason as If-Match.
//   - The optional §3.1 leniency (answering 2xx when a failed If-Match write
//     is seen to have been applied already) is not implemented.
//
// The caller applies §5 first: preconditions are only evaluated when the
// request without them would have succeeded (2xx) or failed with 412, and
// after authorization (RFC 4918 §8.5).
Precondition EvaluatePreconditions(const ConditionalHeaders& headers, const Validators& validators,
                                   bool is_get_or_head);

}  // namespace dav
