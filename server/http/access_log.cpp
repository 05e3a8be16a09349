#include "server/http/access_log.h"

#include <cstdio>

namespace http {
namespace {

// Quotes a field so that a hostile user agent or path cannot forge a log
// line: control characters and quotes are escaped.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::string FormatAccessLine(const AccessRecord& record) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - record.started)
                    .count();
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1fms", static_cast<double>(micros) / 1000.0);
  std::string line = "access ";
  line += record.client_address.empty() ? "-" : record.client_address;
  line += ' ';
  line += record.account.empty() ? "-" : Quoted(record.account);
  line += ' ';
  line += Quoted(record.method + " " + record.target);
  line += ' ';
  line += std::to_string(record.status);
  line += ' ';
  line += std::to_string(record.bytes);
  line += ' ';
  line += duration;
  line += " id=";
  line += record.request_id;
  line += " ua=";
  line += Quoted(record.user_agent);
  if (!record.reason.empty()) {
    line += " reason=";
    line += Quoted(record.reason);
  }
  return line;
}

}  // namespace http
