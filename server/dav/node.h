// What a URL names: a stored resource (a row) or one of the few virtual
// collections that exist for every account (/dav/, /dav/files/, …).
#pragma once

#include <optional>
#include <string>

#include "server/dav/location.h"
#include "storage/resource_store.h"

namespace dav {

struct Node {
  enum class Virtual { kNone, kDavRoot, kAreaRoot };

  Virtual virtual_kind = Virtual::kNone;
  Area area = Area::kDavRoot;
  std::string href;  // percent-encoded, trailing slash on collections
  std::optional<storage::Resource> resource;  // set for stored nodes

  bool IsVirtual() const { return virtual_kind != Virtual::kNone; }
  bool IsCollection() const { return IsVirtual() || resource->is_collection; }
  bool Is(storage::ResourceKind kind) const { return resource && resource->kind == kind; }
  bool IsPrincipal() const { return Is(storage::ResourceKind::kPrincipal); }
  bool IsHome() const {
    return Is(storage::ResourceKind::kFilesHome) || Is(storage::ResourceKind::kCalendarHome) ||
           Is(storage::ResourceKind::kAddressbookHome);
  }
};

Node VirtualNode(const Location& location);
Node StoredNode(storage::Resource resource);

}  // namespace dav
