// REPORT types (RFC 3253 §3.6). Each protocol module contributes its
// reports; reports.cpp lists them in one place, and DAV:supported-report-set
// is computed from that list.
#pragma once

#include <string_view>
#include <vector>

#include "server/dav/context.h"
#include "server/dav/node.h"
#include "server/dav/response.h"
#include "server/dav/xml_reader.h"
#include "storage/database.h"

namespace dav {

struct ReportType {
  std::string_view ns;
  std::string_view name;
  bool (*applies)(const Node& node);
  // Runs the report; `tx` is a snapshot in which `node` was resolved.
  Response (*run)(const RequestContext& context, storage::Transaction tx, Node node,
                  const XmlElement& body);
};

const std::vector<ReportType>& Reports();
const ReportType* FindReport(std::string_view ns, std::string_view name);

}  // namespace dav
