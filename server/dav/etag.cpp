#include "server/dav/etag.h"

#include <utility>

#include "server/base/strings.h"

namespace dav {
namespace {

// etagc = %x21 / %x23-7E / obs-text (RFC 7232 §2.3); obs-text = %x80-FF.
// Also SP and HTAB: RFC 4918 §10.4.2 takes entity-tag from RFC 2616 §3.11,
// where opaque-tag is a quoted-string, and its own examples rely on that
// (`["I am an ETag"]`, §10.4.6). Accepting them costs nothing: a tag we
// never generate (ours are hex digests) simply never matches.
bool IsEtagChar(char c) {
  const unsigned char byte = static_cast<unsigned char>(c);
  return byte == 0x21 || (byte >= 0x23 && byte <= 0x7E) || byte >= 0x80 || c == ' ' || c == '\t';
}

}  // namespace

std::string QuoteEtag(std::string_view etag) {
  std::string out;
  out.reserve(etag.size() + 2);
  out += '"';
  out += etag;
  out += '"';
  return out;
}

EntityTag StoredEntityTag(std::string_view etag) { return EntityTag{false, std::string(etag)}; }

std::optional<EntityTag> ConsumeEntityTag(std::string_view& text) {
  std::string_view rest = text;
  EntityTag tag;
  if (rest.size() >= 2 && rest[0] == 'W' && rest[1] == '/') {
    tag.weak = true;
    rest.remove_prefix(2);
  }
  if (rest.empty() || rest.front() != '"') return std::nullopt;
  rest.remove_prefix(1);
  size_t end = 0;
  while (end < rest.size() && IsEtagChar(rest[end])) ++end;
  if (end == rest.size() || rest[end] != '"') return std::nullopt;
  tag.opaque = std::string(rest.substr(0, end));
  text = rest.substr(end + 1);
  return tag;
}

std::optional<EntityTag> ParseEntityTag(std::string_view text) {
  std::optional<EntityTag> tag = ConsumeEntityTag(text);
  if (!tag || !text.empty()) return std::nullopt;
  return tag;
}

std::optional<EntityTagList> ParseEntityTagList(std::string_view value) {
  std::string_view rest = base::Trim(value);
  if (rest == "*") return EntityTagList{true, {}};

  EntityTagList list;
  // Alternates between "expecting an element" and "expecting a comma";
  // runs of commas and whitespace are the empty elements §7 tells
  // recipients to accept.
  while (true) {
    while (!rest.empty() && (rest.front() == ',' || rest.front() == ' ' || rest.front() == '\t')) {
      rest.remove_prefix(1);
    }
    if (rest.empty()) break;
    std::optional<EntityTag> tag = ConsumeEntityTag(rest);
    if (!tag) return std::nullopt;
    list.tags.push_back(std::move(*tag));
    rest = base::Trim(rest);
    if (!rest.empty() && rest.front() != ',') return std::nullopt;
  }
  if (list.tags.empty()) return std::nullopt;
  return list;
}

bool StrongMatch(const EntityTag& a, const EntityTag& b) {
  return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool WeakMatch(const EntityTag& a, const EntityTag& b) { return a.opaque == b.opaque; }

}  // namespace dav
