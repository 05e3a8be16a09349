// Date formats on the wire: HTTP-date (RFC 7231 §7.1.1.1) for Last-Modified,
// the conditional headers and DAV:getlastmodified (RFC 4918 §15.7), and the
// RFC 3339 date-time of DAV:creationdate (RFC 4918 §15.1).
//
// Storage keeps base::Timestamp (UTC microseconds); formatting happens here,
// at the edge. Everything is pure arithmetic on the proleptic Gregorian
// calendar: no locale, no timezone database, no timegm()/gmtime() (which are
// not thread-safe or depend on TZ), so every function is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/base/time.h"

namespace dav {

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". HTTP dates have
// one-second resolution: sub-second parts are dropped (rounded towards the
// past, so a resource is never reported as modified later than it was).
std::string FormatHttpDate(base::Timestamp time);

// Parses the three forms a recipient must accept (RFC 7231 §7.1.1.1):
//   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
//   RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT"
//   asctime      "Sun Nov  6 08:49:37 1994"
// Leading and trailing OWS is ignored; day and month names and "GMT" are
// matched case-insensitively (robustness, §7.1.1.1 encourages it). The day
// name is not checked against the date. Returns std::nullopt for anything
// else, including impossible dates such as 31 Apr.
//
// A two-digit RFC 850 year that would lie more than 50 years after `now` is
// taken as the most recent past year with those digits (§7.1.1.1); the
// one-argument form uses the current time.
std::optional<base::Timestamp> ParseHttpDate(std::string_view text);
std::optional<base::Timestamp> ParseHttpDate(std::string_view text, base::Timestamp now);

// RFC 3339 date-time in UTC with whole seconds, e.g. "1997-12-01T17:42:21Z"
// (RFC 4918 §15.1 DAV:creationdate).
std::string FormatRfc3339(base::Timestamp time);

}  // namespace dav
