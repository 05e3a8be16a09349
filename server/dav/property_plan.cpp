#include "server/dav/property_plan.h"

#include <set>

#include "server/dav/errors.h"

namespace dav {
namespace {

const storage::DeadProperty* FindDead(const std::vector<storage::DeadProperty>* dead,
                                      const QName& name) {
  if (!dead) return nullptr;
  for (const storage::DeadProperty& property : *dead) {
    if (property.ns == name.ns && property.name == name.name) return &property;
  }
  return nullptr;
}

void WriteLive(XmlWriter& xml, const PropertyContext& context, const Node& node,
               const LiveProperty& live) {
  xml.Start(live.ns, live.name);
  live.write(context, node, xml);
  xml.End();
}

}  // namespace

std::vector<QName> PropNames(const XmlElement& prop) {
  std::vector<QName> names;
  for (const XmlElement& child : prop.children) names.push_back({child.ns, child.name});
  return names;
}

base::Result<PropertyRequest> ParsePropfindBody(const std::string& body, const DavConfig& config) {
  PropertyRequest request;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return request;  // RFC 4918 §9.1
  auto root = ParseXml(body, XmlLimits{config.max_xml_depth, config.max_xml_elements});
  if (!root.ok()) return root.status();
  if (!root->Is(kDavNs, "propfind")) {
    return base::Status(base::Code::kBadRequest, "the body is not a DAV:propfind element");
  }
  const XmlElement* chosen = nullptr;
  for (const XmlElement& child : root->children) {
    if (child.ns != kDavNs) continue;
    if (child.name == "prop" || child.name == "allprop" || child.name == "propname") {
      if (chosen) return base::Status(base::Code::kBadRequest, "propfind has more than one mode");
      chosen = &child;
    }
  }
  if (!chosen) return base::Status(base::Code::kBadRequest, "propfind needs prop, allprop or propname");
  if (chosen->name == "prop") {
    request.mode = PropertyRequest::Mode::kProp;
    request.names = PropNames(*chosen);
  } else if (chosen->name == "propname") {
    request.mode = PropertyRequest::Mode::kPropName;
  } else {
    request.mode = PropertyRequest::Mode::kAllProp;
    if (const XmlElement* include = root->Child(kDavNs, "include")) {
      request.names = PropNames(*include);
    }
  }
  return request;
}

PropertyPlan::PropertyPlan(PropertyRequest request, bool minimal)
    : mode_(request.mode), minimal_(minimal) {
  std::set<QName> seen;
  for (QName& name : request.names) {
    if (!seen.insert(name).second) continue;  // a name asked twice is answered once
    const LiveProperty* live = FindLiveProperty(name.ns, name.name);
    if (!live) needs_dead_ = true;
    if (live && live->needs_locks) needs_locks_ = true;
    entries_.push_back({std::move(name), live});
  }
  if (mode_ != PropertyRequest::Mode::kProp) {
    needs_dead_ = true;
    if (mode_ == PropertyRequest::Mode::kAllProp) needs_locks_ = true;
  }
}

void StartPropstat(XmlWriter& xml) {
  xml.Start(kDavNs, "propstat");
  xml.Start(kDavNs, "prop");
}

void EndPropstat(XmlWriter& xml, int status) {
  xml.End();  // prop
  xml.TextElement(kDavNs, "status", StatusLine(status));
  xml.End();  // propstat
}

void PropertyPlan::WriteResponse(XmlWriter& xml, const PropertyContext& context, const Node& node,
                                 const std::vector<storage::DeadProperty>* dead) const {
  xml.Start(kDavNs, "response");
  xml.TextElement(kDavNs, "href", node.href);
  if (mode_ == PropertyRequest::Mode::kAllProp) {
    WriteAllProp(xml, context, node, dead);
  } else if (mode_ == PropertyRequest::Mode::kPropName) {
    WritePropName(xml, node, dead);
  } else {
    // Two passes over the plan: found properties (200), then the rest (404).
    bool any_found = false;
    bool any_missing = false;
    for (const Entry& entry : entries_) {
      bool found = entry.live ? entry.live->applies(node) : FindDead(dead, entry.name) != nullptr;
      (found ? any_found : any_missing) = true;
    }
    bool write_missing = any_missing && !minimal_;
    if (any_found || !write_missing) {  // a response always has a propstat
      StartPropstat(xml);
      for (const Entry& entry : entries_) {
        if (entry.live) {
          if (entry.live->applies(node)) WriteLive(xml, context, node, *entry.live);
        } else if (const storage::DeadProperty* property = FindDead(dead, entry.name)) {
          xml.Raw(property->xml);
        }
      }
      EndPropstat(xml, 200);
    }
    if (write_missing) {
      StartPropstat(xml);
      for (const Entry& entry : entries_) {
        bool found = entry.live ? entry.live->applies(node) : FindDead(dead, entry.name) != nullptr;
        if (!found) xml.Empty(entry.name.ns, entry.name.name);
      }
      EndPropstat(xml, 404);
    }
  }
  xml.End();  // response
}

void PropertyPlan::WriteAllProp(XmlWriter& xml, const PropertyContext& context, const Node& node,
                                const std::vector<storage::DeadProperty>* dead) const {
  StartPropstat(xml);
  std::set<QName> written;
  for (const LiveProperty& live : LiveProperties()) {
    if (live.in_allprop && live.applies(node)) {
      WriteLive(xml, context, node, live);
      written.insert({std::string(live.ns), std::string(live.name)});
    }
  }
  if (dead) {
    for (const storage::DeadProperty& property : *dead) {
      xml.Raw(property.xml);
      written.insert({property.ns, property.name});
    }
  }
  std::vector<const Entry*> missing;
  for (const Entry& entry : entries_) {  // DAV:include
    if (written.count(entry.name)) continue;
    if (entry.live && entry.live->applies(node)) {
      WriteLive(xml, context, node, *entry.live);
    } else {
      missing.push_back(&entry);
    }
  }
  EndPropstat(xml, 200);
  if (!missing.empty() && !minimal_) {
    StartPropstat(xml);
    for (const Entry* entry : missing) xml.Empty(entry->name.ns, entry->name.name);
    EndPropstat(xml, 404);
  }
}

void PropertyPlan::WritePropName(XmlWriter& xml, const Node& node,
                                 const std::vector<storage::DeadProperty>* dead) const {
  StartPropstat(xml);
  for (const LiveProperty& live : LiveProperties()) {
    if (live.applies(node)) xml.Empty(live.ns, live.name);
  }
  if (dead) {
    for (const storage::DeadProperty& property : *dead) xml.Empty(property.ns, property.name);
  }
  EndPropstat(xml, 200);
}

}  // namespace dav
