// PROPFIND (RFC 4918 §9.1): the target and, with Depth 1, its members, one
// <D:response> per row, streamed page by page from one snapshot.
#include <utility>

#include "server/dav/errors.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/multistatus.h"
#include "server/dav/names.h"
#include "server/dav/property_plan.h"
#include "storage/lock_store.h"
#include "storage/property_store.h"

namespace dav {
namespace {

// Writes the responses of `nodes` (one page), loading what the plan needs
// for the whole page at once: dead properties and locks are one query each.
// `inherited` holds the depth-infinity locks of the nodes' common ancestors.
void WritePage(storage::Transaction& tx, const PropertyPlan& plan, PropertyContext& properties,
               const std::vector<Node>& nodes, const std::vector<storage::Lock>& inherited,
               XmlWriter& xml) {
  std::unordered_map<int64_t, std::vector<storage::DeadProperty>> dead;
  std::vector<storage::Lock> rooted;
  std::vector<int64_t> ids;
  std::vector<std::string> paths;
  for (const Node& node : nodes) {
    if (node.resource) {
      ids.push_back(node.resource->id);
      paths.push_back(node.resource->path);
    }
  }
  if (plan.NeedsDeadProperties()) dead = storage::ListDeadPropertiesOf(tx, ids);
  if (plan.NeedsLocks()) rooted = storage::LocksRootedAt(tx, paths);
  static const std::vector<storage::DeadProperty> kNone;
  std::vector<storage::Lock> node_locks;
  for (const Node& node : nodes) {
    const std::vector<storage::DeadProperty>* node_dead = &kNone;
    node_locks.clear();
    if (node.resource) {
      auto found = dead.find(node.resource->id);
      if (found != dead.end()) node_dead = &found->second;
      node_locks = inherited;
      for (const storage::Lock& lock : rooted) {
        if (lock.root_path == node.resource->path) node_locks.push_back(lock);
      }
    }
    properties.locks = &node_locks;
    plan.WriteResponse(xml, properties, node, node_dead);
  }
  properties.locks = nullptr;
}

// The members of a virtual collection: the area roots, or the account's own
// principal or home (never another account's).
std::vector<Node> VirtualMembers(storage::Transaction& tx, const Node& node,
                                 const Principal& principal) {
  std::vector<Node> members;
  if (node.virtual_kind == Node::Virtual::kDavRoot) {
    for (Area area : {Area::kPrincipals, Area::kCalendars, Area::kAddressbooks, Area::kFiles}) {
      members.push_back(VirtualNode(Location{area, "", {}, true}));
    }
  } else {
    Location own{node.area, principal.name, {}, true};
    if (auto resource = storage::FindResource(tx, own.StoragePath())) {
      members.push_back(StoredNode(std::move(*resource)));
    }
  }
  return members;
}

}  // namespace

Response HandlePropfind(const RequestContext& context, const Location& location) {
  auto depth = ParseDepth(context.request, kDepthInfinity);
  if (!depth.ok()) return ErrorResponse(depth.status());
  if (depth.value() == kDepthInfinity) {
    // RFC 4918 §9.1: servers may refuse infinite depth (a whole account in one response).
    return ErrorResponse(base::Status(base::Code::kForbidden, "Depth: infinity is not supported",
                                      base::Condition{std::string(kDavNs), "propfind-finite-depth", ""}));
  }
  if (context.request.body.size() > context.config.max_xml_body) {
    return ErrorResponse(base::Status(base::Code::kPayloadTooLarge, "the XML body is too large"));
  }
  auto request = ParsePropfindBody(context.request.body, context.config);
  if (!request.ok()) return ErrorResponse(request.status());

  storage::Transaction tx = context.db.Begin(storage::TxMode::kReadOnlySnapshot);
  std::optional<Node> node = ResolveNode(tx, location);
  if (!node) return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));

  // Locks of the target's ancestors apply to the target and its members.
  std::vector<storage::Lock> inherited;
  PropertyPlan plan(std::move(request.value()), WantsMinimal(context.request));
  if (plan.NeedsLocks() && node->resource) {
    for (storage::Lock& lock : storage::LocksInScope(tx, node->resource->path,
                                                     location.AncestorStoragePaths(), false)) {
      if (lock.root_path != node->resource->path) inherited.push_back(std::move(lock));
    }
  }

  Response response;
  response.status = 207;
  response.SetHeader("Content-Type", kXmlContentType);
  response.compressible = true;
  response.stream = MakeBodyStream(
      [tx = std::move(tx), plan = std::move(plan), node = std::move(*node),
       inherited = std::move(inherited), properties = MakePropertyContext(context),
       depth = depth.value(), page_size = context.config.page_size](std::ostream& out) mutable {
        MultistatusStream multistatus(out);
        multistatus.Begin();
        WritePage(tx, plan, properties, {node}, inherited, multistatus.xml());
        if (depth == 1 && node.IsCollection()) {
          if (node.IsVirtual()) {
            WritePage(tx, plan, properties, VirtualMembers(tx, node, properties.principal), {},
                      multistatus.xml());
          } else {
            // Members inherit the target's own depth-infinity locks too.
            std::vector<storage::Lock> member_inherited = inherited;
            for (const storage::Lock& lock :
                 storage::LocksRootedAt(tx, {node.resource->path})) {
              if (lock.depth_infinity) member_inherited.push_back(lock);
            }
            storage::ChildPager pager(tx, node.resource->id, page_size);
            std::vector<storage::Resource> rows;
            std::vector<Node> page;
            while (pager.Next(&rows)) {
              page.clear();
              for (storage::Resource& row : rows) page.push_back(StoredNode(std::move(row)));
              WritePage(tx, plan, properties, page, member_inherited, multistatus.xml());
              multistatus.Flush();
            }
          }
        }
        multistatus.End();
      });
  return response;
}

}  // namespace dav
