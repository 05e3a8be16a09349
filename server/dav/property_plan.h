// Which properties a PROPFIND (or a REPORT's DAV:prop) asks for, resolved
// once per request: every requested name is looked up in the live-property
// registry here, not per row (DESIGN.md "Per-request work is done once").
#pragma once

#include <string>
#include <vector>

#include "server/base/status.h"
#include "server/dav/context.h"
#include "server/dav/live_properties.h"
#include "server/dav/names.h"
#include "server/dav/xml_reader.h"
#include "storage/property_store.h"

namespace dav {

struct PropertyRequest {
  enum class Mode { kProp, kAllProp, kPropName };
  Mode mode = Mode::kAllProp;
  std::vector<QName> names;  // kProp: the names; kAllProp: the DAV:include names
};

// Parses a PROPFIND body (RFC 4918 §14.20); an empty body means allprop.
base::Result<PropertyRequest> ParsePropfindBody(const std::string& body, const DavConfig& config);

// Reads a DAV:prop element's children as names (PROPFIND, REPORTs).
std::vector<QName> PropNames(const XmlElement& prop);

class PropertyPlan {
 public:
  // `minimal`: Prefer: return=minimal / Brief: t (RFC 8144 §2.1) — leave out
  // the 404 propstat.
  PropertyPlan(PropertyRequest request, bool minimal);

  bool NeedsDeadProperties() const { return needs_dead_; }
  bool NeedsLocks() const { return needs_locks_; }

  // Writes one <D:response> for `node`. `dead` holds its dead properties
  // (may be null when !NeedsDeadProperties()).
  void WriteResponse(XmlWriter& xml, const PropertyContext& context, const Node& node,
                     const std::vector<storage::DeadProperty>* dead) const;

 private:
  struct Entry {
    QName name;
    const LiveProperty* live;  // null: a dead property (or unknown)
  };
  void WriteAllProp(XmlWriter& xml, const PropertyContext& context, const Node& node,
                    const std::vector<storage::DeadProperty>* dead) const;
  void WritePropName(XmlWriter& xml, const Node& node,
                     const std::vector<storage::DeadProperty>* dead) const;

  PropertyRequest::Mode mode_;
  std::vector<Entry> entries_;
  bool minimal_;
  bool needs_dead_ = false;
  bool needs_locks_ = false;
};

// Writes <D:propstat><D:prop>…</D:prop><D:status>…</D:status></D:propstat>
// start and end around a callback's property elements.
void StartPropstat(XmlWriter& xml);
void EndPropstat(XmlWriter& xml, int status);

}  // namespace dav
