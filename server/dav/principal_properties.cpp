// Discovery properties of a principal: where its calendars (RFC 4791 §6.2.1)
// and address books (RFC 6352 §7.1.1) live.
#include "server/dav/live_properties.h"
#include "server/dav/location.h"
#include "server/dav/names.h"

namespace dav {
namespace {

bool IsPrincipalNode(const Node& node) { return node.IsPrincipal(); }

std::string HomeHref(const Node& principal, Area area) {
  return HrefOfStoragePath("/" + std::string(AreaSegment(area)) + "/" + principal.resource->name,
                           true);
}

void CalendarHomeSet(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.TextElement(kDavNs, "href", HomeHref(node, Area::kCalendars));
}

void AddressbookHomeSet(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.TextElement(kDavNs, "href", HomeHref(node, Area::kAddressbooks));
}

// RFC 4791 §6.2.1 / RFC 6638 §2.4.1: the principal's own URL identifies it as
// a calendar user until accounts carry e-mail addresses.
void CalendarUserAddressSet(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.TextElement(kDavNs, "href", node.href);
}

}  // namespace

std::vector<LiveProperty> PrincipalProperties() {
  return {
      {kCalDavNs, "calendar-home-set", IsPrincipalNode, CalendarHomeSet},
      {kCalDavNs, "calendar-user-address-set", IsPrincipalNode, CalendarUserAddressSet},
      {kCardDavNs, "addressbook-home-set", IsPrincipalNode, AddressbookHomeSet},
  };
}

}  // namespace dav
