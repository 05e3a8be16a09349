#include "server/dav/request.h"

#include "server/base/strings.h"

namespace dav {

const std::string* Request::FindHeader(std::string_view name) const {
  for (const Header& header : headers) {
    if (base::AsciiIEquals(header.name, name)) return &header.value;
  }
  return nullptr;
}

std::string Request::HeaderOr(std::string_view name, std::string_view fallback) const {
  const std::string* value = FindHeader(name);
  return value ? *value : std::string(fallback);
}

}  // namespace dav
