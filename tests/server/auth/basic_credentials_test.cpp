#include "server/auth/basic_credentials.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace auth {
namespace {

// Test-only encoder (RFC 4648 §4), independent of the decoder under test.
std::string EncodeBase64(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t pos = 0;
  for (; pos + 3 <= bytes.size(); pos += 3) {
    uint32_t bits = (static_cast<unsigned char>(bytes[pos]) << 16) |
                    (static_cast<unsigned char>(bytes[pos + 1]) << 8) |
                    static_cast<unsigned char>(bytes[pos + 2]);
    out += kAlphabet[(bits >> 18) & 63];
    out += kAlphabet[(bits >> 12) & 63];
    out += kAlphabet[(bits >> 6) & 63];
    out += kAlphabet[bits & 63];
  }
  const size_t rest = bytes.size() - pos;
  if (rest > 0) {
    uint32_t bits = static_cast<unsigned char>(bytes[pos]) << 16;
    if (rest == 2) bits |= static_cast<unsigned char>(bytes[pos + 1]) << 8;
    out += kAlphabet[(bits >> 18) & 63];
    out += kAlphabet[(bits >> 12) & 63];
    out += rest == 2 ? kAlphabet[(bits >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string Header(std::string_view user_pass) { return "Basic " + EncodeBase64(user_pass); }

TEST(DecodeBase64StrictTest, Rfc4648Vectors) {
  // RFC 4648 §10.
  EXPECT_EQ(DecodeBase64Strict(""), "");
  EXPECT_EQ(DecodeBase64Strict("Zg=="), "f");
  EXPECT_EQ(DecodeBase64Strict("Zm8="), "fo");
  EXPECT_EQ(DecodeBase64Strict("Zm9v"), "foo");
  EXPECT_EQ(DecodeBase64Strict("Zm9vYg=="), "foob");
  EXPECT_EQ(DecodeBase64Strict("Zm9vYmE="), "fooba");
  EXPECT_EQ(DecodeBase64Strict("Zm9vYmFy"), "foobar");
  EXPECT_EQ(DecodeBase64Strict("+/+/"), "\xFB\xFF\xBF");
  EXPECT_EQ(DecodeBase64Strict("AAAA"), std::string(3, '\0'));
}

TEST(DecodeBase64StrictTest, RejectsNonCanonicalAndMalformed) {
  for (std::string_view bad : {
           "Zg",        // missing padding
           "Zg=",       // short padding
           "Zm9",       // length not a multiple of 4
           "Zg===",     // too much padding
           "====",      // padding only
           "Z===",      // three padding characters
           "Zg=a",      // data after padding
           "Zg==Zg==",  // padding before the end
           "Zm8=Zm9v",  // padding before the end
           "Zh==",      // non-zero unused bits (canonical is Zg==)
           "Zm9=",      // non-zero unused bits (canonical is Zm8=)
           "Zm9v\n",    // whitespace
           "Zm 9v",     // space inside
           "Zm9v-_==",  // base64url alphabet
           "Zm9.",      // outside the alphabet
       }) {
    EXPECT_FALSE(DecodeBase64Strict(bad).has_value()) << bad;
  }
  EXPECT_FALSE(DecodeBase64Strict(std::string("Zm9\0", 4)).has_value());
  EXPECT_FALSE(DecodeBase64Strict("Zm9\x80").has_value());
}

TEST(ParseBasicAuthorizationTest, Rfc7617Example) {
  // RFC 7617 §2: "Aladdin" / "open sesame".
  std::optional<Credentials> parsed = ParseBasicAuthorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->user, "Aladdin");
  EXPECT_EQ(parsed->password, "open sesame");
}

TEST(ParseBasicAuthorizationTest, SchemeIsCaseInsensitive) {
  for (std::string_view scheme : {"Basic", "basic", "BASIC", "bAsIc"}) {
    std::optional<Credentials> parsed =
        ParseBasicAuthorization(std::string(scheme) + " " + EncodeBase64("u:p"));
    ASSERT_TRUE(parsed.has_value()) << scheme;
    EXPECT_EQ(parsed->user, "u");
    EXPECT_EQ(parsed->password, "p");
  }
}

TEST(ParseBasicAuthorizationTest, SpacingAroundTheToken) {
  EXPECT_TRUE(ParseBasicAuthorization("Basic   dTpw").has_value());  // 1*SP
  EXPECT_TRUE(ParseBasicAuthorization("  Basic dTpw \t").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic\tdTpw").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("BasicdTpw").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic dTpw dTpw").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic dT pw").has_value());
}

TEST(ParseBasicAuthorizationTest, OtherSchemesAndEmptyValues) {
  EXPECT_FALSE(ParseBasicAuthorization("").has_value());
  EXPECT_FALSE(ParseBasicAuthorization(" ").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic ").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic    ").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Bearer dTpw").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Digest username=\"u\"").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basi dTpw").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basicc dTpw").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("dTpw").has_value());
}

TEST(ParseBasicAuthorizationTest, SplitsAtTheFirstColon) {
  std::optional<Credentials> parsed = ParseBasicAuthorization(Header("alice:pa:ss:word"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->user, "alice");
  EXPECT_EQ(parsed->password, "pa:ss:word");

  parsed = ParseBasicAuthorization(Header("alice::"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->password, ":");
}

TEST(ParseBasicAuthorizationTest, EmptyPasswordIsAllowedEmptyUserIsNot) {
  std::optional<Credentials> parsed = ParseBasicAuthorization(Header("alice:"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->user, "alice");
  EXPECT_EQ(parsed->password, "");

  EXPECT_FALSE(ParseBasicAuthorization(Header(":secret")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header(":")).has_value());
}

TEST(ParseBasicAuthorizationTest, MissingColonIsRejected) {
  EXPECT_FALSE(ParseBasicAuthorization(Header("alice")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("")).has_value());
}

TEST(ParseBasicAuthorizationTest, PaddingErrorsAreRejected) {
  // "u:p" is 3 bytes (no padding); "u:pw" needs "==".
  EXPECT_EQ(EncodeBase64("u:pw"), "dTpwdw==");
  EXPECT_TRUE(ParseBasicAuthorization("Basic dTpwdw==").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic dTpwdw").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic dTpwdw=").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic dTpwdw===").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic dTpwdx==").has_value());  // unused bits set
  EXPECT_FALSE(ParseBasicAuthorization("Basic dTp=wdw=").has_value());
}

TEST(ParseBasicAuthorizationTest, Utf8IsAccepted) {
  std::optional<Credentials> parsed =
      ParseBasicAuthorization(Header("J\xC3\xBCrgen:\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x94\x91"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->user, "J\xC3\xBCrgen");
  EXPECT_EQ(parsed->password, "\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x94\x91");
  // U+00A0 (C2 A0) is just past the C1 range and allowed.
  EXPECT_TRUE(ParseBasicAuthorization(Header("u:\xC2\xA0")).has_value());
}

TEST(ParseBasicAuthorizationTest, NonUtf8IsRejected) {
  EXPECT_FALSE(ParseBasicAuthorization(Header("J\xFCrgen:pw")).has_value());  // Latin-1
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:p\xE4ss")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:\xC3")).has_value());          // truncated
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:\xC0\xAF")).has_value());      // overlong
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:\xED\xA0\x80")).has_value());  // surrogate
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:\xFF")).has_value());
}

TEST(ParseBasicAuthorizationTest, ControlCharactersAreRejected) {
  EXPECT_FALSE(ParseBasicAuthorization(Header(std::string("us\0er:pw", 8))).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header(std::string("user:p\0w", 8))).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("user\n:pw")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:pw\r\n")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:p\tw")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:p\x1Fw")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:p\x7Fw")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:p\xC2\x80w")).has_value());  // U+0080
  EXPECT_FALSE(ParseBasicAuthorization(Header("user:p\xC2\x9Fw")).has_value());  // U+009F
  EXPECT_TRUE(ParseBasicAuthorization(Header("user:p w~")).has_value());         // SP and ~
}

TEST(ParseBasicAuthorizationTest, LengthIsBounded) {
  const std::string user = "u:";
  const std::string at_limit = user + std::string(kMaxBasicCredentialsBytes - user.size(), 'x');
  std::optional<Credentials> parsed = ParseBasicAuthorization(Header(at_limit));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->password.size(), kMaxBasicCredentialsBytes - user.size());

  EXPECT_FALSE(ParseBasicAuthorization(Header(at_limit + "x")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization(Header(at_limit + "xyz")).has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic " + std::string(1 << 20, 'A')).has_value());
}

TEST(ParseBasicAuthorizationTest, RoundTripsRandomValidCredentials) {
  std::mt19937 rng(7617);
  std::uniform_int_distribution<int> length(0, 40);
  std::uniform_int_distribution<int> printable(0x20, 0x7E);
  for (int round = 0; round < 2000; ++round) {
    std::string user(1 + length(rng), '\0');
    for (char& c : user) {
      do c = static_cast<char>(printable(rng));
      while (c == ':');
    }
    std::string password(length(rng), '\0');
    for (char& c : password) c = static_cast<char>(printable(rng));
    std::optional<Credentials> parsed = ParseBasicAuthorization(Header(user + ":" + password));
    ASSERT_TRUE(parsed.has_value()) << user << ":" << password;
    EXPECT_EQ(parsed->user, user);
    EXPECT_EQ(parsed->password, password);
  }
}

TEST(ParseBasicAuthorizationTest, RandomInputNeverCrashes) {
  // A cheap in-test fuzz: random bytes, random base64 of random bytes, and
  // mutations of a valid header. The result only has to be consistent.
  std::mt19937 rng(4648);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  const std::string valid = Header("alice:secret");
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    switch (round % 3) {
      case 0:
        input.resize(length(rng));
        for (char& c : input) c = static_cast<char>(byte(rng));
        break;
      case 1: {
        std::string raw(length(rng), '\0');
        for (char& c : raw) c = static_cast<char>(byte(rng));
        input = Header(raw);
        break;
      }
      default:
        input = valid;
        for (int edit = 0; edit < 3; ++edit) {
          input[static_cast<size_t>(byte(rng)) % input.size()] = static_cast<char>(byte(rng));
        }
    }
    std::optional<Credentials> parsed = ParseBasicAuthorization(input);
    if (parsed) {
      EXPECT_FALSE(parsed->user.empty());
      EXPECT_EQ(parsed->user.find(':'), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace auth
