// MKCOL (RFC 4918 §9.3) and extended MKCOL (RFC 5689): a plain collection in
// the file area, optionally with properties set in the same request.
#include "server/dav/errors.h"
#include "server/dav/live_properties.h"
#include "server/dav/member_rules.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/names.h"
#include "server/dav/property_plan.h"
#include "server/dav/write_checks.h"
#include "storage/property_store.h"

namespace dav {
namespace {

struct MkcolRequest {
  std::vector<const XmlElement*> properties;  // to set, excluding DAV:resourcetype
  bool plain_collection = true;               // resourcetype is exactly <collection/>
  const XmlElement* resourcetype = nullptr;
};

// RFC 5689 §5.1: <D:mkcol><D:set><D:prop>…</D:prop></D:set></D:mkcol>.
base::Result<MkcolRequest> ReadExtendedMkcol(const XmlElement& root) {
  if (!root.Is(kDavNs, "mkcol")) {
    return base::Status(base::Code::kUnsupportedMediaType, "MKCOL bodies must be DAV:mkcol");
  }
  MkcolRequest request;
  for (const XmlElement& set : root.children) {
    if (!set.Is(kDavNs, "set")) continue;
    const XmlElement* prop = set.Child(kDavNs, "prop");
    if (!prop) return base::Status(base::Code::kBadRequest, "DAV:set without DAV:prop");
    for (const XmlElement& property : prop->children) {
      if (property.Is(kDavNs, "resourcetype")) {
        request.resourcetype = &property;
        for (const XmlElement& type : property.children) {
          if (!type.Is(kDavNs, "collection")) request.plain_collection = false;
        }
      } else {
        request.properties.push_back(&property);
      }
    }
  }
  return request;
}

// RFC 5689 §3.3: a failed extended MKCOL answers with the property statuses.
Response MkcolFailure(const MkcolRequest& request, int failing_status) {
  std::string out;
  XmlWriter xml(&out);
  xml.StartDocumentRoot(kDavNs, "mkcol-response");
  auto propstat = [&](const XmlElement* property, int status) {
    StartPropstat(xml);
    xml.Empty(property->ns, property->name);
    EndPropstat(xml, status);
  };
  if (request.resourcetype) propstat(request.resourcetype, request.plain_collection ? 424 : failing_status);
  for (const XmlElement* property : request.properties) {
    bool protected_property = FindLiveProperty(property->ns, property->name) != nullptr;
    propstat(property, protected_property ? failing_status : 424);
  }
  xml.End();
  out += '\n';
  return Response::Xml(403, std::move(out));
}

}  // namespace

Response HandleMkcol(const RequestContext& context, const Location& location) {
  if (location.IsVirtual() || location.IsHome()) {
    return ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "the collection exists"));
  }
  MkcolRequest mkcol;
  if (!context.request.body.empty()) {
    const std::string* type = context.request.FindHeader("Content-Type");
    size_t first = context.request.body.find_first_not_of(" \t\r\n");
    bool looks_like_xml = first != std::string::npos && context.request.body[first] == '<';
    bool xml_body = type ? type->find("xml") != std::string::npos : looks_like_xml;
    if (!xml_body) {
      // RFC 4918 §9.3: a body the server does not understand is 415.
      return ErrorResponse(base::Status(base::Code::kUnsupportedMediaType, "MKCOL body not understood"));
    }
    auto body = ParseXmlBody(context);
    if (!body.ok()) return ErrorResponse(body.status());
    auto parsed = ReadExtendedMkcol(body.value());
    if (!parsed.ok()) return ErrorResponse(parsed.status());
    mkcol = std::move(parsed.value());
  }
  auto submitted = ReadSubmittedConditions(context.request);
  if (!submitted.ok()) return ErrorResponse(submitted.status());

  storage::Transaction tx = BeginWrite(context);
  auto parent = storage::FindResourceForUpdate(tx, location.ParentStoragePath());
  if (!parent) return ErrorResponse(base::Status(base::Code::kConflict, "the parent collection does not exist"));
  if (storage::FindResource(tx, location.StoragePath())) {
    return ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "something exists here already"));
  }
  base::Status holds = CanHoldCollection(*parent);
  if (!holds.ok()) return ErrorResponse(holds);
  if (!mkcol.plain_collection) {
    return MkcolFailure(mkcol, 403);  // RFC 5689 §3.1: valid-resourcetype
  }
  for (const XmlElement* property : mkcol.properties) {
    if (FindLiveProperty(property->ns, property->name)) return MkcolFailure(mkcol, 403);
  }
  base::Status allowed = CheckWrite(tx, context, location, std::nullopt, LockScope::kMember,
                                    submitted.value());
  if (!allowed.ok()) return ErrorResponse(allowed);

  storage::NewResource resource;
  resource.owner_id = context.principal.id;
  resource.parent_id = parent->id;
  resource.path = location.StoragePath();
  resource.name = location.rest.back();
  resource.kind = storage::ResourceKind::kCollection;
  resource.is_collection = true;
  storage::Resource created = storage::InsertResource(tx, resource);
  for (const XmlElement* property : mkcol.properties) {
    storage::SetDeadProperty(tx, created.id,
                             storage::DeadProperty{property->ns, property->name, SerializeXml(*property)});
  }
  storage::TouchResource(tx, parent->id);
  tx.Commit();
  Response response = Response::Empty(201);
  response.SetHeader("Cache-Control", "no-cache");
  return response;
}

}  // namespace dav
