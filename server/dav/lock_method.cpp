// LOCK and UNLOCK (RFC 4918 §9.10, §9.11): exclusive and shared write locks,
// depth 0 or infinity, on mapped and unmapped URLs (a LOCK on an unmapped
// URL creates an empty resource, §7.3), refresh, and timeouts.
#include <algorithm>

#include "server/base/random.h"
#include "server/base/strings.h"
#include "server/dav/errors.h"
#include "server/dav/etag.h"
#include "server/dav/lock_xml.h"
#include "server/dav/member_rules.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/names.h"
#include "server/dav/write_checks.h"
#include "storage/lock_store.h"

namespace dav {
namespace {

// RFC 4918 §10.7: "Infinite" or "Second-N", several in order of preference.
int64_t ReadTimeout(const Request& request, const DavConfig& config) {
  const std::string* header = request.FindHeader("Timeout");
  if (!header) return config.default_lock_timeout_seconds;
  for (std::string_view choice : base::Split(*header, ',')) {
    choice = base::Trim(choice);
    if (base::AsciiIEquals(choice, "Infinite")) return config.max_lock_timeout_seconds;
    if (base::AsciiIStartsWith(choice, "Second-")) {
      if (auto seconds = base::ParseNonNegative(choice.substr(7))) {
        return std::clamp<int64_t>(*seconds, 1, config.max_lock_timeout_seconds);
      }
    }
  }
  return config.default_lock_timeout_seconds;
}

Response LockResponse(int status, const storage::Lock& lock, bool send_token) {
  std::string out;
  XmlWriter xml(&out);
  xml.StartDocumentRoot(kDavNs, "prop");
  xml.Start(kDavNs, "lockdiscovery");
  WriteActiveLock(xml, lock);
  xml.End();
  xml.End();
  out += '\n';
  Response response = Response::Xml(status, std::move(out));
  if (send_token) response.SetHeader("Lock-Token", "<" + lock.token + ">");
  return response;
}

base::Status ConflictStatus(const storage::Lock& lock) {
  return base::Status(base::Code::kLocked, "a conflicting lock exists",
                      ConditionWithHref(kDavNs, "no-conflicting-lock",
                                        HrefOfStoragePath(lock.root_path, lock.root_is_collection)));
}

struct LockInfo {
  bool exclusive = true;
  std::string owner_xml;
};

base::Result<LockInfo> ReadLockInfo(const XmlElement& root) {
  if (!root.Is(kDavNs, "lockinfo")) {
    return base::Status(base::Code::kBadRequest, "the body is not a DAV:lockinfo element");
  }
  LockInfo info;
  const XmlElement* scope = root.Child(kDavNs, "lockscope");
  const XmlElement* type = root.Child(kDavNs, "locktype");
  if (!scope || !type) return base::Status(base::Code::kBadRequest, "lockinfo needs lockscope and locktype");
  if (scope->Child(kDavNs, "shared")) {
    info.exclusive = false;
  } else if (!scope->Child(kDavNs, "exclusive")) {
    return base::Status(base::Code::kBadRequest, "unknown lock scope");
  }
  if (!type->Child(kDavNs, "write")) {
    return base::Status(base::Code::kUnprocessable, "only write locks exist");
  }
  if (const XmlElement* owner = root.Child(kDavNs, "owner")) info.owner_xml = SerializeXml(*owner);
  return info;
}

Response Refresh(const RequestContext& context, const Location& location,
                 const SubmittedConditions& submitted) {
  storage::Transaction tx = context.db.Begin();
  storage::LockOwnerExclusive(tx, context.principal.id);
  auto target = storage::FindResource(tx, location.StoragePath());
  if (!target) return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));
  for (storage::Lock& lock : storage::LocksInScope(tx, location.StoragePath(),
                                                   location.AncestorStoragePaths(), false)) {
    if (std::find(submitted.tokens.begin(), submitted.tokens.end(), lock.token) ==
        submitted.tokens.end()) {
      continue;
    }
    lock.timeout_seconds = ReadTimeout(context.request, context.config);
    storage::RefreshLock(tx, lock.token, lock.timeout_seconds);
    lock.expires = base::Now() + std::chrono::seconds(lock.timeout_seconds);
    tx.Commit();
    return LockResponse(200, lock, false);
  }
  // RFC 4918 §9.10.2: a refresh must name a lock of the resource.
  return ErrorResponse(base::Status(base::Code::kPreconditionFailed, "no lock of this resource was named",
                                    base::Condition{std::string(kDavNs), "lock-token-matches-request-uri", ""}));
}

}  // namespace

Response HandleLock(const RequestContext& context, const Location& location) {
  if (location.IsVirtual() || location.area == Area::kPrincipals) {
    return ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "this resource cannot be locked"));
  }
  auto submitted = ReadSubmittedConditions(context.request);
  if (!submitted.ok()) return ErrorResponse(submitted.status());
  if (context.request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Refresh(context, location, submitted.value());
  }
  auto body = ParseXmlBody(context);
  if (!body.ok()) return ErrorResponse(body.status());
  auto info = ReadLockInfo(body.value());
  if (!info.ok()) return ErrorResponse(info.status());
  auto depth = ParseDepth(context.request, kDepthInfinity);
  if (!depth.ok()) return ErrorResponse(depth.status());
  if (depth.value() == 1) {
    return ErrorResponse(base::Status(base::Code::kBadRequest, "LOCK takes Depth 0 or infinity"));
  }

  storage::Transaction tx = context.db.Begin();
  storage::LockOwnerExclusive(tx, context.principal.id);
  const std::string path = location.StoragePath();
  std::optional<storage::Resource> parent;
  if (!location.IsHome()) parent = storage::FindResourceForUpdate(tx, location.ParentStoragePath());
  std::optional<storage::Resource> target = storage::FindResourceForUpdate(tx, path);
  if (!target && !parent) {
    return ErrorResponse(base::Status(base::Code::kConflict, "the parent collection does not exist"));
  }
  if (!target) {
    base::Status holds = CanHoldFile(*parent);
    if (!holds.ok()) return ErrorResponse(holds);
  }

  // Conflicts (RFC 4918 §6.1, §7): an exclusive lock conflicts with any
  // lock in its scope, a shared lock with an exclusive one.
  bool infinity = depth.value() == kDepthInfinity;
  for (const storage::Lock& existing :
       storage::LocksInScope(tx, path, location.AncestorStoragePaths(), infinity)) {
    if (info->exclusive || existing.exclusive) return ErrorResponse(ConflictStatus(existing));
  }
  // Creating the empty resource changes the parent's membership.
  base::Status locked = target ? base::Status::Ok()
                               : CheckLocks(tx, location, LockScope::kMember, submitted.value());
  base::Status allowed = CombineChecks(
      locked, CheckConditions(tx, context, location, target, submitted.value()), submitted.value());
  if (!allowed.ok()) return ErrorResponse(allowed);

  int status = 200;
  if (!target) {
    target = CreateMember(tx, context, location, *parent, storage::ResourceKind::kFile,
                          ContentTypeOrDefault(context.request), "");
    status = 201;
  }
  storage::Lock lock;
  lock.token = "urn:uuid:" + base::RandomUuid();
  lock.resource_id = target->id;
  lock.root_path = path;
  lock.root_is_collection = target->is_collection;
  lock.owner_id = context.principal.id;
  lock.exclusive = info->exclusive;
  lock.depth_infinity = infinity;
  lock.owner_xml = info->owner_xml;
  lock.timeout_seconds = ReadTimeout(context.request, context.config);
  lock.expires = base::Now() + std::chrono::seconds(lock.timeout_seconds);
  storage::InsertLock(tx, lock);
  tx.Commit();
  return LockResponse(status, lock, true);
}

Response HandleUnlock(const RequestContext& context, const Location& location) {
  const std::string* header = context.request.FindHeader("Lock-Token");
  std::string_view token = header ? base::Trim(*header) : std::string_view();
  if (token.size() < 3 || token.front() != '<' || token.back() != '>') {
    return ErrorResponse(base::Status(base::Code::kBadRequest, "Lock-Token header missing or malformed"));
  }
  token = token.substr(1, token.size() - 2);
  if (location.IsVirtual()) {
    return ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "nothing to unlock here"));
  }
  storage::Transaction tx = context.db.Begin();
  storage::LockOwnerExclusive(tx, context.principal.id);
  for (const storage::Lock& lock : storage::LocksInScope(tx, location.StoragePath(),
                                                         location.AncestorStoragePaths(), false)) {
    if (lock.token == token && lock.owner_id == context.principal.id) {
      storage::DeleteLock(tx, lock.token);
      tx.Commit();
      return Response::Empty(204);
    }
  }
  // RFC 4918 §9.11.1.
  return ErrorResponse(base::Status(base::Code::kConflict, "the lock token does not apply to this resource",
                                    base::Condition{std::string(kDavNs), "lock-token-matches-request-uri", ""}));
}

}  // namespace dav
