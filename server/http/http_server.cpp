#include "server/http/http_server.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <stdexcept>

#include "server/base/log.h"
#include "server/http/request_handler.h"

namespace http {
namespace {

// "localhost:8008", "127.0.0.1:8008", "[::1]:8008", ":8008" (all addresses).
std::vector<Poco::Net::SocketAddress> Resolve(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("listen address needs a port: " + listen);
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") {
    // Loopback only, and never a name lookup that might answer otherwise.
    return {Poco::Net::SocketAddress("127.0.0.1:" + port)};
  }
  if (host.empty()) host = "0.0.0.0";
  return {Poco::Net::SocketAddress(host, port)};
}

}  // namespace

struct HttpServer::Impl {
  HttpConfig config;
  ServerState state;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::vector<std::unique_ptr<Poco::Net::HTTPServer>> servers;
  std::vector<std::string> urls;
  bool stopped = false;
};

HttpServer::HttpServer(const HttpConfig& config, const dav::DavService& dav,
                       auth::Authenticator& authenticator)
    : impl_(new Impl{config, ServerState{dav, authenticator, config}, nullptr, {}, {}, false}) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Start() {
  const HttpConfig& config = impl_->config;
  int listeners = static_cast<int>(config.listen.size());
  impl_->pool = std::make_unique<Poco::ThreadPool>("http", 2, config.max_threads * listeners + 2,
                                                    60);
  for (const std::string& listen : config.listen) {
    for (const Poco::Net::SocketAddress& address : Resolve(listen)) {
      Poco::Net::ServerSocket socket;
      try {
        socket.bind(address, /*reuseAddress=*/true);
        socket.listen(256);
      } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + address.toString() + ": " + e.displayText());
      }
      auto* params = new Poco::Net::HTTPServerParams;  // the server takes ownership
      params->setMaxThreads(config.max_threads);
      params->setMaxQueued(config.max_queued);
      params->setKeepAlive(true);
      params->setKeepAliveTimeout(Poco::Timespan(config.keepalive_timeout_seconds, 0));
      params->setTimeout(Poco::Timespan(config.request_timeout_seconds, 0));
      params->setMaxKeepAliveRequests(0);
      auto server = std::make_unique<Poco::Net::HTTPServer>(
          new RequestHandlerFactory(impl_->state), *impl_->pool, socket, params);
      server->start();
      impl_->urls.push_back("http://" + socket.address().toString());
      base::LogInfo("listening on http://" + socket.address().toString());
      impl_->servers.push_back(std::move(server));
    }
  }
}

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  // stopAll(false): stop accepting; each connection finishes the request it
  // is serving (Poco waits on the connection's mutex), then its socket is
  // shut down, so idle keep-alive connections close at once.
  for (auto& server : impl_->servers) server->stopAll(false);
  if (impl_->pool) impl_->pool->joinAll();
  impl_->servers.clear();
}

std::vector<std::string> HttpServer::BoundUrls() const { return impl_->urls; }

}  // namespace http
