#include "server/dav/xml_reader.h"

#include <algorithm>
#include <exception>
#include <istream>
#include <streambuf>
#include <utility>

#include "Poco/Exception.h"
#include "Poco/SAX/Attributes.h"
#include "Poco/SAX/ContentHandler.h"
#include "Poco/SAX/InputSource.h"
#include "Poco/SAX/LexicalHandler.h"
#include "Poco/SAX/Locator.h"
#include "Poco/SAX/SAXException.h"
#include "Poco/SAX/SAXParser.h"
#include "server/base/strings.h"
#include "server/dav/names.h"
#include "server/dav/xml_writer.h"

namespace dav {
namespace {

using Poco::XML::XMLChar;
using Poco::XML::XMLString;

constexpr std::string_view kXmlnsNs = "http://www.w3.org/2000/xmlns/";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Thrown from startDTD only. Other refusals must not throw through expat:
// while the start-element callback runs, expat keeps the namespace bindings
// of an empty element (<a xmlns:x="…"/>) in a local list, which an exception
// leaks. The doctype callback runs before the internal subset is read, with
// nothing but parser-owned pools allocated, so unwinding from it is clean.
// Poco translates only its own XMLException, so this passes through unchanged.
class DoctypeRefused : public std::exception {
 public:
  const char* what() const noexcept override { return "DOCTYPE refused"; }
};

std::string Where(int line, int column) {
  if (line <= 0) return "";
  // The same form as Poco's SAXParseException messages.
  return " in line " + std::to_string(line) + " column " + std::to_string(column);
}

// Builds the tree from SAX events and enforces the limits as elements
// arrive. A refused document stops growing at once; BodyStreamBuf then ends
// the input, so expat reads at most one more block of it.
class TreeBuilder : public Poco::XML::ContentHandler, public Poco::XML::LexicalHandler {
 public:
  explicit TreeBuilder(const XmlLimits& limits) : limits_(limits) {}

  bool failed() const { return failed_; }
  const base::Status& error() const { return error_; }
  XmlElement TakeRoot() { return std::move(root_); }

  // ContentHandler.
  void setDocumentLocator(const Poco::XML::Locator* locator) override { locator_ = locator; }
  void startDocument() override {}
  void endDocument() override {}

  void startElement(const XMLString& uri, const XMLString& local_name, const XMLString&,
                    const Poco::XML::Attributes& attributes) override {
    if (failed_) return;
    if (open_.size() >= limits_.max_depth)
      return Fail(base::Code::kBadRequest, "nested too deeply");
    if (++element_count_ > limits_.max_elements) {
      return Fail(base::Code::kPayloadTooLarge, "too many elements");
    }
    XmlElement* element = &root_;
    if (!open_.empty()) {
      // Only the innermost open element's children grow, so the pointers in
      // open_ (to it and its ancestors) stay valid.
      element = &open_.back()->children.emplace_back();
    }
    element->ns = uri;
    element->name = local_name;
    const int count = attributes.getLength();
    element->attributes.reserve(count > 0 ? static_cast<size_t>(count) : 0);
    for (int index = 0; index < count; ++index) {
      const XMLString& attribute_ns = attributes.getURI(index);
      if (attribute_ns == kXmlnsNs) continue;  // declarations are not attributes
      element->attributes.push_back(
          {attribute_ns, attributes.getLocalName(index), attributes.getValue(index)});
    }
    open_.push_back(element);
  }

  void endElement(const XMLString&, const XMLString&, const XMLString&) override {
    if (!failed_ && !open_.empty()) open_.pop_back();
  }

  // expat splits character data at buffer ends, line ends and entity
  // references, so one run of text arrives in several calls.
  void characters(const XMLChar data[], int start, int length) override {
    if (failed_ || open_.empty() || length <= 0) return;
    XmlElement& innermost = *open_.back();
    std::string& target =
        innermost.children.empty() ? innermost.text : innermost.children.back().tail;
    target.append(data + start, static_cast<size_t>(length));
  }

  void ignorableWhitespace(const XMLChar data[], int start, int length) override {
    characters(data, start, length);
  }
  void processingInstruction(const XMLString&, const XMLString&) override {}
  void startPrefixMapping(const XMLString&, const XMLString&) override {}
  void endPrefixMapping(const XMLString&) override {}
  void skippedEntity(const XMLString& name) override {
    Fail(base::Code::kBadRequest, "undefined entity &" + name + ";");
  }

  // LexicalHandler. Any DOCTYPE is refused as soon as it starts: request
  // bodies never need one, and it is the door to external entities (XXE) and
  // entity expansion ("billion laughs"); STACK_NOTES §3, RFC 4918 §20.6.
  // This one must throw: parsing on to the end of the buffer would expand
  // the entities it declares.
  void startDTD(const XMLString&, const XMLString&, const XMLString&) override {
    Fail(base::Code::kBadRequest, "DOCTYPE is not allowed");
    throw DoctypeRefused();
  }
  void endDTD() override {}
  void startEntity(const XMLString&) override {}
  void endEntity(const XMLString&) override {}
  void startCDATA() override {}
  void endCDATA() override {}
  void comment(const XMLChar[], int, int) override {}

 private:
  void Fail(base::Code code, const std::string& what) {
    if (failed_) return;
    failed_ = true;
    std::string message = "XML request body: " + what;
    if (locator_ != nullptr) {
      message += Where(locator_->getLineNumber(), locator_->getColumnNumber());
    }
    error_ = base::Status(code, std::move(message));
  }

  const XmlLimits& limits_;
  const Poco::XML::Locator* locator_ = nullptr;
  XmlElement root_;
  std::vector<XmlElement*> open_;  // root_ … innermost open element
  size_t element_count_ = 0;
  bool failed_ = false;
  base::Status error_;
};

// Hands the body to Poco in pieces and reports end of input once the
// builder has failed, which is how a refused document stops the parse
// early without throwing through expat (see DoctypeRefused). Read-only.
class BodyStreamBuf : public std::streambuf {
 public:
  BodyStreamBuf(std::string_view body, const TreeBuilder& builder)
      : next_(body.data()), end_(body.data() + body.size()), builder_(builder) {}

 protected:
  int_type underflow() override {
    if (builder_.failed() || next_ == end_) return traits_type::eof();
    const size_t piece = std::min<size_t>(kPieceBytes, static_cast<size_t>(end_ - next_));
    // std::streambuf wants char*; the get area is never written through.
    char* begin = const_cast<char*>(next_);
    setg(begin, begin, begin + piece);
    next_ += piece;
    return traits_type::to_int_type(*begin);
  }

 private:
  // ParserEngine reads in blocks of PARSE_BUFFER_SIZE (4096 in Poco 1.11).
  static constexpr size_t kPieceBytes = 4096;

  const char* next_;
  const char* end_;
  const TreeBuilder& builder_;
};

// The encoding named by the XML declaration (XML 1.0 §2.8, §4.3.3), or ""
// when there is none. A malformed declaration also gives "": expat reports it.
std::string_view DeclaredEncoding(std::string_view body) {
  if (body.starts_with(kUtf8Bom)) body.remove_prefix(kUtf8Bom.size());
  if (!body.starts_with("<?xml") || body.size() < 6 || !IsXmlSpace(body[5])) return {};
  std::string_view declaration = body.substr(0, body.find("?>"));
  size_t pos = declaration.find("encoding");
  if (pos == std::string_view::npos) return {};
  pos += 8;
  while (pos < declaration.size() && IsXmlSpace(declaration[pos])) ++pos;
  if (pos >= declaration.size() || declaration[pos] != '=') return {};
  ++pos;
  while (pos < declaration.size() && IsXmlSpace(declaration[pos])) ++pos;
  if (pos >= declaration.size() || (declaration[pos] != '"' && declaration[pos] != '\'')) {
    return {};
  }
  const char quote = declaration[pos++];
  const size_t end = declaration.find(quote, pos);
  if (end == std::string_view::npos) return {};
  return declaration.substr(pos, end - pos);
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

base::Status CheckEncoding(std::string_view body) {
  // RFC 4918 §8.2: servers MUST accept UTF-8 and UTF-16 bodies. No DAV client
  // sends UTF-16, and a UTF-16 body is then refused with 400 rather than
  // guessed at; everything else must be UTF-8 (or its ASCII subset).
  if (!base::IsValidUtf8(body)) {
    return base::Status(base::Code::kBadRequest, "XML request body: not UTF-8");
  }
  const std::string encoding = base::AsciiLower(DeclaredEncoding(body));
  if (encoding.empty() || encoding == "utf-8" || encoding == "utf8") return base::Status::Ok();
  if (encoding == "us-ascii" || encoding == "ascii") {
    if (IsAscii(body)) return base::Status::Ok();
    return base::Status(base::Code::kBadRequest,
                        "XML request body: declared US-ASCII but is not ASCII");
  }
  return base::Status(base::Code::kBadRequest, "XML request body: unsupported encoding \"" +
                                                   std::string(DeclaredEncoding(body)) + "\"");
}

void AppendIndexedPrefix(std::string* out, size_t index) {
  *out += 'a';
  *out += std::to_string(index);
}

// `default_ns` is the default namespace in scope at the parent, or nullptr at
// the fragment's root, where the context is unknown and the namespace is
// therefore always declared.
void Serialize(const XmlElement& element, const std::string* default_ns, std::string* out) {
  *out += '<';
  const bool xml_ns = element.ns == kXmlNs;  // <xml:foo>: the prefix is predefined
  if (xml_ns) *out += "xml:";
  *out += element.name;
  const std::string* in_scope = default_ns;
  if (!xml_ns && (default_ns == nullptr || *default_ns != element.ns)) {
    *out += " xmlns=\"";
    AppendEscapedAttribute(out, element.ns);
    *out += '"';
    in_scope = &element.ns;
  }

  // Prefixes for namespaced attributes are declared on the element itself,
  // so they cannot clash with the context or with other elements.
  std::vector<const std::string*> prefixed;  // index = prefix number
  auto prefix_index = [&prefixed](const std::string& ns) {
    for (size_t index = 0; index < prefixed.size(); ++index) {
      if (*prefixed[index] == ns) return index;
    }
    prefixed.push_back(&ns);
    return prefixed.size() - 1;
  };
  for (const XmlAttribute& attribute : element.attributes) {
    if (!attribute.ns.empty() && attribute.ns != kXmlNs && attribute.ns != kXmlnsNs) {
      prefix_index(attribute.ns);
    }
  }
  for (size_t index = 0; index < prefixed.size(); ++index) {
    *out += " xmlns:";
    AppendIndexedPrefix(out, index);
    *out += "=\"";
    AppendEscapedAttribute(out, *prefixed[index]);
    *out += '"';
  }
  for (const XmlAttribute& attribute : element.attributes) {
    if (attribute.ns == kXmlnsNs) continue;  // declarations are not attributes
    *out += ' ';
    if (attribute.ns == kXmlNs) {
      *out += "xml:";
    } else if (!attribute.ns.empty()) {
      AppendIndexedPrefix(out, prefix_index(attribute.ns));
      *out += ':';
    }
    *out += attribute.name;
    *out += "=\"";
    AppendEscapedAttribute(out, attribute.value);
    *out += '"';
  }

  if (element.text.empty() && element.children.empty()) {
    *out += "/>";
    return;
  }
  *out += '>';
  AppendEscapedText(out, element.text);
  for (const XmlElement& child : element.children) {
    Serialize(child, in_scope, out);
    AppendEscapedText(out, child.tail);
  }
  *out += "</";
  if (xml_ns) *out += "xml:";
  *out += element.name;
  *out += '>';
}

void AppendAllText(const XmlElement& element, std::string* out) {
  *out += element.text;
  for (const XmlElement& child : element.children) {
    AppendAllText(child, out);
    *out += child.tail;
  }
}

}  // namespace

bool XmlElement::Is(std::string_view element_ns, std::string_view element_name) const {
  return name == element_name && ns == element_ns;
}

const XmlElement* XmlElement::Child(std::string_view child_ns, std::string_view child_name) const {
  for (const XmlElement& child : children) {
    if (child.Is(child_ns, child_name)) return &child;
  }
  return nullptr;
}

std::string XmlElement::AllText() const {
  std::string out;
  AppendAllText(*this, &out);
  return out;
}

std::string XmlElement::TrimmedText() const {
  std::string all = AllText();
  size_t begin = 0;
  size_t end = all.size();
  while (begin < end && IsXmlSpace(all[begin])) ++begin;
  while (end > begin && IsXmlSpace(all[end - 1])) --end;
  return all.substr(begin, end - begin);
}

const std::string* XmlElement::Attribute(std::string_view attribute_ns,
                                         std::string_view attribute_name) const {
  for (const XmlAttribute& attribute : attributes) {
    if (attribute.name == attribute_name && attribute.ns == attribute_ns) return &attribute.value;
  }
  return nullptr;
}

base::Result<XmlElement> ParseXml(std::string_view body, const XmlLimits& limits) {
  if (body.empty()) return base::Status(base::Code::kBadRequest, "XML request body: empty");
  if (base::Status status = CheckEncoding(body); !status.ok()) return status;

  TreeBuilder builder(limits);
  BodyStreamBuf stream_buffer(body, builder);
  std::istream stream(&stream_buffer);
  try {
    Poco::XML::SAXParser parser;
    // Namespace-aware: names arrive as (uri, localName) and expat consumes
    // the xmlns attributes. FEATURE_NAMESPACE_PREFIXES must be on although
    // the prefixes are unused: without it Poco 1.11's
    // NoNamespacePrefixesStrategy does not clear the URI for an element
    // without a namespace, which then inherits the URI of the previous start
    // or end tag (<D:prop><x/> would give {DAV:}x).
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACE_PREFIXES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    // The bytes were checked to be UTF-8 above; a protocol encoding makes
    // expat ignore whatever the declaration says.
    parser.setEncoding("UTF-8");
    parser.setContentHandler(&builder);
    parser.setProperty(Poco::XML::XMLReader::PROPERTY_LEXICAL_HANDLER,
                       static_cast<Poco::XML::LexicalHandler*>(&builder));
    Poco::XML::InputSource source(stream);
    parser.parse(&source);
  } catch (const DoctypeRefused&) {
    return builder.error();
  } catch (const Poco::XML::SAXParseException& error) {
    // Cutting the input short after a refusal ends in "no element found".
    if (builder.failed()) return builder.error();
    // message() already ends with Poco's "in line L column C".
    return base::Status(base::Code::kBadRequest, "XML request body: " + error.message());
  } catch (const Poco::Exception& error) {
    if (builder.failed()) return builder.error();
    return base::Status(base::Code::kBadRequest, "XML request body: " + error.displayText());
  }
  if (builder.failed()) return builder.error();
  return builder.TakeRoot();
}

std::string SerializeXml(const XmlElement& element) {
  std::string out;
  Serialize(element, nullptr, &out);
  return out;
}

}  // namespace dav
