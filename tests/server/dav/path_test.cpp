#include "server/dav/path.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace dav {
namespace {

DecodedPath DecodeOk(std::string_view target) {
  base::Result<DecodedPath> decoded = DecodePath(target);
  EXPECT_TRUE(decoded.ok()) << target << ": " << decoded.status().message();
  return decoded.ok() ? decoded.value() : DecodedPath{};
}

void ExpectRejected(std::string_view target) {
  base::Result<DecodedPath> decoded = DecodePath(target);
  ASSERT_FALSE(decoded.ok()) << "accepted: " << target;
  EXPECT_EQ(decoded.status().code(), base::Code::kBadRequest) << target;
}

using Segments = std::vector<std::string>;

// --- DecodePath: accepted --------------------------------------------------

TEST(PathTest, Root) { EXPECT_EQ(DecodeOk("/"), (DecodedPath{{}, true})); }

TEST(PathTest, OriginFormWithQuery) {
  EXPECT_EQ(DecodeOk("/a/b%20c/?query=1&x=/y"), (DecodedPath{{"a", "b c"}, true}));
  EXPECT_EQ(DecodeOk("/a/b"), (DecodedPath{{"a", "b"}, false}));
  EXPECT_EQ(DecodeOk("/a/b?"), (DecodedPath{{"a", "b"}, false}));
  // Regression (litmus delete_fragment): a fragment is refused, not dropped,
  // so "DELETE /coll/#frag" cannot delete /coll/.
  EXPECT_FALSE(DecodePath("/a/b#frag/").ok());
  EXPECT_FALSE(DecodePath("/a/#").ok());
  EXPECT_EQ(DecodeOk("/?x"), (DecodedPath{{}, true}));
}

TEST(PathTest, EmptySegmentsAreDropped) {
  EXPECT_EQ(DecodeOk("//a///b//"), (DecodedPath{{"a", "b"}, true}));
  EXPECT_EQ(DecodeOk("//"), (DecodedPath{{}, true}));
}

TEST(PathTest, AbsoluteFormWithPortAndQuery) {
  EXPECT_EQ(DecodeOk("http://cal.example.com:8008/dav/calendars/al%40ex.com/home/?x=1#y"),
            (DecodedPath{{"dav", "calendars", "al@ex.com", "home"}, true}));
  EXPECT_EQ(DecodeOk("https://example.com/a/b%2Bc.ics"), (DecodedPath{{"a", "b+c.ics"}, false}));
  EXPECT_EQ(DecodeOk("HTTPS://[::1]:8443/a"), (DecodedPath{{"a"}, false}));
  EXPECT_EQ(DecodeOk("hTtP://example.com/"), (DecodedPath{{}, true}));
}

TEST(PathTest, AbsoluteFormWithEmptyPathIsRoot) {
  // RFC 9110 §4.2.3: an empty path is equivalent to "/".
  EXPECT_EQ(DecodeOk("http://example.com"), (DecodedPath{{}, true}));
  EXPECT_EQ(DecodeOk("http://example.com:80?x=/a"), (DecodedPath{{}, true}));
}

TEST(PathTest, PercentDecoding) {
  EXPECT_EQ(DecodeOk("/%41%42c%7e%25%2e.x").segments, Segments{"ABc~%..x"});
  EXPECT_EQ(DecodeOk("/%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%E6%97%A5%E6%9C%AC").segments,
            Segments{"Ünïcødé 日本"});
  EXPECT_EQ(DecodeOk("/%F0%9F%98%80").segments, Segments{"\xF0\x9F\x98\x80"});
  // '+' is not a space in a path (that is form encoding).
  EXPECT_EQ(DecodeOk("/a+b").segments, Segments{"a+b"});
}

TEST(PathTest, DotsInsideNamesAreFine) {
  EXPECT_EQ(DecodeOk("/.../.a/a./..b/.%2E.").segments, (Segments{"...", ".a", "a.", "..b", "..."}));
}

TEST(PathTest, RawNonAsciiAndSpacesAreAccepted) {
  // Some clients put unencoded names in Destination.
  EXPECT_EQ(DecodeOk("/caf\xC3\xA9/a b").segments, (Segments{"caf\xC3\xA9", "a b"}));
}

TEST(PathTest, SegmentLengthLimit) {
  std::string longest(kMaxSegmentBytes, 'x');
  EXPECT_EQ(DecodeOk("/" + longest).segments, Segments{longest});
  ExpectRejected("/" + longest + "x");
  // The limit applies to the decoded bytes: 255 × "%41" is fine.
  std::string encoded;
  for (size_t index = 0; index < kMaxSegmentBytes; ++index) encoded += "%41";
  EXPECT_EQ(DecodeOk("/" + encoded).segments, Segments{std::string(kMaxSegmentBytes, 'A')});
  ExpectRejected("/" + encoded + "%41");
}

TEST(PathTest, SegmentCountLimit) {
  std::string path;
  for (size_t index = 0; index < kMaxPathSegments; ++index) path += "/s";
  EXPECT_EQ(DecodeOk(path).segments.size(), kMaxPathSegments);
  EXPECT_EQ(DecodeOk(path + "//").segments.size(), kMaxPathSegments);  // empty ones don't count
  ExpectRejected(path + "/s");
}

// --- DecodePath: rejected --------------------------------------------------

TEST(PathTest, RejectsTargetsThatAreNotPaths) {
  ExpectRejected("");
  ExpectRejected("a/b");
  ExpectRejected("*");
  ExpectRejected("example.com/a");
  ExpectRejected("ftp://example.com/a");
  ExpectRejected("mailto:a@example.com");
  ExpectRejected("http:/a");
  ExpectRejected("http:///a");           // empty host, RFC 9110 §4.2.1
  ExpectRejected("http://user@host/a");  // userinfo, RFC 9110 §4.2.4
  ExpectRejected("http://user:pw@host/a");
  ExpectRejected("http://ho st/a");
}

TEST(PathTest, RejectsBadEscapes) {
  ExpectRejected("/a%");
  ExpectRejected("/a%2");
  ExpectRejected("/a%2/b");
  ExpectRejected("/a%zz");
  ExpectRejected("/a%g0");
  ExpectRejected("/%%41");
  ExpectRejected("http://host/a%");
}

TEST(PathTest, RejectsControlCharacters) {
  ExpectRejected("/a%00b");
  ExpectRejected("/a%0Ab");
  ExpectRejected("/a%0d");
  ExpectRejected("/a%1F");
  ExpectRejected("/a%7F");
  ExpectRejected("/a%7f");
  ExpectRejected(std::string("/a\0b", 4));
  ExpectRejected("/a\x01");
  ExpectRejected("/a\tb");
  ExpectRejected("/a\x7F");
}

TEST(PathTest, RejectsEncodedSlash) {
  ExpectRejected("/a%2Fb");
  ExpectRejected("/a%2fb");
  ExpectRejected("/%2F");
  ExpectRejected("http://host/x/%2f..");
}

TEST(PathTest, RejectsDotSegments) {
  ExpectRejected("/.");
  ExpectRejected("/./");
  ExpectRejected("/a/./b");
  ExpectRejected("/..");
  ExpectRejected("/a/../b");
  ExpectRejected("/a/..");
  ExpectRejected("/%2e");
  ExpectRejected("/%2E%2e");
  ExpectRejected("/.%2E/");
  ExpectRejected("/a/%2e%2e/etc/passwd");
  ExpectRejected("http://host/a/../b");
}

TEST(PathTest, RejectsSegmentsThatAreNotUtf8) {
  ExpectRejected("/%FC");           // Latin-1 ü
  ExpectRejected("/%C3%28");        // bad continuation
  ExpectRejected("/%C0%AF");        // overlong '/'
  ExpectRejected("/%ED%A0%80");     // surrogate
  ExpectRejected("/%F4%90%80%80");  // above U+10FFFF
  ExpectRejected("/\xC3");          // raw truncated sequence
  ExpectRejected("/%C3/%9C");       // a character split across segments
}

// --- Encoding --------------------------------------------------------------

TEST(PathTest, EncodeSegment) {
  EXPECT_EQ(EncodeSegment("plain-name_1.ics"), "plain-name_1.ics");
  EXPECT_EQ(EncodeSegment("a b"), "a%20b");
  EXPECT_EQ(EncodeSegment("alice@example.com"), "alice@example.com");
  EXPECT_EQ(EncodeSegment("a+b:c;d=e,f!$&'()*~"), "a+b:c;d=e,f!$&'()*~");
  EXPECT_EQ(EncodeSegment("100%"), "100%25");
  EXPECT_EQ(EncodeSegment("a#b?c/d"), "a%23b%3Fc%2Fd");
  EXPECT_EQ(EncodeSegment("\"<>\\^`{|}[]"), "%22%3C%3E%5C%5E%60%7B%7C%7D%5B%5D");
  EXPECT_EQ(EncodeSegment("\xC3\x9C\xE6\x97\xA5"), "%C3%9C%E6%97%A5");
  EXPECT_EQ(EncodeSegment(std::string("\0\x7F", 2)), "%00%7F");
  EXPECT_EQ(EncodeSegment(""), "");
}

TEST(PathTest, EncodePath) {
  EXPECT_EQ(EncodePath({}, false), "/");
  EXPECT_EQ(EncodePath({}, true), "/");
  EXPECT_EQ(EncodePath({"a"}, false), "/a");
  EXPECT_EQ(EncodePath({"dav", "calendars", "bob@example.com", "work cal"}, true),
            "/dav/calendars/bob@example.com/work%20cal/");
}

TEST(PathTest, DecodeOfEncodeIsIdentity) {
  const std::vector<std::string> names = {
      "alice@example.com",
      "a+b",
      "with space",
      "  leading and trailing  ",
      "100% sure",
      "%41 is not A",
      "%2F is not a slash",
      "#hash",
      "what?",
      "a?b#c&d=e",
      "Ünïcødé 日本",
      "emoji \xF0\x9F\x93\x85.ics",
      "...",
      ".hidden",
      "semi;colon:and,comma",
      "quote\"apos'back\\slash",
      "[brackets]{braces}<angles>|pipe^caret`tick",
      std::string(kMaxSegmentBytes, 'z'),
  };
  for (const std::string& name : names) {
    for (bool trailing_slash : {false, true}) {
      DecodedPath original{{"dav", "files", name}, trailing_slash};
      std::string href = EncodePath(original.segments, trailing_slash);
      EXPECT_EQ(DecodeOk(href), original) << href;
      EXPECT_EQ(DecodeOk("https://example.com:8443" + href), original) << href;
    }
  }
  DecodedPath all;
  all.segments = names;
  EXPECT_EQ(DecodeOk(EncodePath(all.segments, false)), all);
}

// Random names of UTF-8 code points (no '/', controls, or dot segments).
TEST(PathTest, DecodeOfEncodeIsIdentityForRandomNames) {
  std::mt19937 random(42);
  auto append_utf8 = [](std::string* out, uint32_t code) {
    if (code < 0x80) {
      *out += static_cast<char>(code);
    } else if (code < 0x800) {
      *out += static_cast<char>(0xC0 | (code >> 6));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      *out += static_cast<char>(0xE0 | (code >> 12));
      *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (code >> 18));
      *out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    }
  };
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> segments;
    const int count = 1 + static_cast<int>(random() % 5);
    for (int index = 0; index < count; ++index) {
      std::string name;
      const int length = 1 + static_cast<int>(random() % 12);
      for (int character = 0; character < length; ++character) {
        uint32_t code;
        switch (random() % 3) {
          case 0:
            code = 0x20 + random() % 0x5F;
            break;  // printable ASCII
          case 1:
            code = 0xA0 + random() % 0x3000;
            break;
          default:
            code = 0x10000 + random() % 0x100000;
            break;
        }
        if (code == '/' || (code >= 0xD800 && code <= 0xDFFF)) code = '_';
        append_utf8(&name, code);
      }
      if (name == "." || name == "..") name += "_";
      segments.push_back(name);
    }
    const bool trailing_slash = random() % 2 == 0;
    std::string href = EncodePath(segments, trailing_slash);
    ASSERT_EQ(DecodeOk(href), (DecodedPath{segments, trailing_slash})) << href;
  }
}

}  // namespace
}  // namespace dav
