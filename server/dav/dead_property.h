// Turning a property element of a request (PROPPATCH, extended MKCOL) into
// the dead property we store: the element serialised as sent, with the
// xml:lang in scope made explicit (RFC 4918 §4.3: the language is part of
// the value, whether it was written on the property or on an ancestor).
#pragma once

#include <string>
#include <string_view>

#include "server/dav/xml_reader.h"
#include "storage/property_store.h"

namespace dav {

// The xml:lang of `element` itself, or `inherited` when it has none.
std::string LangInScope(const XmlElement& element, const std::string& inherited);

storage::DeadProperty ToDeadProperty(const XmlElement& property, const std::string& inherited_lang);

}  // namespace dav
