#include "server/dav/node.h"

namespace dav {

Node VirtualNode(const Location& location) {
  Node node;
  node.virtual_kind = location.area == Area::kDavRoot ? Node::Virtual::kDavRoot
                                                      : Node::Virtual::kAreaRoot;
  node.area = location.area;
  node.href = location.Href(true);
  return node;
}

Node StoredNode(storage::Resource resource) {
  Node node;
  if (auto location = LocateStoragePath(resource.path)) node.area = location->area;
  node.href = HrefOfStoragePath(resource.path, resource.is_collection);
  node.resource = std::move(resource);
  return node;
}

}  // namespace dav
