// One handler per HTTP method (one file each). Each gets the request context
// and the decoded location, and returns a Response; expected failures come
// back as error responses built by ErrorResponse(), never as exceptions.
#pragma once

#include "server/dav/context.h"
#include "server/dav/location.h"
#include "server/dav/response.h"

namespace dav {

Response HandleOptions(const RequestContext& context, const Location& location);
Response HandlePropfind(const RequestContext& context, const Location& location);
Response HandleProppatch(const RequestContext& context, const Location& location);
Response HandleGet(const RequestContext& context, const Location& location);  // GET and HEAD
Response HandlePut(const RequestContext& context, const Location& location);
Response HandleDelete(const RequestContext& context, const Location& location);
Response HandleMkcol(const RequestContext& context, const Location& location);
Response HandleCopy(const RequestContext& context, const Location& location);
Response HandleMove(const RequestContext& context, const Location& location);
Response HandleLock(const RequestContext& context, const Location& location);
Response HandleUnlock(const RequestContext& context, const Location& location);
Response HandleReport(const RequestContext& context, const Location& location);

// The methods a location allows (RFC 7231 §7.4.1 Allow), for OPTIONS and 405.
std::string AllowedMethods(const Location& location, bool exists, bool is_collection);

}  // namespace dav
