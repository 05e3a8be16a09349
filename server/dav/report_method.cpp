// REPORT (RFC 3253 §3.6): dispatches on the root element to the reports
// that apply to the target; any other report is 403 DAV:supported-report.
#include "server/dav/errors.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/names.h"
#include "server/dav/reports.h"

namespace dav {

Response HandleReport(const RequestContext& context, const Location& location) {
  auto body = ParseXmlBody(context);
  if (!body.ok()) return ErrorResponse(body.status());
  const XmlElement& root = body.value();
  const ReportType* report = FindReport(root.ns, root.name);
  storage::Transaction tx = context.db.Begin(storage::TxMode::kReadOnlySnapshot);
  std::optional<Node> node = ResolveNode(tx, location);
  if (!node) return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));
  if (!report || !report->applies(*node)) {
    return ErrorResponse(base::Status(base::Code::kForbidden, "this report is not supported here",
                                      base::Condition{std::string(kDavNs), "supported-report", ""}));
  }
  return report->run(context, std::move(tx), std::move(*node), root);
}

}  // namespace dav
