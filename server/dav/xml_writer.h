// A small, fast XML writer for responses (STACK_NOTES §3: Poco's XMLWriter is
// ~20x slower and writes CR raw). Appends to a caller-owned string.
//
// The namespaces of names.h have fixed prefixes (D, C, CR, CS, A), declared
// once on the root element by StartDocumentRoot(); any other namespace is
// declared on the element that uses it (xmlns="…", so it never leaks).
// Text is escaped; CR becomes &#13; so iCalendar CRLF survives XML parsing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dav {

class XmlWriter {
 public:
  explicit XmlWriter(std::string* out) : out_(out) {}

  // Writes the XML declaration and the root start tag with every fixed
  // prefix declared.
  void StartDocumentRoot(std::string_view ns, std::string_view name);

  void Start(std::string_view ns, std::string_view name);
  // Start with one attribute (no namespace), e.g. <A:calendar-color symbolic-color="…">.
  void StartWithAttribute(std::string_view ns, std::string_view name, std::string_view attribute,
                          std::string_view value);
  void End();
  void Empty(std::string_view ns, std::string_view name);
  void Text(std::string_view text);
  // Element holding only text: <ns:name>text</ns:name>.
  void TextElement(std::string_view ns, std::string_view name, std::string_view text);
  // Pre-serialised, self-contained XML (a stored dead property).
  void Raw(std::string_view xml);

  std::string* buffer() { return out_; }

 private:
  void CloseStartTag();
  void WriteName(std::string_view ns, std::string_view name, bool declare);

  std::string* out_;
  struct Open {
    std::string closing;  // "</D:prop>" or "</name>"
  };
  std::vector<Open> open_;
  bool start_tag_open_ = false;
};

// The fixed prefix for a namespace, or empty when it has none.
std::string_view FixedPrefix(std::string_view ns);

void AppendEscapedText(std::string* out, std::string_view text);
void AppendEscapedAttribute(std::string* out, std::string_view text);

}  // namespace dav
