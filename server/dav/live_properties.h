// Live properties: computed by the server, never stored as given, always
// protected (PROPPATCH gets 403 DAV:cannot-modify-protected-property).
// Each protocol module contributes a list; property_registry.cpp joins them
// in one place, and that list reads as the feature list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/dav/context.h"
#include "server/dav/node.h"
#include "server/dav/xml_writer.h"
#include "storage/lock_store.h"

namespace dav {

// Per request (and, for `locks`, per node): what property writers may read.
struct PropertyContext {
  Principal principal;
  std::string principal_href;
  const std::vector<storage::Lock>* locks = nullptr;  // locks covering the node being written
};

struct LiveProperty {
  std::string_view ns;
  std::string_view name;
  // Whether the property exists on this node at all (else 404 in PROPFIND).
  bool (*applies)(const Node& node);
  // Writes the value: the content between the property's start and end tags.
  void (*write)(const PropertyContext& context, const Node& node, XmlWriter& xml);
  bool in_allprop = false;   // RFC 4918 §9.1: allprop returns the RFC 4918 live properties
  bool needs_locks = false;  // the writer reads PropertyContext::locks
};

// Every live property, from every module (property_registry.cpp).
const std::vector<LiveProperty>& LiveProperties();
const LiveProperty* FindLiveProperty(std::string_view ns, std::string_view name);

// The module lists.
std::vector<LiveProperty> WebDavProperties();     // RFC 4918, 5397, 3744
std::vector<LiveProperty> PrincipalProperties();  // RFC 4791 / 6352 discovery
std::vector<LiveProperty> ReportProperties();     // RFC 3253 supported-report-set

}  // namespace dav
