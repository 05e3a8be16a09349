#include "server/dav/response.h"

#include "server/base/strings.h"

namespace dav {

void Response::SetHeader(std::string_view name, std::string_view value) {
  for (Header& header : headers) {
    if (base::AsciiIEquals(header.name, name)) {
      header.value = std::string(value);
      return;
    }
  }
  headers.push_back({std::string(name), std::string(value)});
}

const std::string* Response::FindHeader(std::string_view name) const {
  for (const Header& header : headers) {
    if (base::AsciiIEquals(header.name, name)) return &header.value;
  }
  return nullptr;
}

Response Response::Empty(int status) {
  Response response;
  response.status = status;
  return response;
}

Response Response::Text(int status, std::string_view content_type, std::string body) {
  Response response;
  response.status = status;
  response.SetHeader("Content-Type", content_type);
  response.body = std::move(body);
  return response;
}

Response Response::Xml(int status, std::string body) {
  Response response = Text(status, kXmlContentType, std::move(body));
  response.compressible = true;
  return response;
}

}  // namespace dav
