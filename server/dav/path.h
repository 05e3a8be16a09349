// Request-target and href coding (RFC 3986 §2.1, §3.3; RFC 9112 §3.2).
//
// Every path that enters the server (the request line, the Destination
// header of COPY/MOVE, <D:href> in REPORT bodies) is decoded here into
// segments, and every href the server writes is encoded here, so the two stay
// inverse: DecodePath(EncodePath(s, t)) gives back s and t for any segments
// that DecodePath would accept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace dav {

struct DecodedPath {
  std::vector<std::string> segments;  // percent-decoded, each valid UTF-8, never empty
  bool trailing_slash = false;

  bool operator==(const DecodedPath&) const = default;
};

inline constexpr size_t kMaxPathSegments = 64;
inline constexpr size_t kMaxSegmentBytes = 255;  // decoded; a common file-name limit

// Decodes origin-form ("/a/b%20c/?query") and absolute-form
// ("http://host:8008/a/b", "https://…"), as found in request lines and in
// Destination headers (RFC 4918 §10.3). A fragment is rejected; the query is dropped;
// the authority is not checked here (an absolute URI with an empty path means
// "/", RFC 9110 §4.2.3). Empty segments ("//") are dropped; "/" gives no
// segments and trailing_slash = true. Raw bytes other than controls are
// accepted as they are (some clients send raw spaces or UTF-8 in Destination).
//
// kBadRequest for: anything else than a path starting with '/' or an
// http(s) URI with a non-empty authority without userinfo (RFC 9110 §4.2.1,
// §4.2.4); a malformed %-escape; %00, any other control character (< 0x20,
// 0x7F) raw or encoded; an encoded slash (%2F) inside a segment; "." or ".."
// segments, raw or encoded (%2e%2E), which would otherwise escape their
// parent; segments that are not UTF-8 once decoded; a segment longer than
// kMaxSegmentBytes; more than kMaxPathSegments segments.
base::Result<DecodedPath> DecodePath(std::string_view target);

// Percent-encodes one segment for an href: keeps unreserved characters and
// the sub-delims, ':' and '@' allowed in a path segment (RFC 3986 §3.3,
// "pchar"), and encodes every other byte as %XX with upper-case hex (space is
// %20, non-ASCII is encoded byte by byte from its UTF-8 form).
std::string EncodeSegment(std::string_view segment);

// "/" + encoded segments joined by "/" + ("/" if trailing_slash); "/" when
// there are no segments.
std::string EncodePath(const std::vector<std::string>& segments, bool trailing_slash);

}  // namespace dav
