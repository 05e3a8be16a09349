#include "server/dav/write_checks.h"

#include <algorithm>
#include <map>
#include <set>

#include "server/dav/conditional.h"
#include "server/dav/errors.h"
#include "server/dav/names.h"
#include "server/dav/xml_writer.h"
#include "storage/lock_store.h"

namespace dav {
namespace {

bool AnySubmitted(const std::vector<const storage::Lock*>& locks,
                  const std::vector<std::string>& tokens) {
  for (const storage::Lock* lock : locks) {
    if (std::find(tokens.begin(), tokens.end(), lock->token) != tokens.end()) return true;
  }
  return false;
}

base::Status LockedStatus(const std::set<std::string>& root_hrefs) {
  std::string inner;
  for (const std::string& href : root_hrefs) {
    inner += "<D:href>";
    AppendEscapedText(&inner, href);
    inner += "</D:href>";
  }
  return base::Status(base::Code::kLocked, "the resource is locked and no lock token was submitted",
                      base::Condition{std::string(kDavNs), "lock-token-submitted", inner});
}

// The lock tokens that apply to a resource, for If-header state tokens: its
// own locks, its ancestors' depth-infinity locks, and its parent's locks of
// any depth: a depth-0 lock on a collection guards adding and removing this
// member, so a client that holds it may name it in an untagged list when it
// adds one. RFC 4918 §10.4.1 would have that list tagged with the
// collection's URL; we accept both rather than answer 412.
std::vector<std::string> TokensCovering(storage::Transaction& tx, const Location& location) {
  std::vector<std::string> tokens;
  std::vector<std::string> ancestors = location.AncestorStoragePaths();
  for (const storage::Lock& lock : storage::LocksInScope(tx, location.StoragePath(), ancestors, false)) {
    tokens.push_back(lock.token);
  }
  if (!ancestors.empty()) {
    for (const storage::Lock& lock : storage::LocksRootedAt(tx, {ancestors.back()})) {
      if (!lock.depth_infinity) tokens.push_back(lock.token);
    }
  }
  return tokens;
}

}  // namespace

ConditionalHeaders ConditionalHeadersOf(const Request& request) {
  ConditionalHeaders headers;
  auto copy = [&](const char* name, std::optional<std::string>* field) {
    if (const std::string* value = request.FindHeader(name)) *field = *value;
  };
  copy("If-Match", &headers.if_match);
  copy("If-None-Match", &headers.if_none_match);
  copy("If-Modified-Since", &headers.if_modified_since);
  copy("If-Unmodified-Since", &headers.if_unmodified_since);
  return headers;
}

base::Result<SubmittedConditions> ReadSubmittedConditions(const Request& request) {
  SubmittedConditions submitted;
  const std::string* header = request.FindHeader("If");
  if (!header) return submitted;
  auto parsed = ParseIfHeader(*header);
  if (!parsed.ok()) return parsed.status();
  submitted.tokens = SubmittedTokens(parsed.value());
  submitted.if_header = std::move(parsed.value());
  return submitted;
}

base::Status CheckLocks(storage::Transaction& tx, const Location& location, LockScope scope,
                        const SubmittedConditions& submitted) {
  if (location.IsVirtual()) return base::Status::Ok();
  const std::string path = location.StoragePath();
  std::vector<storage::Lock> locks = storage::LocksInScope(
      tx, path, location.AncestorStoragePaths(), scope == LockScope::kTree);
  if (scope != LockScope::kResource && !location.IsHome()) {
    // RFC 4918 §7.4: a depth-0 lock on a collection protects its membership.
    for (storage::Lock& lock : storage::LocksRootedAt(tx, {location.ParentStoragePath()})) {
      if (!lock.depth_infinity) locks.push_back(std::move(lock));
    }
  }
  if (locks.empty()) return base::Status::Ok();

  // Locks on the resource or above it form one group: one submitted token
  // of the group suffices (shared locks; an exclusive lock is alone). Each
  // lock root below the resource is a group of its own.
  std::vector<const storage::Lock*> covering;
  std::map<std::string, std::vector<const storage::Lock*>> below;
  for (const storage::Lock& lock : locks) {
    bool is_below = lock.root_path.size() > path.size() && lock.root_path.compare(0, path.size(), path) == 0 &&
                    lock.root_path[path.size()] == '/';
    (is_below ? below[lock.root_path] : covering).push_back(&lock);
  }
  std::set<std::string> unsatisfied;
  if (!covering.empty() && !AnySubmitted(covering, submitted.tokens)) {
    for (const storage::Lock* lock : covering) {
      unsatisfied.insert(HrefOfStoragePath(lock->root_path, lock->root_is_collection));
    }
  }
  for (const auto& [root, group] : below) {
    if (!AnySubmitted(group, submitted.tokens)) {
      unsatisfied.insert(HrefOfStoragePath(root, group.front()->root_is_collection));
    }
  }
  if (unsatisfied.empty()) return base::Status::Ok();
  return LockedStatus(unsatisfied);
}

base::Status CheckConditions(storage::Transaction& tx, const RequestContext& context,
                             const Location& location,
                             const std::optional<storage::Resource>& target,
                             const SubmittedConditions& submitted) {
  const Request& request = context.request;
  if (submitted.if_header) {
    auto state_of = [&](const std::optional<std::string>& tag) -> std::optional<IfResourceState> {
      IfResourceState state;
      if (!tag) {
        state.exists = target.has_value();
        if (target) state.etag = target->etag;
        state.lock_tokens = TokensCovering(tx, location);
        return state;
      }
      // A tagged list names its resource by URI (RFC 4918 §10.4.2).
      auto path = DecodePath(*tag);
      if (!path.ok()) return std::nullopt;
      auto tagged = Locate(path.value());
      if (!tagged || tagged->IsVirtual() || tagged->user != context.principal.name) {
        return std::nullopt;
      }
      if (auto resource = storage::FindResource(tx, tagged->StoragePath())) {
        state.exists = true;
        state.etag = resource->etag;
      }
      state.lock_tokens = TokensCovering(tx, *tagged);
      return state;
    };
    if (!EvaluateIfHeader(*submitted.if_header, state_of)) {
      return base::Status(base::Code::kPreconditionFailed, "the If header evaluated to false");
    }
  }
  ConditionalHeaders headers = ConditionalHeadersOf(request);
  Validators validators;
  if (target) {
    validators.exists = true;
    validators.etag = target->etag;
    validators.last_modified = target->modified;
  }
  if (EvaluatePreconditions(headers, validators, /*is_get_or_head=*/false) == Precondition::kProceed) {
    return base::Status::Ok();
  }
  return base::Status(base::Code::kPreconditionFailed, "a precondition header did not match");
}

base::Status CombineChecks(const base::Status& locked, const base::Status& conditions,
                           const SubmittedConditions& submitted) {
  if (locked.ok()) return conditions;
  if (conditions.ok()) return locked;
  // Both failed. A request that submitted a lock token which is not the
  // resource's lock is told it is locked (litmus cond_put_corrupt_token);
  // one that only tested state, e.g. (<DAV:no-lock> ["etag"]), is told its
  // precondition failed (litmus fail_cond_put, RFC 4918 §10.4.1).
  for (const std::string& token : submitted.tokens) {
    if (token != kNoLockToken) return locked;
  }
  return conditions;
}

base::Status CheckWrite(storage::Transaction& tx, const RequestContext& context,
                        const Location& location, const std::optional<storage::Resource>& target,
                        LockScope scope, const SubmittedConditions& submitted) {
  return CombineChecks(CheckLocks(tx, location, scope, submitted),
                       CheckConditions(tx, context, location, target, submitted), submitted);
}

}  // namespace dav
