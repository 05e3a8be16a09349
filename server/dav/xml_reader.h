// Request bodies as a small namespace-aware tree (PROPFIND, PROPPATCH, LOCK,
// MKCOL, REPORT), and the inverse: serialising a subtree as a self-contained
// fragment, which is how PROPPATCH stores dead property values (RFC 4918 §4.3
// and §4.4: a property value is well-formed XML whose namespaces and xml:lang
// must survive storage and retrieval).
//
// The parser is bounded (depth and element count are checked while parsing,
// so an attack body is refused before it is materialised) and refuses every
// DOCTYPE, which rules out external entities and entity expansion bombs
// (RFC 4918 §20.6; STACK_NOTES §3). The text model is ElementTree's: `text`
// is the character data before the first child, `tail` the character data
// after an element's end tag. Comments and processing instructions are
// dropped; CDATA sections become ordinary character data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace dav {

// An attribute. Namespace declarations (xmlns, xmlns:p) are not attributes.
// xml:lang has ns == kXmlNs ("http://www.w3.org/XML/1998/namespace").
struct XmlAttribute {
  std::string ns;  // namespace URI, "" for an unprefixed attribute
  std::string name;
  std::string value;

  bool operator==(const XmlAttribute&) const = default;
};

struct XmlElement {
  std::string ns;                        // namespace URI, "" for none
  std::string name;                      // local name
  std::vector<XmlAttribute> attributes;  // in document order
  std::vector<XmlElement> children;      // element children in document order
  std::string text;                      // character data before the first child
  std::string tail;  // character data after this element's end tag, inside the parent

  bool Is(std::string_view element_ns, std::string_view element_name) const;
  // The first child with that name, or nullptr. The pointer is valid while
  // this element is alive and its children are not modified.
  const XmlElement* Child(std::string_view child_ns, std::string_view child_name) const;
  // All character data inside the element, in document order: text, then
  // each child's AllText() followed by that child's tail. The element's own
  // tail is outside it and not included.
  std::string AllText() const;
  // AllText() without leading and trailing XML white space (space, tab, CR,
  // LF; XML 1.0 §2.3 "S"): what a <D:href> or <C:calendar-data> means.
  std::string TrimmedText() const;
  // The value of the attribute, or nullptr; same validity as Child().
  const std::string* Attribute(std::string_view attribute_ns,
                               std::string_view attribute_name) const;

  bool operator==(const XmlElement&) const = default;
};

struct XmlLimits {
  size_t max_depth = 64;  // the root element has depth 1
  size_t max_elements = 100000;
};

// Parses a request body and returns its root element.
//
// Errors (all base::Code::kBadRequest unless noted; messages carry expat's
// line and column when it knows them):
//   - an empty body, a body that is not UTF-8, or an XML declaration naming an
//     encoding other than UTF-8 or US-ASCII;
//   - malformed XML, unbound prefixes, xmlns:p="" (not allowed in
//     Namespaces in XML 1.0 §5), undefined entities;
//   - any DOCTYPE declaration;
//   - nesting deeper than limits.max_depth;
//   - more than limits.max_elements elements: kPayloadTooLarge.
// The limits and the DOCTYPE check stop the parse where they are hit; the
// rest of the body is not parsed. Never throws for bad input (std::bad_alloc
// may still escape). Recursion in SerializeXml, AllText and the destructor
// is bounded by limits.max_depth, so keep it small. Thread-safe (no shared
// state); `body` need only live for the call.
base::Result<XmlElement> ParseXml(std::string_view body, const XmlLimits& limits = {});

// Serialises `element` and its subtree as a self-contained fragment that can
// be embedded anywhere in a document (XmlWriter::Raw): the fragment's root
// always declares its default namespace (xmlns="…", or xmlns="" when it has
// none), every descendant whose namespace differs from the default in scope
// redeclares it, namespaced attributes get a prefix declared on their own
// element (a0, a1, …), and xml:* attributes use the predefined xml prefix.
// Text is escaped with & < > and CR as &#13;, attribute values also " and
// tab/LF as character references, so ParseXml(SerializeXml(e)) == e for any
// element ParseXml produced (the root's own tail is not written).
// REQUIRES: names are XML NCNames and text contains only XML characters
// (always true for a tree from ParseXml).
std::string SerializeXml(const XmlElement& element);

}  // namespace dav
