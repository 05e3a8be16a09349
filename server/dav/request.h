// The request as the WebDAV layer sees it: an immutable value built by
// server/http (which owns the socket, the body limits and authentication).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/dav/path.h"

namespace dav {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;          // as sent (case-sensitive, RFC 7230 §3.1.1)
  std::string target;          // the raw request-target
  DecodedPath path;            // decoded; see path.h
  std::vector<Header> headers;
  std::string body;            // the whole body (bounded by server/http)
  std::string request_id;
  std::string client_address;

  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
  std::string HeaderOr(std::string_view name, std::string_view fallback) const;
};

}  // namespace dav
