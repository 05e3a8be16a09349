// OPTIONS (RFC 4918 §10.1, §18): the DAV compliance classes and the methods
// a resource allows, on every path, without touching other accounts' data.
#include "server/dav/method_support.h"
#include "server/dav/methods.h"

namespace dav {

// RFC 4918 §18 classes 1-3, RFC 3744 (the read part), RFC 5689. CalDAV and
// CardDAV add "calendar-access" and "addressbook" when they land.
const char kDavComplianceClasses[] = "1, 2, 3, access-control, extended-mkcol";

std::string AllowedMethods(const Location& location, bool exists, bool is_collection) {
  if (location.IsVirtual()) return "OPTIONS, GET, HEAD, PROPFIND, REPORT";
  if (location.area == Area::kPrincipals) return "OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, REPORT";
  if (!exists) return "OPTIONS, PUT, MKCOL, LOCK";
  std::string methods = "OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, REPORT, COPY, MOVE, LOCK, UNLOCK";
  if (!location.IsHome()) methods += ", DELETE";
  if (!is_collection) methods += ", PUT";
  return methods;
}

Response HandleOptions(const RequestContext& context, const Location& location) {
  Response response = Response::Empty(200);
  bool exists = location.IsVirtual();
  bool is_collection = location.IsVirtual();
  if (!location.IsVirtual() && CheckOwnArea(context, location).ok()) {
    storage::Transaction tx = context.db.Begin(storage::TxMode::kReadOnlySnapshot);
    if (auto resource = storage::FindResource(tx, location.StoragePath())) {
      exists = true;
      is_collection = resource->is_collection;
    }
  } else if (!location.IsVirtual()) {
    exists = true;  // say nothing about other accounts
    is_collection = true;
  }
  response.SetHeader("Allow", AllowedMethods(location, exists, is_collection));
  response.SetHeader("DAV", kDavComplianceClasses);
  response.SetHeader("Content-Length", "0");
  return response;
}

}  // namespace dav
