// The WebDAV If request header (RFC 4918 §10.4): parsing, the lock tokens it
// submits, and its evaluation against resource state.
//
// The header has two separate jobs (§10.4.1): it makes the request
// conditional (evaluation false -> 412), and every state token that appears
// in it counts as "submitted" whether or not its list was evaluated or true.
// Lock enforcement (§7.5) needs both: the token of each lock protecting a
// changed resource must be among SubmittedTokens() *and* the header must
// evaluate to true (§7.5.2, last paragraph).
//
// Pure functions; thread-safe as long as `state_of` is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace dav {

// "DAV:no-lock" never names a current lock (§10.4.8): lock tokens cannot use
// the "DAV:" scheme. Clients write `(Not <DAV:no-lock>)` as an always-true
// list, so that their other tokens are submitted even if stale.
inline constexpr std::string_view kNoLockToken = "DAV:no-lock";

// Condition = ["Not"] (State-token | "[" entity-tag "]")
struct IfCondition {
  bool negated = false;
  bool is_etag = false;
  // A state token: the Coded-URL without <>, e.g. "urn:uuid:…".
  // An entity-tag: as sent, without the [], e.g. "\"abc\"" or "W/\"x\"".
  std::string value;
};

// List = "(" 1*Condition ")": a conjunction.
struct IfList {
  std::vector<IfCondition> conditions;
};

// A Tagged-list (Resource-Tag 1*List) or, with no tag, all the No-tag-lists
// of the header: a disjunction of lists applying to one resource.
struct IfGroup {
  // The Simple-ref inside <> of a Tagged-list, as sent: an absolute URI
  // ("http://host/path") or an absolute path (§8.3). std::nullopt for
  // No-tag-lists, which apply to the Request-URI.
  std::optional<std::string> resource_tag;
  std::vector<IfList> lists;  // never empty
};

// Either exactly one untagged group, or one group per Resource-Tag in the
// order sent (a tag that appears twice gives two groups): the two forms
// cannot be mixed (§10.4.2).
struct IfHeader {
  std::vector<IfGroup> groups;  // never empty
};

// Parses the field value (§10.4.2). Whitespace (SP, HTAB and the CR/LF of
// folded lines) is allowed between tokens but not inside <> or [] (as the
// grammar says). "Not" is case-insensitive. State tokens and tags are
// checked only for being non-empty and free of whitespace, controls and
// angle brackets; whether they are valid URIs is left to the comparison
// (an unknown token simply matches no lock). kBadRequest on any syntax
// error: empty header, empty list "()", unbalanced brackets, a token
// without <>, a tag without a list, untagged and tagged lists mixed,
// malformed entity-tags. Never reads out of bounds, whatever the input.
base::Result<IfHeader> ParseIfHeader(std::string_view value);

// Every state token in the header, negated or not, in order of first
// appearance and without duplicates (§10.4.1: "the mere fact that a state
// token appears in an If header means that it has been submitted"). It may
// include kNoLockToken, which matches no lock.
std::vector<std::string> SubmittedTokens(const IfHeader& header);

// What the If header can observe about one resource.
struct IfResourceState {
  bool exists = false;
  std::string etag;  // unquoted; empty if none
  // Tokens of every lock whose scope contains the resource (§10.4.4: "A lock
  // state token is considered to match if the resource is anywhere in the
  // scope of the lock"). For an unmapped URL this is still the locks whose
  // scope covers the URL (e.g. a depth-infinity lock on the parent), so that
  // a PUT creating a member of a locked collection can match.
  std::vector<std::string> lock_tokens;
};

// Resolves a group's resource: called with std::nullopt for the untagged
// group (the Request-URI) and with the raw tag otherwise. It returns the
// state of the resource the tag names — for a URL of this server that maps
// to nothing, a state with exists = false (§10.4.4, "Handling unmapped
// URLs") — or std::nullopt when the tag does not name a resource of this
// server (another host, outside the served tree, unparsable).
using IfStateLookup =
    std::function<std::optional<IfResourceState>(const std::optional<std::string>& tag)>;

// Evaluates the header (§10.4.3, §10.4.4):
//   - a state-token condition is true when the token is one of the
//     resource's lock_tokens (exact, case-sensitive match); kNoLockToken is
//     never true;
//   - an entity-tag condition is true when the resource exists and its ETag
//     matches by the strong comparison (§10.4.4 lets us pick; our ETags are
//     strong, so W/"…" never matches), as If-Match does;
//   - "Not" reverses the condition; a list is true when all its conditions
//     are; a group is true when one of its lists is.
// How groups combine: the header is true when at least one group is true —
// §10.4.3: "the whole If header evaluates to true if and only if at least
// one of the No-tag-list or Tagged-list productions evaluates to true". This
// is a plain disjunction across Resource-Tags too; RFC 2518-era servers that
// required every tagged resource to match (or skipped lists tagged for other
// resources) do not follow RFC 4918. Per-resource protection comes from lock
// enforcement instead: each locked resource a method changes needs its own
// token submitted (§7.5).
// A group whose tag does not name a resource of this server (`state_of`
// returns std::nullopt) is false: its conditions cannot be checked, so it
// cannot be what makes the header true — not even `(Not <DAV:no-lock>)`.
// §10.4.4's rule for unmapped URLs is about this server's namespace.
//
// `state_of` is called at most once per group, in header order; evaluation
// stops at the first true list.
bool EvaluateIfHeader(const IfHeader& header, const IfStateLookup& state_of);

}  // namespace dav
