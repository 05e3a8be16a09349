#include "server/dav/errors.h"

#include "server/dav/names.h"
#include "server/dav/xml_writer.h"

namespace dav {

int HttpStatusOf(base::Code code) {
  switch (code) {
    case base::Code::kOk: return 200;
    case base::Code::kBadRequest: return 400;
    case base::Code::kUnauthorized: return 401;
    case base::Code::kForbidden: return 403;
    case base::Code::kNotFound: return 404;
    case base::Code::kMethodNotAllowed: return 405;
    case base::Code::kConflict: return 409;
    case base::Code::kPreconditionFailed: return 412;
    case base::Code::kPayloadTooLarge: return 413;
    case base::Code::kUnsupportedMediaType: return 415;
    case base::Code::kUnprocessable: return 422;
    case base::Code::kLocked: return 423;
    case base::Code::kFailedDependency: return 424;
    case base::Code::kTooManyRequests: return 429;
    case base::Code::kInsufficientStorage: return 507;
    case base::Code::kNotImplemented: return 501;
    case base::Code::kBadGateway: return 502;
    case base::Code::kUnavailable: return 503;
    case base::Code::kInternal: return 500;
  }
  return 500;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 207: return "Multi-Status";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
  }
  return "Unknown";
}

std::string StatusLine(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(ReasonPhrase(status));
}

Response ErrorResponse(const base::Status& status) {
  int code = HttpStatusOf(status.code());
  if (!status.has_condition()) {
    std::string text = status.message().empty() ? std::string(ReasonPhrase(code)) : status.message();
    Response response = Response::Text(code, "text/plain; charset=utf-8", text + "\n");
    response.reason = status.message();
    return response;
  }
  std::string body;
  XmlWriter xml(&body);
  xml.StartDocumentRoot(kDavNs, "error");
  const base::Condition& condition = status.condition();
  xml.Start(condition.ns, condition.name);
  if (!condition.inner_xml.empty()) xml.Raw(condition.inner_xml);
  xml.End();
  if (!status.message().empty()) {
    // A human-readable reason next to the condition (sabre/dav does the same).
    xml.Start(kAlmanacNs, "message");
    xml.Text(status.message());
    xml.End();
  }
  xml.End();
  body += '\n';
  Response response = Response::Xml(code, std::move(body));
  response.reason = status.message();
  return response;
}

base::Condition ConditionWithHref(std::string_view ns, std::string_view name,
                                  std::string_view href) {
  std::string inner = "<D:href>";
  AppendEscapedText(&inner, href);
  inner += "</D:href>";
  return base::Condition{std::string(ns), std::string(name), std::move(inner)};
}

}  // namespace dav
