// Per-request context handed to every method handler.
#pragma once

#include <cstdint>
#include <string>

#include "server/dav/request.h"

namespace storage {
class Database;
}

namespace dav {

// The authenticated account making the request.
struct Principal {
  int64_t id = 0;
  std::string name;
  bool is_admin = false;
};

struct DavConfig {
  size_t max_xml_body = 10 << 20;        // PROPFIND, PROPPATCH, LOCK, MKCOL, REPORT bodies
  size_t max_file_size = 100 << 20;      // PUT into the file area
  size_t max_xml_depth = 64;
  size_t max_xml_elements = 100000;
  int64_t max_lock_timeout_seconds = 3600;
  int64_t default_lock_timeout_seconds = 3600;
  int page_size = 500;                   // rows per page of a streamed multistatus
};

struct RequestContext {
  const Request& request;
  const Principal& principal;
  storage::Database& db;
  const DavConfig& config;
};

}  // namespace dav
