// MKCOL (RFC 4918 §9.3) and extended MKCOL (RFC 5689): a plain collection in
// the file area, optionally with properties set in the same request.
#include <optional>

#include "server/dav/dead_property.h"
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

// Points into the parsed body, which must outlive it.
struct MkcolRequest {
  struct Property {
    const XmlElement* element;
    std::string lang;  // xml:lang in scope
  };
  std::vector<Property> properties;  // to set, excluding DAV:resourcetype
  bool plain_collection = true;      // resourcetype is exactly <collection/>
  const XmlElement* resourcetype = nullptr;
};

// RFC 5689 §5.1: <D:mkcol><D:set><D:prop>…</D:prop></D:set></D:mkcol>.
base::Result<MkcolRequest> ReadExtendedMkcol(const XmlElement& root) {
  if (!root.Is(kDavNs, "mkcol")) {
    return base::Status(base::Code::kUnsupportedMediaType, "MKCOL bodies must be DAV:mkcol");
  }
  MkcolRequest request;
  const std::string root_lang = LangInScope(root, "");
  for (const XmlElement& set : root.children) {
    if (!set.Is(kDavNs, "set")) continue;
    const XmlElement* prop = set.Child(kDavNs, "prop");
    if (!prop) return base::Status(base::Code::kBadRequest, "DAV:set without DAV:prop");
    const std::string lang = LangInScope(*prop, LangInScope(set, root_lang));
    for (const XmlElement& property : prop->children) {
      if (property.Is(kDavNs, "resourcetype")) {
        request.resourcetype = &property;
        for (const XmlElement& type : property.children) {
          if (!type.Is(kDavNs, "collection")) request.plain_collection = false;
        }
      } else {
        request.properties.push_back({&property, lang});
      }
    }
  }
  return request;
}

// RFC 5689 §3.3: a failed extended MKCOL answers with the property statuses;
// the property that failed names its precondition (RFC 4918 §16).
Response MkcolFailure(const MkcolRequest& request) {
  std::string out;
  XmlWriter xml(&out);
  xml.StartDocumentRoot(kDavNs, "mkcol-response");
  auto propstat = [&](const XmlElement& property, std::string_view condition) {
    StartPropstat(xml);
    xml.Empty(property.ns, property.name);
    xml.End();  // prop
    xml.TextElement(kDavNs, "status", StatusLine(condition.empty() ? 424 : 403));
    if (!condition.empty()) {
      xml.Start(kDavNs, "error");
      xml.Empty(kDavNs, condition);
      xml.End();
    }
    xml.End();  // propstat
  };
  if (request.resourcetype) {
    propstat(*request.resourcetype, request.plain_collection ? "" : "valid-resourcetype");
  }
  for (const MkcolRequest::Property& property : request.properties) {
    bool is_protected = FindLiveProperty(property.element->ns, property.element->name) != nullptr;
    propstat(*property.element, is_protected ? "cannot-modify-protected-property" : "");
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
  std::optional<XmlElement> document;  // mkcol points into it
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
    document = std::move(body.value());
    auto parsed = ReadExtendedMkcol(*document);
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
  if (!mkcol.plain_collection) return MkcolFailure(mkcol);
  for (const MkcolRequest::Property& property : mkcol.properties) {
    if (FindLiveProperty(property.element->ns, property.element->name)) return MkcolFailure(mkcol);
  }
  base::Status allowed = CheckWrite(tx, context, location, std::nullopt, LockScope::kMember,
                                    submitted.value());
  if (!allowed.ok()) return ErrorResponse(allowed);

  storage::Resource created =
      CreateMember(tx, context, location, *parent, storage::ResourceKind::kCollection, "", "");
  for (const MkcolRequest::Property& property : mkcol.properties) {
    storage::SetDeadProperty(tx, created.id, ToDeadProperty(*property.element, property.lang));
  }
  tx.Commit();
  Response response = Response::Empty(201);
  response.SetHeader("Cache-Control", "no-cache");
  return response;
}

}  // namespace dav
