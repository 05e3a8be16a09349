#include "server/auth/password_hash.h"

#include <argon2.h>
#include <gtest/gtest.h>

#include <string>

namespace auth {
namespace {

// phc-winner-argon2 src/test.c and README: password "password", salt
// "somesalt", argon2id, t=2, m=64 MiB, p=1, 32-byte hash.
constexpr char kReferenceHash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

// Encodes with explicit parameters through libargon2, as another
// implementation or an older Almanac would have.
std::string EncodeWith(argon2_type type, uint32_t passes, uint32_t memory_kib, uint32_t lanes,
                       std::string_view password, std::string_view salt, size_t hash_bytes) {
  std::string encoded(argon2_encodedlen(passes, memory_kib, lanes, salt.size(), hash_bytes, type),
                      '\0');
  int rc = argon2_hash(passes, memory_kib, lanes, password.data(), password.size(), salt.data(),
                       salt.size(), nullptr, hash_bytes, encoded.data(), encoded.size(), type,
                       ARGON2_VERSION_NUMBER);
  EXPECT_EQ(rc, ARGON2_OK) << argon2_error_message(rc);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

TEST(PasswordHashTest, EncodesCurrentParameters) {
  const std::string encoded = HashPassword("correct horse battery staple");
  const std::string prefix = "$argon2id$v=19$m=19456,t=2,p=1$";
  ASSERT_EQ(encoded.substr(0, prefix.size()), prefix);
  const std::string rest = encoded.substr(prefix.size());
  const size_t dollar = rest.find('$');
  ASSERT_NE(dollar, std::string::npos);
  EXPECT_EQ(dollar, 22u);                    // 16-byte salt, unpadded base64
  EXPECT_EQ(rest.size() - dollar - 1, 43u);  // 32-byte hash
  EXPECT_FALSE(NeedsRehash(encoded));
}

TEST(PasswordHashTest, RightPasswordVerifiesWrongOneDoesNot) {
  const std::string encoded = HashPassword("s3cret");
  EXPECT_TRUE(VerifyPassword(encoded, "s3cret"));
  EXPECT_FALSE(VerifyPassword(encoded, "s3cret "));
  EXPECT_FALSE(VerifyPassword(encoded, "S3cret"));
  EXPECT_FALSE(VerifyPassword(encoded, ""));
}

TEST(PasswordHashTest, SaltIsRandom) {
  const std::string first = HashPassword("same");
  const std::string second = HashPassword("same");
  EXPECT_NE(first, second);
  EXPECT_TRUE(VerifyPassword(first, "same"));
  EXPECT_TRUE(VerifyPassword(second, "same"));
}

TEST(PasswordHashTest, EmptyUnicodeAndBinaryPasswords) {
  const std::string empty = HashPassword("");
  EXPECT_TRUE(VerifyPassword(empty, ""));
  EXPECT_FALSE(VerifyPassword(empty, "x"));

  const std::string unicode = HashPassword("pässwörd \xF0\x9F\x94\x91");
  EXPECT_TRUE(VerifyPassword(unicode, "pässwörd \xF0\x9F\x94\x91"));
  EXPECT_FALSE(VerifyPassword(unicode, "passwörd \xF0\x9F\x94\x91"));

  // The length is passed, not a C string: bytes after a NUL count.
  const std::string with_nul("a\0b", 3);
  const std::string binary = HashPassword(with_nul);
  EXPECT_TRUE(VerifyPassword(binary, with_nul));
  EXPECT_FALSE(VerifyPassword(binary, "a"));
  EXPECT_FALSE(VerifyPassword(binary, std::string("a\0c", 3)));
}

TEST(PasswordHashTest, VerifiesReferenceVector) {
  EXPECT_TRUE(VerifyPassword(kReferenceHash, "password"));
  EXPECT_FALSE(VerifyPassword(kReferenceHash, "passwore"));
  EXPECT_TRUE(NeedsRehash(kReferenceHash));  // m=65536 and an 8-byte salt
}

TEST(PasswordHashTest, VerifiesHashesWithOtherParametersAndAsksForRehash) {
  const std::string old = EncodeWith(Argon2_id, 1, 8192, 1, "pw", "0123456789abcdef", 32);
  EXPECT_TRUE(VerifyPassword(old, "pw"));
  EXPECT_FALSE(VerifyPassword(old, "pv"));
  EXPECT_TRUE(NeedsRehash(old));

  const std::string more_lanes = EncodeWith(Argon2_id, 2, 19456, 2, "pw", "0123456789abcdef", 32);
  EXPECT_TRUE(VerifyPassword(more_lanes, "pw"));
  EXPECT_TRUE(NeedsRehash(more_lanes));

  const std::string short_hash = EncodeWith(Argon2_id, 2, 19456, 1, "pw", "0123456789abcdef", 16);
  EXPECT_TRUE(VerifyPassword(short_hash, "pw"));
  EXPECT_TRUE(NeedsRehash(short_hash));

  const std::string current = EncodeWith(Argon2_id, 2, 19456, 1, "pw", "0123456789abcdef", 32);
  EXPECT_FALSE(NeedsRehash(current));
}

TEST(PasswordHashTest, RejectsOtherArgon2Variants) {
  const std::string argon2i = EncodeWith(Argon2_i, 2, 8192, 1, "pw", "0123456789abcdef", 32);
  ASSERT_EQ(argon2i.substr(0, 9), "$argon2i$");
  EXPECT_FALSE(VerifyPassword(argon2i, "pw"));
  EXPECT_TRUE(NeedsRehash(argon2i));

  const std::string argon2d = EncodeWith(Argon2_d, 2, 8192, 1, "pw", "0123456789abcdef", 32);
  EXPECT_FALSE(VerifyPassword(argon2d, "pw"));
  EXPECT_TRUE(NeedsRehash(argon2d));

  // The same bytes relabelled as argon2id must not verify either.
  std::string relabelled = argon2i;
  relabelled.replace(0, 9, "$argon2id$");
  EXPECT_FALSE(VerifyPassword(relabelled, "pw"));
}

TEST(PasswordHashTest, MalformedEncodingsAreFalseNotCrashes) {
  const std::string good = HashPassword("pw");
  const std::string malformed[] = {
      "",
      "pw",
      "$",
      "$argon2id",
      "$argon2id$",
      "$argon2id$v=19",
      "$argon2id$v=19$m=65536,t=2,p=1",
      "$argon2id$v=19$m=65536,t=2,p=1$",
      "$argon2id$v=19$m=65536,t=2,p=1$$",
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$",
      "$argon2id$v=19$m=65536,t=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$t=2,m=65536,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=-1,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=99999999999999999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJ",
      "$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=65536,t=2,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=1,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=99$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=65536,t=2,p=1$c29t!XNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$",
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc ",
      " $argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$ARGON2ID$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=65536,t=2,p=1,x=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPd",
      "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",  // bcrypt
      good.substr(0, good.size() - 1),                                 // truncated
      good + "A",
      good.substr(1),
  };
  // Most entries are the reference vector bent out of shape, so "password"
  // would verify if the parser were lenient.
  for (const std::string& encoded : malformed) {
    EXPECT_FALSE(VerifyPassword(encoded, "password")) << encoded;
    EXPECT_FALSE(VerifyPassword(encoded, "pw")) << encoded;
    EXPECT_FALSE(VerifyPassword(encoded, "")) << encoded;
    EXPECT_TRUE(NeedsRehash(encoded)) << encoded;
  }
}

TEST(PasswordHashTest, TamperedHashDoesNotVerify) {
  std::string encoded = HashPassword("pw");
  char& last_before_end = encoded[encoded.size() - 2];
  last_before_end = last_before_end == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPassword(encoded, "pw"));
}

TEST(PasswordHashTest, EmbeddedNulInEncodingIsRejected) {
  // Without the check libargon2 would read only the part before the NUL.
  std::string encoded = HashPassword("pw");
  encoded.push_back('\0');
  encoded += "trailing";
  EXPECT_FALSE(VerifyPassword(encoded, "pw"));
}

TEST(PasswordHashTest, ExcessiveCostsAreRefusedWithoutHashing) {
  // 4 GiB of memory or a million passes from a corrupt row must not run.
  EXPECT_FALSE(VerifyPassword(
      "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "password"));
  EXPECT_FALSE(
      VerifyPassword("$argon2id$v=19$m=19456,t=1000000,p=1$c29tZXNhbHQ$"
                     "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                     "password"));
  EXPECT_FALSE(VerifyPassword(
      "$argon2id$v=19$m=19456,t=2,p=255$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "password"));
}

}  // namespace
}  // namespace auth
