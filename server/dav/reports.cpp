// The one place where protocol modules register their REPORT types.
#include "server/dav/reports.h"

#include "server/dav/live_properties.h"
#include "server/dav/names.h"

namespace dav {

const std::vector<ReportType>& Reports() {
  static const std::vector<ReportType> kAll = {
      // CalDAV (RFC 4791 §7) and CardDAV (RFC 6352 §8) add theirs here.
  };
  return kAll;
}

const ReportType* FindReport(std::string_view ns, std::string_view name) {
  for (const ReportType& report : Reports()) {
    if (report.ns == ns && report.name == name) return &report;
  }
  return nullptr;
}

namespace {

bool Always(const Node&) { return true; }

// RFC 3253 §3.1.5, with the nesting clients check:
// <D:supported-report><D:report><C:calendar-query/></D:report></D:supported-report>.
void SupportedReportSet(const PropertyContext&, const Node& node, XmlWriter& xml) {
  for (const ReportType& report : Reports()) {
    if (!report.applies(node)) continue;
    xml.Start(kDavNs, "supported-report");
    xml.Start(kDavNs, "report");
    xml.Empty(report.ns, report.name);
    xml.End();
    xml.End();
  }
}

}  // namespace

std::vector<LiveProperty> ReportProperties() {
  return {{kDavNs, "supported-report-set", Always, SupportedReportSet}};
}

}  // namespace dav
