// The WebDAV layer's entry point: resolves the path, checks that it lies in
// the caller's own area, and runs the method's handler (methods.h). The
// method table in dav_service.cpp is the list of supported methods.
#pragma once

#include <string_view>

#include "server/dav/context.h"
#include "server/dav/response.h"

namespace storage {
class Database;
}

namespace dav {

class DavService {
 public:
  DavService(storage::Database& db, DavConfig config) : db_(db), config_(config) {}

  // Thread-safe. `principal` is the authenticated account; OPTIONS may be
  // called with an anonymous principal (id 0). Throws only on bugs or
  // unexpected database failures (the caller answers 500); expected
  // failures, including an unavailable database (503), are responses.
  Response Handle(const Request& request, const Principal& principal) const;

  const DavConfig& config() const { return config_; }

  // The largest body a request may carry (server/http answers 413 beyond
  // it before reading): file uploads may be large, XML bodies may not.
  size_t MaxBodySize(std::string_view method, const DecodedPath& path) const;

 private:
  storage::Database& db_;
  DavConfig config_;
};

}  // namespace dav
