#include "server/dav/dav_service.h"

#include <algorithm>
#include <string_view>

#include "server/base/log.h"
#include "server/dav/errors.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "storage/db_error.h"

namespace dav {
namespace {

struct MethodEntry {
  std::string_view name;
  Response (*handle)(const RequestContext&, const Location&);
  // Writes run again when PostgreSQL reports a unique violation (a
  // concurrent creation) or a deadlock: the retry sees the winner's row.
  bool retry;
};

constexpr MethodEntry kMethods[] = {
    {"OPTIONS", HandleOptions, false},    // RFC 4918 §10.1
    {"PROPFIND", HandlePropfind, false},  // RFC 4918 §9.1
    {"PROPPATCH", HandleProppatch, true}, // RFC 4918 §9.2
    {"GET", HandleGet, false},            // RFC 4918 §9.4
    {"HEAD", HandleGet, false},
    {"PUT", HandlePut, true},             // RFC 4918 §9.7
    {"DELETE", HandleDelete, true},       // RFC 4918 §9.6
    {"MKCOL", HandleMkcol, true},         // RFC 4918 §9.3, RFC 5689
    {"COPY", HandleCopy, true},           // RFC 4918 §9.8
    {"MOVE", HandleMove, true},           // RFC 4918 §9.9
    {"LOCK", HandleLock, true},           // RFC 4918 §9.10
    {"UNLOCK", HandleUnlock, true},       // RFC 4918 §9.11
    {"REPORT", HandleReport, false},      // RFC 3253 §3.6
};

// Methods HTTP or WebDAV extensions define that this server does not offer:
// 405 with Allow (RFC 7231 §6.5.5); anything else is 501.
constexpr std::string_view kKnownUnsupported[] = {"POST", "PATCH", "TRACE", "CONNECT", "ACL",
                                                  "MKCALENDAR", "SEARCH", "BIND", "UNBIND"};

constexpr int kAttempts = 3;

Response Unavailable(const std::string& why) {
  Response response = ErrorResponse(base::Status(base::Code::kUnavailable, "the database is unavailable"));
  response.SetHeader("Retry-After", "5");
  base::LogWarning("database unavailable: " + why);
  return response;
}

}  // namespace

size_t DavService::MaxBodySize(std::string_view method, const DecodedPath& path) const {
  std::optional<Location> location = Locate(path);
  if (method == "PUT" && location && location->area == Area::kFiles) {
    return std::max(config_.max_file_size, config_.max_xml_body);
  }
  return config_.max_xml_body;
}

Response DavService::Handle(const Request& request, const Principal& principal) const {
  std::optional<Location> location = Locate(request.path);
  if (!location) return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));

  const MethodEntry* entry = nullptr;
  for (const MethodEntry& candidate : kMethods) {
    if (candidate.name == request.method) entry = &candidate;
  }
  if (!entry) {
    for (std::string_view known : kKnownUnsupported) {
      if (known == request.method) {
        Response response = ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "method not allowed here"));
        response.SetHeader("Allow", AllowedMethods(*location, true, location->IsVirtual()));
        return response;
      }
    }
    return ErrorResponse(base::Status(base::Code::kNotImplemented, "unknown method"));
  }

  RequestContext context{request, principal, db_, config_};
  if (entry->handle != HandleOptions) {
    base::Status own = CheckOwnArea(context, *location);
    if (!own.ok()) return ErrorResponse(own);
  }
  for (int attempt = 1;; ++attempt) {
    try {
      return entry->handle(context, *location);
    } catch (const storage::DbError& error) {
      switch (error.kind()) {
        case storage::DbError::Kind::kUnavailable:
          return Unavailable(error.what());
        case storage::DbError::Kind::kConflict:
        case storage::DbError::Kind::kRetry:
          if (entry->retry && attempt < kAttempts) continue;
          if (error.kind() == storage::DbError::Kind::kConflict) {
            return ErrorResponse(base::Status(base::Code::kConflict, "a concurrent change conflicted"));
          }
          return Unavailable(error.what());
        case storage::DbError::Kind::kInternal:
          throw;
      }
      throw;
    }
  }
}

}  // namespace dav
