#include "server/dav/etag.h"

#include <gtest/gtest.h>

namespace dav {
namespace {

EntityTag Strong(std::string opaque) { return EntityTag{false, std::move(opaque)}; }
EntityTag Weak(std::string opaque) { return EntityTag{true, std::move(opaque)}; }

TEST(QuoteEtagTest, WrapsTheStoredValueInQuotes) {
  EXPECT_EQ(QuoteEtag("3f2a9c"), "\"3f2a9c\"");
  EXPECT_EQ(QuoteEtag(""), "\"\"");
}

TEST(QuoteEtagTest, QuotedFormParsesBackToTheStoredTag) {
  EXPECT_EQ(ParseEntityTag(QuoteEtag("3f2a9c")), StoredEntityTag("3f2a9c"));
  EXPECT_EQ(StoredEntityTag("3f2a9c"), Strong("3f2a9c"));
}

TEST(ParseEntityTagTest, StrongAndWeak) {
  EXPECT_EQ(ParseEntityTag("\"xyzzy\""), Strong("xyzzy"));
  EXPECT_EQ(ParseEntityTag("W/\"xyzzy\""), Weak("xyzzy"));
  EXPECT_EQ(ParseEntityTag("\"\""), Strong(""));
  // etagc includes "," "[" "]" "/" and obs-text.
  EXPECT_EQ(ParseEntityTag("\"a,b[]/\""), Strong("a,b[]/"));
  EXPECT_EQ(ParseEntityTag("\"caf\xC3\xA9\""), Strong("caf\xC3\xA9"));
  EXPECT_EQ(ParseEntityTag("\"a\\\""), Strong("a\\"));  // no escapes: "\" is etagc
}

TEST(ParseEntityTagTest, AcceptsSpacesOfTheRfc2616Form) {
  // RFC 4918 §10.4.6 uses ["I am an ETag"].
  EXPECT_EQ(ParseEntityTag("\"I am an ETag\""), Strong("I am an ETag"));
  EXPECT_EQ(ParseEntityTag("W/\"A weak\tETag\""), Weak("A weak\tETag"));
  std::optional<EntityTagList> list = ParseEntityTagList("\"a b\", \"c\"");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->tags, (std::vector<EntityTag>{Strong("a b"), Strong("c")}));
}

TEST(ParseEntityTagTest, RejectsMalformed) {
  for (std::string_view text :
       {"", "xyzzy", "\"xyzzy", "xyzzy\"", "w/\"xyzzy\"", "W\"xyzzy\"", "W/xyzzy", "\"a\"b\"",
        "\"a\"\"b\"", " \"a\"", "\"a\" ", "\"a\rb\"", "\"a\nb\"", "*", "W/", "\"", "\"a\x7F\""}) {
    EXPECT_FALSE(ParseEntityTag(text)) << text;
  }
  EXPECT_FALSE(ParseEntityTag(std::string_view("\"a\0b\"", 5)));
}

TEST(ConsumeEntityTagTest, LeavesTheRest) {
  std::string_view text = "W/\"x\"]rest";
  EXPECT_EQ(ConsumeEntityTag(text), Weak("x"));
  EXPECT_EQ(text, "]rest");
}

TEST(ConsumeEntityTagTest, FailureLeavesInputUnchanged) {
  std::string_view text = "W/\"unterminated";
  EXPECT_FALSE(ConsumeEntityTag(text));
  EXPECT_EQ(text, "W/\"unterminated");
}

TEST(ParseEntityTagListTest, Star) {
  std::optional<EntityTagList> list = ParseEntityTagList("*");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->any);
  EXPECT_TRUE(list->tags.empty());
  ASSERT_TRUE(ParseEntityTagList("  *\t"));
  EXPECT_TRUE(ParseEntityTagList("  *\t")->any);
}

TEST(ParseEntityTagListTest, SeveralTags) {
  std::optional<EntityTagList> list = ParseEntityTagList("\"xyzzy\", W/\"r2d2xxxx\",\"c3piozzzz\"");
  ASSERT_TRUE(list);
  EXPECT_FALSE(list->any);
  EXPECT_EQ(list->tags,
            (std::vector<EntityTag>{Strong("xyzzy"), Weak("r2d2xxxx"), Strong("c3piozzzz")}));
}

TEST(ParseEntityTagListTest, CommaInsideATagIsNotASeparator) {
  std::optional<EntityTagList> list = ParseEntityTagList("\"a,b\", \"c\"");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->tags, (std::vector<EntityTag>{Strong("a,b"), Strong("c")}));
}

TEST(ParseEntityTagListTest, EmptyElementsAreIgnored) {
  // RFC 7230 §7: recipients accept empty list elements.
  std::optional<EntityTagList> list = ParseEntityTagList(" ,, \"a\" ,\t, \"b\",");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->tags, (std::vector<EntityTag>{Strong("a"), Strong("b")}));
}

TEST(ParseEntityTagListTest, RejectsMalformed) {
  for (std::string_view text :
       {"", "  ", ",", " , ,", "a", "xyzzy", "\"a\" \"b\"", "\"a\"b", "*, \"a\"", "\"a\", *", "**",
        "\"a", "\"a\", b", "W/", "\"a\";\"b\""}) {
    EXPECT_FALSE(ParseEntityTagList(text)) << text;
  }
}

// The table of RFC 7232 §2.3.2.
TEST(EntityTagComparisonTest, Rfc7232Table) {
  EXPECT_FALSE(StrongMatch(Weak("1"), Weak("1")));
  EXPECT_TRUE(WeakMatch(Weak("1"), Weak("1")));

  EXPECT_FALSE(StrongMatch(Weak("1"), Weak("2")));
  EXPECT_FALSE(WeakMatch(Weak("1"), Weak("2")));

  EXPECT_FALSE(StrongMatch(Weak("1"), Strong("1")));
  EXPECT_TRUE(WeakMatch(Weak("1"), Strong("1")));

  EXPECT_TRUE(StrongMatch(Strong("1"), Strong("1")));
  EXPECT_TRUE(WeakMatch(Strong("1"), Strong("1")));
}

TEST(EntityTagComparisonTest, CaseSensitive) {
  EXPECT_FALSE(StrongMatch(Strong("abc"), Strong("ABC")));
  EXPECT_FALSE(WeakMatch(Strong("abc"), Strong("ABC")));
}

}  // namespace
}  // namespace dav
