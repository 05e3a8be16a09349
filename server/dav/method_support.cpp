#include "server/dav/method_support.h"

#include "server/base/strings.h"
#include "server/dav/names.h"
#include "storage/lock_store.h"

namespace dav {

base::Result<int> ParseDepth(const Request& request, int fallback) {
  const std::string* header = request.FindHeader("Depth");
  if (!header) return fallback;
  std::string_view value = base::Trim(*header);
  if (value == "0") return 0;
  if (value == "1") return 1;
  if (base::AsciiIEquals(value, "infinity")) return kDepthInfinity;
  return base::Status(base::Code::kBadRequest, "Depth must be 0, 1 or infinity");
}

bool WantsMinimal(const Request& request) {
  if (const std::string* brief = request.FindHeader("Brief")) {
    if (base::AsciiIEquals(base::Trim(*brief), "t")) return true;
  }
  for (const Header& header : request.headers) {
    if (!base::AsciiIEquals(header.name, "Prefer")) continue;
    for (std::string_view preference : base::Split(header.value, ',')) {
      preference = base::Trim(preference);
      if (base::AsciiIStartsWith(preference, "return=minimal") ||
          base::AsciiIStartsWith(preference, "return=\"minimal\"")) {
        return true;
      }
    }
  }
  return false;
}

base::Result<XmlElement> ParseXmlBody(const RequestContext& context) {
  if (context.request.body.size() > context.config.max_xml_body) {
    return base::Status(base::Code::kPayloadTooLarge, "the XML body is larger than the limit");
  }
  return ParseXml(context.request.body,
                  XmlLimits{context.config.max_xml_depth, context.config.max_xml_elements});
}

std::string PrincipalHref(const std::string& account_name) {
  return Location{Area::kPrincipals, account_name, {}, true}.Href(true);
}

PropertyContext MakePropertyContext(const RequestContext& context) {
  return PropertyContext{context.principal, PrincipalHref(context.principal.name), nullptr};
}

base::Status CheckOwnArea(const RequestContext& context, const Location& location) {
  if (location.IsVirtual() || location.user == context.principal.name) return base::Status::Ok();
  return base::Status(base::Code::kForbidden, "this belongs to another account",
                      base::Condition{std::string(kDavNs), "need-privileges", ""});
}

std::optional<Node> ResolveNode(storage::Transaction& tx, const Location& location) {
  if (location.IsVirtual()) return VirtualNode(location);
  auto resource = storage::FindResource(tx, location.StoragePath());
  if (!resource) return std::nullopt;
  return StoredNode(std::move(*resource));
}

storage::Transaction BeginWrite(const RequestContext& context) {
  storage::Transaction tx = context.db.Begin();
  storage::LockOwnerShared(tx, context.principal.id);
  return tx;
}

storage::Resource CreateMember(storage::Transaction& tx, const RequestContext& context,
                               const Location& location, const storage::Resource& parent,
                               storage::ResourceKind kind, const std::string& content_type,
                               const std::string& content) {
  storage::NewResource resource;
  resource.owner_id = context.principal.id;
  resource.parent_id = parent.id;
  resource.path = location.StoragePath();
  resource.name = location.rest.back();
  resource.kind = kind;
  resource.is_collection = kind == storage::ResourceKind::kCollection;
  if (!resource.is_collection) {
    resource.content_type = content_type;
    resource.content = content;
  }
  storage::Resource created = storage::InsertResource(tx, resource);
  storage::TouchResource(tx, parent.id);
  return created;
}

std::string ContentTypeOrDefault(const Request& request) {
  const std::string* type = request.FindHeader("Content-Type");
  if (!type || base::Trim(*type).empty()) return "application/octet-stream";
  return std::string(base::Trim(*type));
}

}  // namespace dav
