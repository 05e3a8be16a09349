// One access-log line per request: method, path, status, bytes, duration,
// user agent, request id, account. Never credentials: the Authorization
// header is not part of the record at all.
#pragma once

#include <chrono>
#include <string>

namespace http {

struct AccessRecord {
  std::string method;
  std::string target;
  int status = 0;
  uint64_t bytes = 0;  // body bytes written to the socket
  std::chrono::steady_clock::time_point started;
  std::string user_agent;
  std::string request_id;
  std::string account;  // "-" when anonymous
  std::string client_address;
  std::string reason;  // why the request failed, when it did
};

std::string FormatAccessLine(const AccessRecord& record);

}  // namespace http
