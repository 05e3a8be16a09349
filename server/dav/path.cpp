#include "server/dav/path.h"

#include "server/base/strings.h"

namespace dav {
namespace {

base::Status Bad(std::string_view what) {
  return base::Status(base::Code::kBadRequest, "URL path: " + std::string(what));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsControl(unsigned char byte) { return byte < 0x20 || byte == 0x7F; }

// RFC 3986 §3.3 pchar without pct-encoded: unreserved / sub-delims / ":" / "@".
bool IsPathChar(unsigned char byte) {
  static constexpr std::string_view kPunctuation = "-._~!$&'()*+,;=:@";
  return (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
         (byte >= '0' && byte <= '9') ||
         kPunctuation.find(static_cast<char>(byte)) != std::string_view::npos;
}

// Decodes one non-empty raw segment into `out`.
base::Status DecodeSegment(std::string_view raw, std::string* out) {
  out->reserve(raw.size());
  for (size_t index = 0; index < raw.size(); ++index) {
    unsigned char byte = static_cast<unsigned char>(raw[index]);
    if (byte == '%') {
      if (raw.size() - index < 3) return Bad("bad %-escape");
      const int high = HexValue(raw[index + 1]);
      const int low = HexValue(raw[index + 2]);
      if (high < 0 || low < 0) return Bad("bad %-escape");
      byte = static_cast<unsigned char>(high * 16 + low);
      index += 2;
      // A decoded '/' would make one segment look like two in storage paths
      // and hrefs ("a%2Fb" and "a/b" must not alias).
      if (byte == '/') return Bad("encoded slash in a segment");
    }
    if (IsControl(byte)) return Bad("control character");
    if (out->size() == kMaxSegmentBytes) return Bad("segment too long");
    out->push_back(static_cast<char>(byte));
  }
  // RFC 3986 §5.2.4 would resolve dot segments, but a client that sends them
  // (possibly encoded, to slip past a proxy) is confused or probing.
  if (*out == "." || *out == "..") return Bad("dot segment");
  if (!base::IsValidUtf8(*out)) return Bad("segment is not UTF-8");
  return base::Status::Ok();
}

// Strips "http(s)://authority" from an absolute-form target (RFC 9112
// §3.2.2) or a Destination URI, leaving the path, query and fragment.
base::Result<std::string_view> StripSchemeAndAuthority(std::string_view target) {
  size_t scheme_length;
  if (base::AsciiIStartsWith(target, "http://")) {
    scheme_length = 7;
  } else if (base::AsciiIStartsWith(target, "https://")) {
    scheme_length = 8;
  } else {
    return Bad("not an absolute path or http(s) URI");
  }
  target.remove_prefix(scheme_length);
  const size_t authority_end = target.find_first_of("/?#");
  const std::string_view authority = target.substr(0, authority_end);
  // RFC 9110 §4.2.1: an empty host MUST be rejected; §4.2.4: userinfo is an
  // error when the URI comes from an untrusted source.
  if (authority.empty()) return Bad("empty authority");
  for (char c : authority) {
    if (c == '@') return Bad("userinfo in URI");
    if (c == ' ' || IsControl(static_cast<unsigned char>(c))) return Bad("bad authority");
  }
  if (authority_end == std::string_view::npos) return std::string_view("/");
  std::string_view rest = target.substr(authority_end);
  // RFC 9110 §4.2.3: an empty path is equivalent to "/".
  if (rest.front() != '/') return std::string_view("/");
  return rest;
}

}  // namespace

base::Result<DecodedPath> DecodePath(std::string_view target) {
  if (target.empty()) return Bad("empty");
  std::string_view path = target;
  if (path.front() != '/') {
    base::Result<std::string_view> stripped = StripSchemeAndAuthority(target);
    if (!stripped.ok()) return stripped.status();
    path = stripped.value();
  }
  // RFC 9112 §3.2: a request target carries no fragment; a client that sends
  // one (litmus "delete_fragment") must not have it silently dropped.
  path = path.substr(0, path.find('?'));
  if (path.find('#') != std::string_view::npos) return Bad("fragment in URI");

  DecodedPath decoded;
  decoded.trailing_slash = path.ends_with('/');
  size_t start = 1;  // path[0] == '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view raw = path.substr(start, end - start);
    start = end + 1;
    if (raw.empty()) continue;
    if (decoded.segments.size() == kMaxPathSegments) return Bad("too many segments");
    std::string segment;
    if (base::Status status = DecodeSegment(raw, &segment); !status.ok()) return status;
    decoded.segments.push_back(std::move(segment));
  }
  return decoded;
}

std::string EncodeSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (char c : segment) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (IsPathChar(byte)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

std::string EncodePath(const std::vector<std::string>& segments, bool trailing_slash) {
  if (segments.empty()) return "/";
  std::string out;
  for (const std::string& segment : segments) {
    out.push_back('/');
    out += EncodeSegment(segment);
  }
  if (trailing_slash) out.push_back('/');
  return out;
}

}  // namespace dav
