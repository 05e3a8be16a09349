// The one table from expected outcomes (base::Status) to HTTP: status code,
// reason phrase and, where the RFC defines one, the precondition element in
// a DAV:error body (RFC 4918 §16).
#pragma once

#include <string>
#include <string_view>

#include "server/base/status.h"
#include "server/dav/response.h"

namespace dav {

int HttpStatusOf(base::Code code);
std::string_view ReasonPhrase(int status);
// "HTTP/1.1 404 Not Found", as used in multistatus <D:status>.
std::string StatusLine(int status);

Response ErrorResponse(const base::Status& status);

// A Condition whose content is one <D:href>.
base::Condition ConditionWithHref(std::string_view ns, std::string_view name,
                                  std::string_view href);

}  // namespace dav
