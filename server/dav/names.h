// XML namespaces of the protocols we speak, and qualified names.
#pragma once

#include <string>
#include <string_view>

namespace dav {

inline constexpr std::string_view kDavNs = "DAV:";
inline constexpr std::string_view kCalDavNs = "urn:ietf:params:xml:ns:caldav";
inline constexpr std::string_view kCardDavNs = "urn:ietf:params:xml:ns:carddav";
inline constexpr std::string_view kCalendarServerNs = "http://calendarserver.org/ns/";
inline constexpr std::string_view kAppleIcalNs = "http://apple.com/ns/ical/";
inline constexpr std::string_view kAlmanacNs = "urn:x-almanac:ns";
inline constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

struct QName {
  std::string ns;
  std::string name;
  bool operator==(const QName&) const = default;
  bool operator<(const QName& other) const {
    return ns != other.ns ? ns < other.ns : name < other.name;
  }
};

}  // namespace dav
