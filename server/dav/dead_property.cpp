#include "server/dav/dead_property.h"

#include "server/dav/names.h"

namespace dav {

std::string LangInScope(const XmlElement& element, const std::string& inherited) {
  const std::string* lang = element.Attribute(kXmlNs, "lang");
  return lang ? *lang : inherited;
}

storage::DeadProperty ToDeadProperty(const XmlElement& property, const std::string& inherited_lang) {
  storage::DeadProperty dead{property.ns, property.name, ""};
  if (inherited_lang.empty() || property.Attribute(kXmlNs, "lang")) {
    dead.xml = SerializeXml(property);
  } else {
    XmlElement copy = property;
    copy.attributes.push_back(XmlAttribute{std::string(kXmlNs), "lang", inherited_lang});
    dead.xml = SerializeXml(copy);
  }
  return dead;
}

}  // namespace dav
