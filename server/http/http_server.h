// The HTTP server: one Poco HTTPServer per listen address, sharing one thread
// pool sized from the configuration (Poco's default pool is capped at 16,
// STACK_NOTES §2).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/http/http_config.h"

namespace auth {
class Authenticator;
}
namespace dav {
class DavService;
}

namespace http {

class HttpServer {
 public:
  HttpServer(const HttpConfig& config, const dav::DavService& dav, auth::Authenticator& authenticator);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds every listen address and starts serving. Throws std::runtime_error
  // naming the address that failed.
  void Start();

  // Stops accepting, lets requests in progress finish, and closes idle
  // keep-alive connections. Idempotent.
  void Stop();

  // "http://127.0.0.1:8008" for each bound socket (the actual port when 0 was asked).
  std::vector<std::string> BoundUrls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace http
