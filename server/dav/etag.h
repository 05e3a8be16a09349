// Entity-tags on the wire (RFC 7232 §2.3). Storage keeps ETags unquoted (a
// hex digest); the DAV layer sends them as strong tags, `"<etag>"`, and
// parses the lists clients send in If-Match / If-None-Match and the tags
// inside the WebDAV If header. All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dav {

// entity-tag = [ weak ] opaque-tag  (RFC 7232 §2.3)
struct EntityTag {
  bool weak = false;
  std::string opaque;  // the characters between the DQUOTEs

  bool operator==(const EntityTag&) const = default;
};

// The wire form of a stored ETag: `abc` -> `"abc"`. Stored ETags are always
// strong: every byte of the representation went into the digest.
// REQUIRES: `etag` consists of etagc characters (no DQUOTE, no space, no
// control characters) — true of the hex digests storage produces.
std::string QuoteEtag(std::string_view etag);

// The stored, unquoted ETag as the strong EntityTag it is sent as.
EntityTag StoredEntityTag(std::string_view etag);

// Parses exactly one entity-tag, e.g. `"abc"` or `W/"abc"`, with nothing
// before or after it. The "W/" prefix is case-sensitive (%x57.2F). Inside the
// quotes, etagc (RFC 7232 §2.3) plus SP and HTAB, which the RFC 2616 form
// that RFC 4918 cites allows (`"I am an ETag"`, RFC 4918 §10.4.6); no
// backslash escapes (RFC 7232 dropped them; "\" is an ordinary etagc).
std::optional<EntityTag> ParseEntityTag(std::string_view text);

// Parses one entity-tag at the front of `text` and removes it from `text`;
// on failure returns std::nullopt and leaves `text` unchanged. Used by
// parsers of headers that embed tags (the If header's `[entity-tag]`).
std::optional<EntityTag> ConsumeEntityTag(std::string_view& text);

// The value of If-Match / If-None-Match: "*" / 1#entity-tag (RFC 7232 §3.1,
// §3.2).
struct EntityTagList {
  bool any = false;  // "*"
  std::vector<EntityTag> tags;
};

// Parses an If-Match / If-None-Match field value. Follows the #rule of
// RFC 7230 §7: elements separated by commas with optional whitespace, empty
// elements ignored. Returns std::nullopt when the value is malformed (e.g. an
// unquoted tag, "*" mixed with tags, or no element at all). Commas inside a
// quoted opaque-tag are part of the tag: etagc includes "," (RFC 7232 §2.3).
std::optional<EntityTagList> ParseEntityTagList(std::string_view value);

// RFC 7232 §2.3.2. Strong: both tags are strong and their opaque-tags match
// character by character. Weak: the opaque-tags match, weakness ignored.
bool StrongMatch(const EntityTag& a, const EntityTag& b);
bool WeakMatch(const EntityTag& a, const EntityTag& b);

}  // namespace dav
