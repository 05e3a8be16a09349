// PROPPATCH (RFC 4918 §9.2): set and remove dead properties, in document
// order, all or nothing. A protected (live) property fails with 403
// DAV:cannot-modify-protected-property and every other one with 424.
#include <map>

#include "server/dav/dead_property.h"
#include "server/dav/errors.h"
#include "server/dav/live_properties.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/names.h"
#include "server/dav/property_plan.h"
#include "server/dav/write_checks.h"
#include "storage/property_store.h"

namespace dav {
namespace {

struct Instruction {
  bool remove = false;
  const XmlElement* property = nullptr;
  std::string lang;  // xml:lang in scope at the property
};

base::Result<std::vector<Instruction>> ReadInstructions(const XmlElement& root) {
  if (!root.Is(kDavNs, "propertyupdate")) {
    return base::Status(base::Code::kBadRequest, "the body is not a DAV:propertyupdate element");
  }
  std::vector<Instruction> instructions;
  const std::string root_lang = LangInScope(root, "");
  for (const XmlElement& action : root.children) {
    if (action.ns != kDavNs || (action.name != "set" && action.name != "remove")) continue;
    const XmlElement* prop = action.Child(kDavNs, "prop");
    if (!prop) return base::Status(base::Code::kBadRequest, "set/remove without DAV:prop");
    const std::string lang = LangInScope(*prop, LangInScope(action, root_lang));
    for (const XmlElement& property : prop->children) {
      instructions.push_back({action.name == "remove", &property, lang});
    }
  }
  if (instructions.empty()) {
    return base::Status(base::Code::kBadRequest, "propertyupdate names no property");
  }
  return instructions;
}

}  // namespace

Response HandleProppatch(const RequestContext& context, const Location& location) {
  auto body = ParseXmlBody(context);
  if (!body.ok()) return ErrorResponse(body.status());
  auto instructions = ReadInstructions(body.value());
  if (!instructions.ok()) return ErrorResponse(instructions.status());
  auto submitted = ReadSubmittedConditions(context.request);
  if (!submitted.ok()) return ErrorResponse(submitted.status());

  storage::Transaction tx = context.db.Begin();
  std::optional<storage::Resource> target;
  if (!location.IsVirtual()) target = storage::FindResourceForUpdate(tx, location.StoragePath());
  if (!location.IsVirtual() && !target) {
    return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));
  }
  base::Status allowed = CheckWrite(tx, context, location, target, LockScope::kResource,
                                    submitted.value());
  if (!allowed.ok()) return ErrorResponse(allowed);

  // Decide every instruction before applying any (all or nothing).
  std::map<QName, int> status_of;  // the last instruction for a name decides its status
  bool failed = false;
  for (const Instruction& instruction : instructions.value()) {
    QName name{instruction.property->ns, instruction.property->name};
    int status = 200;
    if (location.IsVirtual() || FindLiveProperty(name.ns, name.name)) status = 403;
    if (status != 200) failed = true;
    status_of[name] = status;
  }
  if (failed) {
    for (auto& [name, status] : status_of) {
      if (status == 200) status = 424;
    }
  } else {
    for (const Instruction& instruction : instructions.value()) {
      const XmlElement& property = *instruction.property;
      if (instruction.remove) {
        storage::RemoveDeadProperty(tx, target->id, property.ns, property.name);
      } else {
        storage::SetDeadProperty(tx, target->id, ToDeadProperty(property, instruction.lang));
      }
    }
    tx.Commit();
  }

  std::map<int, std::vector<QName>> by_status;
  for (const auto& [name, status] : status_of) by_status[status].push_back(name);
  std::string out;
  XmlWriter xml(&out);
  xml.StartDocumentRoot(kDavNs, "multistatus");
  xml.Start(kDavNs, "response");
  xml.TextElement(kDavNs, "href", location.Href(target ? target->is_collection : true));
  for (const auto& [status, names] : by_status) {
    xml.Start(kDavNs, "propstat");
    xml.Start(kDavNs, "prop");
    for (const QName& name : names) xml.Empty(name.ns, name.name);
    xml.End();
    xml.TextElement(kDavNs, "status", StatusLine(status));
    if (status == 403) {
      xml.Start(kDavNs, "error");
      xml.Empty(kDavNs, "cannot-modify-protected-property");
      xml.End();
    }
    xml.End();
  }
  xml.End();
  xml.End();
  out += '\n';
  return Response::Xml(207, std::move(out));
}

}  // namespace dav
