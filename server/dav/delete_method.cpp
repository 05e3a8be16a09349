// DELETE (RFC 4918 §9.6): a member, or a collection with everything below
// it, in one statement. Homes and principals cannot be deleted by DAV.
#include "server/dav/errors.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/write_checks.h"

namespace dav {

Response HandleDelete(const RequestContext& context, const Location& location) {
  if (location.IsVirtual()) {
    return ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "cannot delete this collection"));
  }
  if (location.IsHome()) {
    return ErrorResponse(base::Status(base::Code::kForbidden, "an account's home cannot be deleted"));
  }
  auto depth = ParseDepth(context.request, kDepthInfinity);
  if (!depth.ok()) return ErrorResponse(depth.status());
  auto submitted = ReadSubmittedConditions(context.request);
  if (!submitted.ok()) return ErrorResponse(submitted.status());

  storage::Transaction tx = BeginWrite(context);
  auto parent = storage::FindResourceForUpdate(tx, location.ParentStoragePath());
  std::optional<storage::Resource> target;
  if (parent) target = storage::FindResourceForUpdate(tx, location.StoragePath());
  if (!target) return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));
  if (target->is_collection && depth.value() != kDepthInfinity) {
    // RFC 4918 §9.6.1: DELETE on a collection acts as Depth: infinity.
    return ErrorResponse(base::Status(base::Code::kBadRequest, "DELETE of a collection needs Depth: infinity"));
  }
  base::Status allowed = CheckWrite(tx, context, location, target,
                                    target->is_collection ? LockScope::kTree : LockScope::kMember,
                                    submitted.value());
  if (!allowed.ok()) return ErrorResponse(allowed);

  storage::DeleteTree(tx, *target);
  storage::TouchResource(tx, parent->id);
  tx.Commit();
  return Response::Empty(204);
}

}  // namespace dav
