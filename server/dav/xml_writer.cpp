#include "server/dav/xml_writer.h"

#include "server/dav/names.h"

namespace dav {
namespace {

struct Prefix {
  std::string_view ns;
  std::string_view prefix;
};

constexpr Prefix kPrefixes[] = {
    {kDavNs, "D"},
    {kCalDavNs, "C"},
    {kCardDavNs, "CR"},
    {kCalendarServerNs, "CS"},
    {kAppleIcalNs, "A"},
};

}  // namespace

std::string_view FixedPrefix(std::string_view ns) {
  for (const Prefix& entry : kPrefixes) {
    if (entry.ns == ns) return entry.prefix;
  }
  return {};
}

void AppendEscapedText(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      case '\r': *out += "&#13;"; break;
      default: *out += c;
    }
  }
}

void AppendEscapedAttribute(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      case '"': *out += "&quot;"; break;
      case '\r': *out += "&#13;"; break;
      case '\n': *out += "&#10;"; break;
      case '\t': *out += "&#9;"; break;
      default: *out += c;
    }
  }
}

void XmlWriter::StartDocumentRoot(std::string_view ns, std::string_view name) {
  *out_ += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  CloseStartTag();
  std::string_view prefix = FixedPrefix(ns);
  std::string closing;
  *out_ += '<';
  if (!prefix.empty()) {
    *out_ += prefix;
    *out_ += ':';
  }
  *out_ += name;
  for (const Prefix& entry : kPrefixes) {
    *out_ += " xmlns:";
    *out_ += entry.prefix;
    *out_ += "=\"";
    *out_ += entry.ns;
    *out_ += '"';
  }
  if (prefix.empty()) {
    *out_ += " xmlns=\"";
    AppendEscapedAttribute(out_, ns);
    *out_ += '"';
  }
  closing = "</";
  if (!prefix.empty()) {
    closing += prefix;
    closing += ':';
  }
  closing += name;
  closing += '>';
  open_.push_back({std::move(closing)});
  start_tag_open_ = true;
}

void XmlWriter::WriteName(std::string_view ns, std::string_view name, bool declare) {
  std::string_view prefix = FixedPrefix(ns);
  std::string closing = "</";
  *out_ += '<';
  if (!prefix.empty()) {
    *out_ += prefix;
    *out_ += ':';
    closing += prefix;
    closing += ':';
  }
  *out_ += name;
  closing += name;
  closing += '>';
  if (prefix.empty() && declare) {
    *out_ += " xmlns=\"";
    AppendEscapedAttribute(out_, ns);
    *out_ += '"';
  }
  open_.push_back({std::move(closing)});
}

void XmlWriter::CloseStartTag() {
  if (start_tag_open_) {
    *out_ += '>';
    start_tag_open_ = false;
  }
}

void XmlWriter::Start(std::string_view ns, std::string_view name) {
  CloseStartTag();
  WriteName(ns, name, true);
  start_tag_open_ = true;
}

void XmlWriter::StartWithAttribute(std::string_view ns, std::string_view name,
                                   std::string_view attribute, std::string_view value) {
  Start(ns, name);
  *out_ += ' ';
  *out_ += attribute;
  *out_ += "=\"";
  AppendEscapedAttribute(out_, value);
  *out_ += '"';
}

void XmlWriter::End() {
  if (open_.empty()) return;
  if (start_tag_open_) {
    *out_ += "/>";
    start_tag_open_ = false;
  } else {
    *out_ += open_.back().closing;
  }
  open_.pop_back();
}

void XmlWriter::Empty(std::string_view ns, std::string_view name) {
  Start(ns, name);
  End();
}

void XmlWriter::Text(std::string_view text) {
  CloseStartTag();
  AppendEscapedText(out_, text);
}

void XmlWriter::TextElement(std::string_view ns, std::string_view name, std::string_view text) {
  Start(ns, name);
  Text(text);
  End();
}

void XmlWriter::Raw(std::string_view xml) {
  CloseStartTag();
  *out_ += xml;
}

}  // namespace dav
