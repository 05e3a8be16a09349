#include "server/dav/member_rules.h"

namespace dav {
namespace {

bool IsFileAreaCollection(const storage::Resource& resource) {
  return resource.kind == storage::ResourceKind::kFilesHome ||
         resource.kind == storage::ResourceKind::kCollection;
}

base::Status CanHold(const storage::Resource& parent) {
  if (!parent.is_collection) {
    return base::Status(base::Code::kConflict, "the parent is not a collection");
  }
  if (!IsFileAreaCollection(parent)) {
    return base::Status(base::Code::kForbidden, "this collection does not take plain members");
  }
  return base::Status::Ok();
}

}  // namespace

base::Status CanHoldFile(const storage::Resource& parent) { return CanHold(parent); }
base::Status CanHoldCollection(const storage::Resource& parent) { return CanHold(parent); }

}  // namespace dav
