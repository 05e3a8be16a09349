// COPY and MOVE (RFC 4918 §9.8, §9.9) within the account's own area:
// Destination, Overwrite and Depth; locks checked on both ends. A MOVE keeps
// row ids (dead properties go along) and leaves the source's locks behind.
#include "server/base/strings.h"
#include "server/dav/errors.h"
#include "server/dav/member_rules.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/write_checks.h"
#include "storage/lock_store.h"

namespace dav {
namespace {

base::Result<Location> ReadDestination(const RequestContext& context, const Location& source) {
  const std::string* header = context.request.FindHeader("Destination");
  if (!header) return base::Status(base::Code::kBadRequest, "Destination header missing");
  auto path = DecodePath(base::Trim(*header));
  if (!path.ok()) return path.status();
  std::optional<Location> destination = Locate(path.value());
  if (!destination) {
    // RFC 4918 §9.8.5: a destination this server does not hold.
    return base::Status(base::Code::kBadGateway, "the destination is not on this server");
  }
  if (destination->IsVirtual() || destination->IsHome()) {
    return base::Status(base::Code::kForbidden, "cannot replace that collection");
  }
  base::Status own = CheckOwnArea(context, *destination);
  if (!own.ok()) return own;
  if (destination->area != source.area) {
    return base::Status(base::Code::kForbidden, "COPY and MOVE stay within one area");
  }
  return *destination;
}

bool IsSameOrBelow(const std::string& path, const std::string& ancestor) {
  return path == ancestor ||
         (path.size() > ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
          path[ancestor.size()] == '/');
}

Response CopyOrMove(const RequestContext& context, const Location& location, bool move) {
  if (location.IsVirtual() || location.IsHome()) {
    return ErrorResponse(base::Status(base::Code::kForbidden, "this collection cannot be copied or moved"));
  }
  auto destination = ReadDestination(context, location);
  if (!destination.ok()) return ErrorResponse(destination.status());
  bool overwrite = true;
  if (const std::string* header = context.request.FindHeader("Overwrite")) {
    std::string_view value = base::Trim(*header);
    if (value == "F" || value == "f") {
      overwrite = false;
    } else if (value != "T" && value != "t") {
      return ErrorResponse(base::Status(base::Code::kBadRequest, "Overwrite must be T or F"));
    }
  }
  auto depth = ParseDepth(context.request, kDepthInfinity);
  if (!depth.ok()) return ErrorResponse(depth.status());
  if (depth.value() == 1 || (move && depth.value() != kDepthInfinity)) {
    // RFC 4918 §9.8.3 (COPY: 0 or infinity), §9.9.2 (MOVE: infinity).
    return ErrorResponse(base::Status(base::Code::kBadRequest, "invalid Depth for this method"));
  }
  auto submitted = ReadSubmittedConditions(context.request);
  if (!submitted.ok()) return ErrorResponse(submitted.status());

  const std::string source_path = location.StoragePath();
  const std::string destination_path = destination->StoragePath();
  if (IsSameOrBelow(destination_path, source_path)) {
    return ErrorResponse(base::Status(base::Code::kForbidden, "the destination lies inside the source"));
  }

  storage::Transaction tx = BeginWrite(context);
  std::optional<storage::Resource> source = move ? storage::FindResourceForUpdate(tx, source_path)
                                                 : storage::FindResource(tx, source_path);
  if (!source) return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));
  auto destination_parent = storage::FindResourceForUpdate(tx, destination->ParentStoragePath());
  if (!destination_parent) {
    return ErrorResponse(base::Status(base::Code::kConflict, "the destination's parent does not exist"));
  }
  base::Status holds = source->is_collection ? CanHoldCollection(*destination_parent)
                                             : CanHoldFile(*destination_parent);
  if (!holds.ok()) return ErrorResponse(holds);
  std::optional<storage::Resource> existing = storage::FindResourceForUpdate(tx, destination_path);
  if (existing && !overwrite) {
    return ErrorResponse(base::Status(base::Code::kPreconditionFailed, "the destination exists"));
  }

  base::Status locked = move ? CheckLocks(tx, location, LockScope::kTree, submitted.value())
                             : base::Status::Ok();
  if (locked.ok()) {
    locked = CheckLocks(tx, *destination, existing ? LockScope::kTree : LockScope::kMember,
                        submitted.value());
  }
  base::Status allowed = CombineChecks(
      locked, CheckConditions(tx, context, location, source, submitted.value()), submitted.value());
  if (!allowed.ok()) return ErrorResponse(allowed);

  if (existing) storage::DeleteTree(tx, *existing);
  if (move) {
    storage::DeleteLocksInTree(tx, source_path);
    storage::MoveTree(tx, *source, destination_path, destination_parent->id);
    if (source->parent_id) storage::TouchResource(tx, *source->parent_id);
  } else {
    storage::CopyTree(tx, *source, destination_path, destination_parent->id,
                      depth.value() == kDepthInfinity);
  }
  storage::TouchResource(tx, destination_parent->id);
  tx.Commit();
  Response response = Response::Empty(existing ? 204 : 201);
  if (!existing) response.SetHeader("Location", destination->Href(source->is_collection));
  return response;
}

}  // namespace

Response HandleCopy(const RequestContext& context, const Location& location) {
  return CopyOrMove(context, location, false);
}

Response HandleMove(const RequestContext& context, const Location& location) {
  return CopyOrMove(context, location, true);
}

}  // namespace dav
