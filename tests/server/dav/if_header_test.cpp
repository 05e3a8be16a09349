#include "server/dav/if_header.h"

#include <cstdint>
#include <map>
#include <string>

#include <gtest/gtest.h>

namespace dav {
namespace {

constexpr const char* kToken1 = "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2";
constexpr const char* kToken2 = "urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092";
constexpr const char* kLitmusToken = "opaquelocktoken:e71d4fae-5dec-22d6-fea5-00a0c91e6be4";

IfHeader MustParse(std::string_view value) {
  base::Result<IfHeader> parsed = ParseIfHeader(value);
  EXPECT_TRUE(parsed.ok()) << value << ": " << parsed.status().message();
  return parsed.ok() ? parsed.value() : IfHeader{};
}

IfCondition Token(std::string value, bool negated = false) {
  return IfCondition{negated, false, std::move(value)};
}
IfCondition Etag(std::string value, bool negated = false) {
  return IfCondition{negated, true, std::move(value)};
}

void ExpectCondition(const IfCondition& actual, const IfCondition& expected) {
  EXPECT_EQ(actual.negated, expected.negated);
  EXPECT_EQ(actual.is_etag, expected.is_etag);
  EXPECT_EQ(actual.value, expected.value);
}

void ExpectList(const IfList& actual, const std::vector<IfCondition>& expected) {
  ASSERT_EQ(actual.conditions.size(), expected.size());
  for (size_t index = 0; index < expected.size(); ++index) {
    ExpectCondition(actual.conditions[index], expected[index]);
  }
}

// A lookup for the untagged group only.
IfStateLookup RequestUri(IfResourceState state) {
  return [state](const std::optional<std::string>& tag) -> std::optional<IfResourceState> {
    if (tag) return std::nullopt;
    return state;
  };
}

IfResourceState Locked(std::vector<std::string> tokens, std::string etag = "abc") {
  return IfResourceState{true, std::move(etag), std::move(tokens)};
}

bool Evaluate(std::string_view value, const IfResourceState& state) {
  return EvaluateIfHeader(MustParse(value), RequestUri(state));
}

// --- Parsing ---

TEST(ParseIfHeaderTest, Rfc4918NoTagProduction) {
  // §10.4.6, with the line folding of the example.
  IfHeader header = MustParse(
      "(<urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2>\r\n  [\"I am an ETag\"])\r\n"
      "  ([\"I am another ETag\"])");
  ASSERT_EQ(header.groups.size(), 1u);
  EXPECT_FALSE(header.groups[0].resource_tag);
  ASSERT_EQ(header.groups[0].lists.size(), 2u);
  ExpectList(header.groups[0].lists[0], {Token(kToken1), Etag("\"I am an ETag\"")});
  ExpectList(header.groups[0].lists[1], {Etag("\"I am another ETag\"")});
}

TEST(ParseIfHeaderTest, Rfc4918Not) {
  // §10.4.7
  IfHeader header = MustParse(
      "(Not <urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2>\n"
      " <urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092>)");
  ASSERT_EQ(header.groups.size(), 1u);
  ASSERT_EQ(header.groups[0].lists.size(), 1u);
  ExpectList(header.groups[0].lists[0], {Token(kToken1, true), Token(kToken2)});
}

TEST(ParseIfHeaderTest, Rfc4918TaggedListInCopy) {
  // §10.4.9
  IfHeader header = MustParse(
      "</resource1>\n  (<urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2>\n"
      "  [W/\"A weak ETag\"]) ([\"strong ETag\"])");
  ASSERT_EQ(header.groups.size(), 1u);
  EXPECT_EQ(header.groups[0].resource_tag, "/resource1");
  ASSERT_EQ(header.groups[0].lists.size(), 2u);
  ExpectList(header.groups[0].lists[0], {Token(kToken1), Etag("W/\"A weak ETag\"")});
  ExpectList(header.groups[0].lists[1], {Etag("\"strong ETag\"")});
}

TEST(ParseIfHeaderTest, TaggedListWithAbsoluteUri) {
  // §10.4.10 and litmus's `<http://x/y> (<token>)`.
  IfHeader header = MustParse(
      "<http://www.example.com/specs/> (<urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2>)");
  ASSERT_EQ(header.groups.size(), 1u);
  EXPECT_EQ(header.groups[0].resource_tag, "http://www.example.com/specs/");
  ExpectList(header.groups[0].lists[0], {Token(kToken1)});
}

TEST(ParseIfHeaderTest, SeveralTaggedLists) {
  IfHeader header = MustParse(
      "<http://h/a> (<urn:a>) (Not <DAV:no-lock>) <http://h/b>(<urn:b>[\"e\"])<http://h/a> "
      "(<urn:c>)");
  ASSERT_EQ(header.groups.size(), 3u);
  EXPECT_EQ(header.groups[0].resource_tag, "http://h/a");
  ASSERT_EQ(header.groups[0].lists.size(), 2u);
  ExpectList(header.groups[0].lists[1], {Token("DAV:no-lock", true)});
  EXPECT_EQ(header.groups[1].resource_tag, "http://h/b");
  ExpectList(header.groups[1].lists[0], {Token("urn:b"), Etag("\"e\"")});
  EXPECT_EQ(header.groups[2].resource_tag, "http://h/a");  // a repeated tag is kept as sent
}

TEST(ParseIfHeaderTest, LitmusForms) {
  const std::string token = std::string("<") + kLitmusToken + ">";
  ExpectList(MustParse("(" + token + ")").groups[0].lists[0], {Token(kLitmusToken)});

  IfHeader always = MustParse("(" + token + ") (Not <DAV:no-lock>)");
  ASSERT_EQ(always.groups[0].lists.size(), 2u);
  ExpectList(always.groups[0].lists[1], {Token("DAV:no-lock", true)});

  IfHeader with_etag = MustParse("(" + token + " [\"etag\"]) (Not <DAV:no-lock> [\"etag\"])");
  ASSERT_EQ(with_etag.groups[0].lists.size(), 2u);
  ExpectList(with_etag.groups[0].lists[0], {Token(kLitmusToken), Etag("\"etag\"")});
  ExpectList(with_etag.groups[0].lists[1], {Token("DAV:no-lock", true), Etag("\"etag\"")});
}

TEST(ParseIfHeaderTest, WhitespaceIsOptionalAndFlexible) {
  for (std::string_view value :
       {"(<urn:a>)", "  (<urn:a>)  ", "(\t<urn:a>\t)", "(  <urn:a>  )\r\n", "\r\n (<urn:a>)"}) {
    IfHeader header = MustParse(value);
    ASSERT_EQ(header.groups.size(), 1u) << value;
    ExpectList(header.groups[0].lists[0], {Token("urn:a")});
  }
  // Whitespace is only forbidden inside <> and [].
  ExpectList(MustParse("( [\"abc\"] )").groups[0].lists[0], {Etag("\"abc\"")});
  IfHeader packed = MustParse("(<urn:a>)(<urn:b>[\"x\"])");
  ASSERT_EQ(packed.groups[0].lists.size(), 2u);
  ExpectList(packed.groups[0].lists[1], {Token("urn:b"), Etag("\"x\"")});
}

TEST(ParseIfHeaderTest, NotIsCaseInsensitiveAndNeedsNoSpace) {
  for (std::string_view value :
       {"(Not <urn:a>)", "(not <urn:a>)", "(NOT <urn:a>)", "(nOt\t<urn:a>)", "(Not<urn:a>)"}) {
    IfHeader header = MustParse(value);
    ASSERT_EQ(header.groups.size(), 1u) << value;
    ExpectList(header.groups[0].lists[0], {Token("urn:a", true)});
  }
  ExpectList(MustParse("(Not[\"x\"])").groups[0].lists[0], {Etag("\"x\"", true)});
}

TEST(ParseIfHeaderTest, EntityTagsMayContainBrackets) {
  // etagc includes "[" and "]"; the tag ends at its closing quote.
  ExpectList(MustParse("([\"a]b[\"])").groups[0].lists[0], {Etag("\"a]b[\"")});
}

TEST(ParseIfHeaderTest, RejectsGarbage) {
  const char* const kBad[] = {
      "",
      "   ",
      "\r\n",
      "(",
      ")",
      "()",
      "( )",
      "(<urn:a>",
      "(<urn:a>))",
      "((<urn:a>))",
      "(<urn:a>) )",
      "<urn:a>",
      "<http://h/a>",
      "<http://h/a>  ",
      "<http://h/a> <http://h/b> (<urn:a>)",
      "(urn:a)",
      "(<urn:a)",
      "(urn:a>)",
      "(<>)",
      "<>(<urn:a>)",
      "(<urn: a>)",
      "< http://h/a>(<urn:a>)",
      "(<urn:<a>>)",
      "([abc])",
      "([ \"abc\"])",
      "([\"abc\" ])",
      "([\"abc\")",
      "([\"abc])",
      "([w/\"abc\"])",
      "([])",
      "(Not)",
      "(Not )",
      "(Not",
      "(Not Not <urn:a>)",
      "(Nota <urn:a>)",
      "(Not <urn:a> Not)",
      "(<urn:a>) <http://h/b> (<urn:b>)",  // untagged then tagged
      "<http://h/b> (<urn:b>) (<urn:c>) x",
      "<http://h/b> (<urn:b>) x (<urn:c>)",
      "(<urn:a>) x",
      "x (<urn:a>)",
      "Not (<urn:a>)",
      "[\"abc\"]",
      "(<urn:a>),(<urn:b>)",
  };
  for (const char* value : kBad) {
    base::Result<IfHeader> parsed = ParseIfHeader(value);
    EXPECT_FALSE(parsed.ok()) << value;
    EXPECT_EQ(parsed.status().code(), base::Code::kBadRequest) << value;
  }
  EXPECT_FALSE(ParseIfHeader(std::string_view("(<urn:\0a>)", 10)).ok());
}

// Never crashes on arbitrary input: every prefix and every single-byte
// mutation of a rich header, and a deterministic stream of random inputs
// (run under -fsanitize=address,undefined). The fuzzer will go further.
TEST(ParseIfHeaderTest, SurvivesMutatedInput) {
  const std::string seed =
      "<http://h/a> (<urn:a> [W/\"e,]\"]) (Not <DAV:no-lock>)\r\n <http://h/b> (Not [\"x\"])";
  ASSERT_TRUE(ParseIfHeader(seed).ok());
  for (size_t length = 0; length <= seed.size(); ++length) {
    (void)ParseIfHeader(seed.substr(0, length));
  }
  const std::string alphabet = "<>()[]\"W/Not \t\r\n:a";
  for (size_t index = 0; index < seed.size(); ++index) {
    for (char replacement : alphabet) {
      std::string mutated = seed;
      mutated[index] = replacement;
      base::Result<IfHeader> parsed = ParseIfHeader(mutated);
      if (parsed.ok()) {
        (void)SubmittedTokens(*parsed);
        (void)EvaluateIfHeader(*parsed, [](const std::optional<std::string>&) {
          return std::optional<IfResourceState>(IfResourceState{true, "e,]", {"urn:a"}});
        });
      }
    }
  }
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    const int length = static_cast<int>(state % 40);
    for (int position = 0; position < length; ++position) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const uint64_t pick = state >> 33;
      input.push_back(pick % 4 == 0 ? static_cast<char>(pick >> 8)
                                    : alphabet[(pick >> 8) % alphabet.size()]);
    }
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    (void)ParseIfHeader(input);
  }
}

// --- Submitted tokens (§10.4.1, §7.5) ---

TEST(SubmittedTokensTest, EveryStateTokenNegatedOrNotOnce) {
  IfHeader header = MustParse(
      "<http://h/a> (<urn:a> [\"e\"]) (Not <urn:b>) <http://h/b> (<urn:a>) (Not <DAV:no-lock>)");
  EXPECT_EQ(SubmittedTokens(header), (std::vector<std::string>{"urn:a", "urn:b", "DAV:no-lock"}));
}

TEST(SubmittedTokensTest, EntityTagsAreNotTokens) {
  EXPECT_TRUE(SubmittedTokens(MustParse("([\"etag\"]) (Not [W/\"x\"])")).empty());
}

TEST(SubmittedTokensTest, StaleTokenWithAlwaysTrueListIsSubmitted) {
  // §10.4.8: the token is submitted even though its own list is false.
  IfHeader header = MustParse(std::string("(<") + kToken1 + ">) (Not <DAV:no-lock>)");
  EXPECT_EQ(SubmittedTokens(header), (std::vector<std::string>{kToken1, "DAV:no-lock"}));
  EXPECT_TRUE(EvaluateIfHeader(header, RequestUri(Locked({}))));
}

// --- Evaluation (§10.4.3, §10.4.4) ---

TEST(EvaluateIfHeaderTest, StateToken) {
  EXPECT_TRUE(Evaluate("(<urn:a>)", Locked({"urn:x", "urn:a"})));
  EXPECT_FALSE(Evaluate("(<urn:a>)", Locked({"urn:x"})));
  EXPECT_FALSE(Evaluate("(<urn:a>)", Locked({})));
  EXPECT_FALSE(Evaluate("(<URN:A>)", Locked({"urn:a"})));  // exact match
}

TEST(EvaluateIfHeaderTest, Rfc4918NoTagProduction) {
  // §10.4.6: (locked with token1 AND etag "I am an ETag") OR etag "I am another ETag".
  const std::string value =
      std::string("(<") + kToken1 + "> [\"I am an ETag\"]) ([\"I am another ETag\"])";
  EXPECT_TRUE(Evaluate(value, Locked({kToken1}, "I am an ETag")));
  EXPECT_FALSE(Evaluate(value, Locked({}, "I am an ETag")));
  EXPECT_TRUE(Evaluate(value, Locked({}, "I am another ETag")));
  EXPECT_FALSE(Evaluate(value, Locked({kToken1}, "something else")));
}

TEST(EvaluateIfHeaderTest, Rfc4918Not) {
  // §10.4.7: not locked with token1, and locked with token2.
  const std::string value = std::string("(Not <") + kToken1 + "> <" + kToken2 + ">)";
  EXPECT_TRUE(Evaluate(value, Locked({kToken2})));
  EXPECT_FALSE(Evaluate(value, Locked({kToken1, kToken2})));
  EXPECT_FALSE(Evaluate(value, Locked({})));
}

TEST(EvaluateIfHeaderTest, NoLockNeverMatches) {
  EXPECT_TRUE(Evaluate("(Not <DAV:no-lock>)", Locked({"urn:a"})));
  EXPECT_FALSE(Evaluate("(<DAV:no-lock>)", Locked({"urn:a"})));
  // Even if a caller were to list it as a lock token.
  EXPECT_FALSE(Evaluate("(<DAV:no-lock>)", Locked({"DAV:no-lock"})));
}

TEST(EvaluateIfHeaderTest, EntityTagsUseStrongComparison) {
  EXPECT_TRUE(Evaluate("([\"abc\"])", Locked({}, "abc")));
  EXPECT_FALSE(Evaluate("([\"abd\"])", Locked({}, "abc")));
  EXPECT_FALSE(Evaluate("([W/\"abc\"])", Locked({}, "abc")));
  EXPECT_TRUE(Evaluate("(Not [W/\"abc\"])", Locked({}, "abc")));
  EXPECT_FALSE(Evaluate("([\"\"])", Locked({}, "")));  // no ETag: nothing matches
}

TEST(EvaluateIfHeaderTest, LitmusTokenAndEtag) {
  const std::string value =
      std::string("(<") + kLitmusToken + "> [\"etag\"]) (Not <DAV:no-lock> [\"etag\"])";
  EXPECT_TRUE(Evaluate(value, Locked({kLitmusToken}, "etag")));
  // Stale token but right ETag: the second list holds.
  EXPECT_TRUE(Evaluate(value, Locked({}, "etag")));
  // Wrong ETag fails both lists.
  EXPECT_FALSE(Evaluate(value, Locked({kLitmusToken}, "other")));
}

TEST(EvaluateIfHeaderTest, Rfc4918UnmappedUrl) {
  // §10.4.11: an unmapped URL exists-without-state.
  IfResourceState unmapped;
  std::map<std::string, IfResourceState> resources = {{"/specs/rfc2518.doc", unmapped}};
  auto state_of = [&](const std::optional<std::string>& tag) -> std::optional<IfResourceState> {
    if (!tag) return std::nullopt;
    auto found = resources.find(*tag);
    if (found == resources.end()) return std::nullopt;
    return found->second;
  };
  EXPECT_FALSE(EvaluateIfHeader(MustParse("</specs/rfc2518.doc> ([\"4217\"])"), state_of));
  EXPECT_TRUE(EvaluateIfHeader(MustParse("</specs/rfc2518.doc> (Not [\"4217\"])"), state_of));
  EXPECT_FALSE(EvaluateIfHeader(MustParse("</specs/rfc2518.doc> (<urn:a>)"), state_of));
  EXPECT_TRUE(EvaluateIfHeader(MustParse("</specs/rfc2518.doc> (Not <urn:a>)"), state_of));
}

TEST(EvaluateIfHeaderTest, UnmappedUrlInsideALockedCollection) {
  // PUT creating /locked/new under a depth-infinity lock: the URL is in the
  // lock's scope though nothing is mapped there yet (§7.4, §10.4.4).
  IfResourceState new_member{false, "", {"urn:collection-lock"}};
  EXPECT_TRUE(Evaluate("(<urn:collection-lock>)", new_member));
  EXPECT_FALSE(Evaluate("(<urn:collection-lock> [\"abc\"])", new_member));
}

TEST(EvaluateIfHeaderTest, TaggedListsNameTheirResource) {
  // §10.4.10: DELETE /specs/rfc2518.txt with a tag naming the collection.
  std::vector<std::optional<std::string>> asked;
  auto state_of = [&](const std::optional<std::string>& tag) -> std::optional<IfResourceState> {
    asked.push_back(tag);
    if (tag == "http://www.example.com/specs/") return Locked({kToken1});
    if (tag == "http://www.example.com/specs/rfc2518.txt") return Locked({});
    return std::nullopt;
  };
  EXPECT_TRUE(EvaluateIfHeader(
      MustParse(std::string("<http://www.example.com/specs/> (<") + kToken1 + ">)"), state_of));
  EXPECT_FALSE(EvaluateIfHeader(
      MustParse(std::string("<http://www.example.com/specs/rfc2518.txt> (<") + kToken1 + ">)"),
      state_of));
  EXPECT_EQ(asked,
            (std::vector<std::optional<std::string>>{"http://www.example.com/specs/",
                                                     "http://www.example.com/specs/rfc2518.txt"}));
}

TEST(EvaluateIfHeaderTest, UntaggedListsAskForTheRequestUri) {
  std::vector<std::optional<std::string>> asked;
  auto state_of = [&](const std::optional<std::string>& tag) -> std::optional<IfResourceState> {
    asked.push_back(tag);
    return Locked({"urn:a"});
  };
  EXPECT_TRUE(EvaluateIfHeader(MustParse("(<urn:b>) (<urn:a>)"), state_of));
  EXPECT_EQ(asked, (std::vector<std::optional<std::string>>{std::nullopt}));
}

TEST(EvaluateIfHeaderTest, TaggedListsAreADisjunction) {
  // §10.4.3: true iff at least one Tagged-list production is true — also
  // when the productions name different resources (e.g. MOVE source and
  // destination, §7.5).
  auto state_of = [](const std::optional<std::string>& tag) -> std::optional<IfResourceState> {
    if (tag == "/src") return Locked({"urn:src"});
    if (tag == "/dst") return Locked({"urn:dst"});
    return std::nullopt;
  };
  EXPECT_TRUE(EvaluateIfHeader(MustParse("</src> (<urn:src>) </dst> (<urn:dst>)"), state_of));
  EXPECT_TRUE(EvaluateIfHeader(MustParse("</src> (<urn:stale>) </dst> (<urn:dst>)"), state_of));
  EXPECT_TRUE(EvaluateIfHeader(MustParse("</src> (<urn:src>) </dst> (<urn:stale>)"), state_of));
  EXPECT_FALSE(EvaluateIfHeader(MustParse("</src> (<urn:dst>) </dst> (<urn:src>)"), state_of));
}

TEST(EvaluateIfHeaderTest, ForeignTagIsFalseEvenWhenNegated) {
  auto state_of = [](const std::optional<std::string>& tag) -> std::optional<IfResourceState> {
    if (tag == "http://here/a") return Locked({"urn:a"});
    return std::nullopt;  // e.g. http://elsewhere/…
  };
  EXPECT_FALSE(EvaluateIfHeader(MustParse("<http://elsewhere/x> (Not <DAV:no-lock>)"), state_of));
  EXPECT_FALSE(EvaluateIfHeader(MustParse("<http://elsewhere/x> (Not [\"e\"])"), state_of));
  // A foreign group does not spoil a true one.
  EXPECT_TRUE(EvaluateIfHeader(
      MustParse("<http://elsewhere/x> (Not <DAV:no-lock>) <http://here/a> (<urn:a>)"), state_of));
}

TEST(EvaluateIfHeaderTest, StopsAtTheFirstTrueList) {
  int calls = 0;
  auto state_of = [&](const std::optional<std::string>&) -> std::optional<IfResourceState> {
    ++calls;
    return Locked({"urn:a"});
  };
  EXPECT_TRUE(
      EvaluateIfHeader(MustParse("</a> (<urn:a>) </b> (<urn:a>) </c> (<urn:a>)"), state_of));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace dav
