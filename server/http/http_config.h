// Settings of the HTTP transport (see README "Configuration").
#pragma once

#include <string>
#include <vector>

namespace http {

struct HttpConfig {
  std::vector<std::string> listen{"localhost:8008"};  // HOST:PORT, [IPv6]:PORT
  int max_threads = 64;          // requests served at once (thread per connection)
  int max_queued = 64;           // accepted connections waiting for a thread
  int keepalive_timeout_seconds = 15;
  int request_timeout_seconds = 60;  // per receive/send on a socket
  std::string realm = "Almanac";
  std::string server_header = "Almanac";
};

}  // namespace http
