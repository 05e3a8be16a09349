// The checks every write makes inside its transaction:
//   - locks (RFC 4918 §7): 423 DAV:lock-token-submitted unless the request
//     submitted a token of each lock that protects the change;
//   - the If header (RFC 4918 §10.4): 412 when it evaluates to false;
//   - If-Match / If-None-Match / If-(Un)Modified-Since (RFC 7232): 412.
// When both a lock and a condition fail, CombineChecks decides which one the
// client hears about.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/base/status.h"
#include "server/dav/conditional.h"
#include "server/dav/context.h"
#include "server/dav/if_header.h"
#include "server/dav/location.h"
#include "storage/database.h"
#include "storage/resource_store.h"

namespace dav {

// The RFC 7232 headers of a request.
ConditionalHeaders ConditionalHeadersOf(const Request& request);

// What the request submitted in its If header, parsed once.
struct SubmittedConditions {
  std::optional<IfHeader> if_header;
  std::vector<std::string> tokens;  // every state token in the If header
};

// 400 when the If header does not parse.
base::Result<SubmittedConditions> ReadSubmittedConditions(const Request& request);

enum class LockScope {
  kResource,  // changes the resource's content or properties
  kMember,    // adds or removes the resource as a member of its parent
  kTree,      // kMember, and removes or replaces everything below it too
};

base::Status CheckLocks(storage::Transaction& tx, const Location& location, LockScope scope,
                        const SubmittedConditions& submitted);

// Steps 2 and 3 for `target` (nullopt when unmapped), for a method that is
// not GET or HEAD (those evaluate RFC 7232 themselves, for 304).
base::Status CheckConditions(storage::Transaction& tx, const RequestContext& context,
                             const Location& location,
                             const std::optional<storage::Resource>& target,
                             const SubmittedConditions& submitted);

// Picks the answer when the lock check and the conditions are both known.
base::Status CombineChecks(const base::Status& locked, const base::Status& conditions,
                           const SubmittedConditions& submitted);

// All of it, for one target.
base::Status CheckWrite(storage::Transaction& tx, const RequestContext& context,
                        const Location& location, const std::optional<storage::Resource>& target,
                        LockScope scope, const SubmittedConditions& submitted);

}  // namespace dav
