#include "server/http/request_handler.h"

#include <Poco/CountingStream.h>
#include <Poco/DeflatingStream.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>

#include <sstream>

#include "server/auth/authenticator.h"
#include "server/base/log.h"
#include "server/base/random.h"
#include "server/base/strings.h"
#include "server/dav/dav_service.h"
#include "server/dav/errors.h"
#include "server/http/access_log.h"

namespace http {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Bodies up to this size are read and dropped when a request is refused
// before its body was needed, to keep the connection usable; larger ones
// close the connection instead.
constexpr std::streamsize kDrainLimit = 64 * 1024;
constexpr size_t kGzipMinimum = 1024;

bool HasBody(const HTTPServerRequest& request) {
  return request.hasContentLength() || request.getChunkedTransferEncoding();
}

void DiscardBody(HTTPServerRequest& request, HTTPServerResponse& response) {
  if (!HasBody(request)) return;
  if (request.hasContentLength() && request.getContentLength64() <= kDrainLimit) {
    request.stream().ignore(kDrainLimit + 1);
    return;
  }
  response.setKeepAlive(false);
}

bool AcceptsGzip(const HTTPServerRequest& request) {
  const std::string& accept = request.get("Accept-Encoding", "");
  for (std::string_view coding : base::Split(accept, ',')) {
    coding = base::Trim(coding);
    if (base::AsciiIStartsWith(coding, "gzip") &&
        coding.find("q=0") == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::string Gzip(const std::string& data) {
  std::ostringstream out;
  Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
  deflate.write(data.data(), static_cast<std::streamsize>(data.size()));
  deflate.close();
  return out.str();
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RequestHandler(ServerState& state) : state_(state) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    record_.started = std::chrono::steady_clock::now();
    record_.method = request.getMethod();
    record_.target = request.getURI();
    record_.user_agent = request.get("User-Agent", "");
    record_.request_id = base::HexEncode(base::RandomBytes(8));
    record_.client_address = request.clientAddress().host().toString();
    response.set("X-Request-Id", record_.request_id);
    response.set("Server", state_.config.server_header);
    try {
      Route(request, response);
    } catch (const Poco::Net::NetException& e) {
      // The client went away mid-response; nothing more can be sent.
      response.setKeepAlive(false);
      base::LogInfo("request " + record_.request_id + ": connection lost: " + e.displayText());
      if (record_.status == 0) record_.status = 499;
    } catch (const std::exception& e) {
      Fail(request, response, e.what());
    } catch (...) {
      Fail(request, response, "unknown exception");
    }
    base::LogAccess(FormatAccessLine(record_));
  }

 private:
  void Fail(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& what) {
    base::LogError("request " + record_.request_id + " (" + record_.method + " " + record_.target +
                   ") failed: " + what);
    response.setKeepAlive(false);
    if (response.sent()) return;  // mid-stream: the chunked body ends short
    (void)request;
    dav::Response error = dav::Response::Text(
        500, "text/plain; charset=utf-8",
        "Internal server error. Request id: " + record_.request_id + "\n");
    Send(request, response, error);
  }

  void Route(HTTPServerRequest& request, HTTPServerResponse& response) {
    auto path = dav::DecodePath(request.getURI());
    if (!path.ok()) {
      DiscardBody(request, response);
      return Send(request, response, dav::ErrorResponse(path.status()));
    }
    const std::vector<std::string>& segments = path->segments;
    // RFC 6764 §5: the well-known URIs point at the DAV root.
    if (segments.size() == 2 && segments[0] == ".well-known" &&
        (segments[1] == "caldav" || segments[1] == "carddav")) {
      DiscardBody(request, response);
      dav::Response redirect = dav::Response::Empty(301);
      redirect.SetHeader("Location", "/dav/");
      return Send(request, response, redirect);
    }
    bool dav_path = !segments.empty() && segments[0] == "dav";
    bool root_discovery = segments.empty() && (request.getMethod() == "PROPFIND" ||
                                                request.getMethod() == "OPTIONS");
    if (dav_path || root_discovery) return ServeDav(request, response, std::move(path.value()));
    DiscardBody(request, response);
    if (segments.empty() && (request.getMethod() == "GET" || request.getMethod() == "HEAD")) {
      return Send(request, response,
                  dav::Response::Text(200, "text/html; charset=utf-8",
                                      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                      "<title>Almanac</title></head><body><h1>Almanac</h1>"
                                      "<p>CalDAV and CardDAV server. Give your client this "
                                      "server's address; it finds its way from "
                                      "<code>/.well-known/caldav</code>.</p></body></html>\n"));
    }
    Send(request, response, dav::ErrorResponse(base::Status(base::Code::kNotFound, "not found")));
  }

  void ServeDav(HTTPServerRequest& request, HTTPServerResponse& response, dav::DecodedPath path) {
    dav::Principal principal;
    const std::string& authorization = request.get("Authorization", "");
    bool anonymous_options = authorization.empty() && request.getMethod() == "OPTIONS";
    if (!anonymous_options) {
      auth::AuthResult result = state_.authenticator.Authenticate(authorization, record_.client_address);
      if (result.outcome != auth::AuthResult::Outcome::kOk) {
        DiscardBody(request, response);
        return Send(request, response, Refusal(result));
      }
      principal = dav::Principal{result.account_id, result.account_name, result.is_admin};
      record_.account = principal.name;
    }

    dav::Request dav_request;
    size_t limit = state_.dav.MaxBodySize(request.getMethod(), path);
    if (HasBody(request)) {
      if (request.hasContentLength() &&
          request.getContentLength64() > static_cast<Poco::Int64>(limit)) {
        response.setKeepAlive(false);  // the body stays unread
        return Send(request, response,
                    dav::ErrorResponse(base::Status(base::Code::kPayloadTooLarge,
                                                    "the request body is larger than the limit")));
      }
      std::istream& in = request.stream();
      char buffer[16384];
      while (in) {
        in.read(buffer, sizeof buffer);
        dav_request.body.append(buffer, static_cast<size_t>(in.gcount()));
        if (dav_request.body.size() > limit) {
          response.setKeepAlive(false);
          return Send(request, response,
                      dav::ErrorResponse(base::Status(base::Code::kPayloadTooLarge,
                                                      "the request body is larger than the limit")));
        }
      }
    }
    dav_request.method = request.getMethod();
    dav_request.target = request.getURI();
    dav_request.path = std::move(path);
    for (const auto& [name, value] : request) {
      if (base::AsciiIEquals(name, "Authorization")) continue;
      dav_request.headers.push_back({name, value});
    }
    dav_request.request_id = record_.request_id;
    dav_request.client_address = record_.client_address;
    Send(request, response, state_.dav.Handle(dav_request, principal));
  }

  dav::Response Refusal(const auth::AuthResult& result) {
    using Outcome = auth::AuthResult::Outcome;
    if (result.outcome == Outcome::kThrottled) {
      dav::Response response = dav::ErrorResponse(
          base::Status(base::Code::kTooManyRequests, "too many failed logins; try again later"));
      response.SetHeader("Retry-After", std::to_string(result.retry_after_seconds));
      return response;
    }
    if (result.outcome == Outcome::kUnavailable) {
      dav::Response response = dav::ErrorResponse(
          base::Status(base::Code::kUnavailable, "the database is unavailable"));
      response.SetHeader("Retry-After", "5");
      return response;
    }
    dav::Response response = dav::ErrorResponse(
        base::Status(base::Code::kUnauthorized, "authentication required"));
    response.SetHeader("WWW-Authenticate",
                       "Basic realm=\"" + state_.config.realm + "\", charset=\"UTF-8\"");
    return response;
  }

  void Send(HTTPServerRequest& request, HTTPServerResponse& response, const dav::Response& out) {
    record_.status = out.status;
    record_.reason = out.reason;
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status),
                                std::string(dav::ReasonPhrase(out.status)));
    const std::string* explicit_length = nullptr;
    for (const dav::Header& header : out.headers) {
      if (base::AsciiIEquals(header.name, "Content-Length")) {
        explicit_length = &header.value;
        continue;
      }
      response.set(header.name, header.value);
    }
    bool gzip = out.compressible && AcceptsGzip(request);
    if (out.compressible) response.set("Vary", "Accept-Encoding");
    bool head = request.getMethod() == "HEAD";

    if (out.stream) {
      response.setChunkedTransferEncoding(true);
      if (gzip) response.set("Content-Encoding", "gzip");
      std::ostream& raw = response.send();
      if (head) return;
      Poco::CountingOutputStream counter(raw);
      if (gzip) {
        Poco::DeflatingOutputStream deflate(counter, Poco::DeflatingStreamBuf::STREAM_GZIP, 1);
        out.stream->Write(deflate);
        deflate.close();
      } else {
        out.stream->Write(counter);
      }
      counter.flush();
      record_.bytes = static_cast<uint64_t>(counter.chars());
      return;
    }
    if (head && explicit_length) {
      response.setContentLength64(base::ParseNonNegative(*explicit_length).value_or(0));
      response.send();
      return;
    }
    if (gzip && out.body.size() >= kGzipMinimum) {
      std::string compressed = Gzip(out.body);
      response.set("Content-Encoding", "gzip");
      record_.bytes = head ? 0 : compressed.size();
      response.sendBuffer(compressed.data(), compressed.size());
      return;
    }
    record_.bytes = head ? 0 : out.body.size();
    response.sendBuffer(out.body.data(), out.body.size());
  }

  ServerState& state_;
  AccessRecord record_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new RequestHandler(state_);
}

}  // namespace http
