// The Poco request handler: turns a Poco request into a dav::Request
// (bounded body, authenticated account), routes it, sends the dav::Response
// (chunked and gzip-compressed when streamed), and writes the access log.
//
// Poco traps handled here (STACK_NOTES §2): every request body is read or the
// connection is closed; a body is read only when Content-Length or chunked
// encoding announces one; an exception before send() becomes a 500 with the
// request id instead of a silently dropped connection.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "server/http/http_config.h"

namespace auth {
class Authenticator;
}
namespace dav {
class DavService;
}

namespace http {

struct ServerState {
  const dav::DavService& dav;
  auth::Authenticator& authenticator;
  HttpConfig config;
};

class RequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestHandlerFactory(ServerState& state) : state_(state) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  ServerState& state_;
};

}  // namespace http
