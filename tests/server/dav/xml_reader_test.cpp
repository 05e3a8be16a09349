#include "server/dav/xml_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "server/dav/names.h"

namespace dav {
namespace {

constexpr std::string_view kCustomNs = "urn:x-test";

XmlElement ParseOk(std::string_view body, const XmlLimits& limits = {}) {
  base::Result<XmlElement> parsed = ParseXml(body, limits);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message() << "\nbody: " << body;
  return parsed.ok() ? std::move(parsed).value() : XmlElement{};
}

base::Status ParseError(std::string_view body, const XmlLimits& limits = {}) {
  base::Result<XmlElement> parsed = ParseXml(body, limits);
  EXPECT_FALSE(parsed.ok()) << "accepted: " << body;
  return parsed.status();
}

// parse → serialise → parse must give the same tree, and serialising that
// tree again must give the same bytes.
void ExpectRoundTrip(std::string_view body) {
  SCOPED_TRACE(std::string(body));
  XmlElement first = ParseOk(body);
  std::string serialised = SerializeXml(first);
  SCOPED_TRACE(serialised);
  XmlElement second = ParseOk(serialised);
  EXPECT_EQ(first, second);
  EXPECT_EQ(serialised, SerializeXml(second));
}

std::string Nested(size_t depth) {
  std::string body;
  for (size_t level = 0; level < depth; ++level) body += "<a>";
  for (size_t level = 0; level < depth; ++level) body += "</a>";
  return body;
}

// --- Parsing ---------------------------------------------------------------

TEST(XmlReaderTest, PropfindWithSeveralNamespaces) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
      "<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\n"
      "  <D:prop xmlns=\"http://apple.com/ns/ical/\">\n"
      "    <D:resourcetype/>\n"
      "    <C:calendar-home-set/>\n"
      "    <calendar-color/>\n"
      "    <x:thing xmlns:x=\"urn:x-test\"/>\n"
      "    <plain xmlns=\"\"/>\n"
      "  </D:prop>\n"
      "</D:propfind>\n";
  XmlElement root = ParseOk(body);
  EXPECT_TRUE(root.Is(kDavNs, "propfind"));
  EXPECT_TRUE(root.attributes.empty());  // xmlns declarations are not attributes
  ASSERT_EQ(root.children.size(), 1u);
  const XmlElement* prop = root.Child(kDavNs, "prop");
  ASSERT_NE(prop, nullptr);
  EXPECT_TRUE(prop->attributes.empty());
  ASSERT_EQ(prop->children.size(), 5u);
  EXPECT_TRUE(prop->children[0].Is(kDavNs, "resourcetype"));
  EXPECT_TRUE(prop->children[1].Is(kCalDavNs, "calendar-home-set"));
  EXPECT_TRUE(prop->children[2].Is(kAppleIcalNs, "calendar-color"));
  EXPECT_TRUE(prop->children[3].Is(kCustomNs, "thing"));
  EXPECT_TRUE(prop->children[4].Is("", "plain"));
  EXPECT_NE(prop->Child(kAppleIcalNs, "calendar-color"), nullptr);
  EXPECT_EQ(prop->Child(kDavNs, "calendar-color"), nullptr);
  EXPECT_EQ(root.Child(kDavNs, "allprop"), nullptr);
  // Whitespace-only text is kept as it is; callers trim.
  EXPECT_EQ(root.text, "\n  ");
  EXPECT_EQ(prop->text, "\n    ");
  EXPECT_EQ(prop->tail, "\n");
  EXPECT_EQ(prop->children[4].tail, "\n  ");
}

TEST(XmlReaderTest, DefaultNamespaceOnRoot) {
  XmlElement root = ParseOk("<propfind xmlns='DAV:'><prop><getetag/></prop></propfind>");
  EXPECT_TRUE(root.Is(kDavNs, "propfind"));
  ASSERT_NE(root.Child(kDavNs, "prop"), nullptr);
  EXPECT_NE(root.Child(kDavNs, "prop")->Child(kDavNs, "getetag"), nullptr);
}

TEST(XmlReaderTest, NoNamespace) {
  XmlElement root = ParseOk("<a><b/></a>");
  EXPECT_TRUE(root.Is("", "a"));
  EXPECT_TRUE(root.children.at(0).Is("", "b"));
  EXPECT_FALSE(root.Is(kDavNs, "a"));
}

// Regression: with Poco's default SAX features an element without a namespace
// took the URI of the tag before it.
TEST(XmlReaderTest, NoNamespaceElementAfterNamespacedTags) {
  XmlElement root =
      ParseOk("<D:prop xmlns:D='DAV:'><x/><D:y/><z><t:w xmlns:t='urn:x-test'/><v/></z></D:prop>");
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_TRUE(root.children[0].Is("", "x"));
  EXPECT_TRUE(root.children[1].Is(kDavNs, "y"));
  EXPECT_TRUE(root.children[2].Is("", "z"));
  EXPECT_TRUE(root.children[2].children.at(0).Is(kCustomNs, "w"));
  EXPECT_TRUE(root.children[2].children.at(1).Is("", "v"));
}

TEST(XmlReaderTest, Attributes) {
  XmlElement root = ParseOk(
      "<D:x xmlns:D='DAV:' xmlns:t='urn:x-test' plain='1' t:qualified='2' xml:lang='de-CH'"
      " D:same='3'/>");
  ASSERT_EQ(root.attributes.size(), 4u);
  EXPECT_EQ(root.attributes[0], (XmlAttribute{"", "plain", "1"}));
  EXPECT_EQ(root.attributes[1], (XmlAttribute{std::string(kCustomNs), "qualified", "2"}));
  EXPECT_EQ(root.attributes[2], (XmlAttribute{std::string(kXmlNs), "lang", "de-CH"}));
  EXPECT_EQ(root.attributes[3], (XmlAttribute{std::string(kDavNs), "same", "3"}));
  ASSERT_NE(root.Attribute("", "plain"), nullptr);
  EXPECT_EQ(*root.Attribute("", "plain"), "1");
  EXPECT_EQ(*root.Attribute(kXmlNs, "lang"), "de-CH");
  EXPECT_EQ(root.Attribute(kCustomNs, "plain"), nullptr);
  EXPECT_EQ(root.Attribute("", "qualified"), nullptr);
}

TEST(XmlReaderTest, AttributeValuesAreNormalisedButReferencesAreNot) {
  // XML 1.0 §3.3.3: literal tab/LF become spaces, character references stay.
  XmlElement root = ParseOk("<a v='x\ty\nz&#9;&#10;&#13;&quot;&lt;'/>");
  EXPECT_EQ(*root.Attribute("", "v"), "x y z\t\n\r\"<");
}

TEST(XmlReaderTest, TextAndTailFollowElementTree) {
  XmlElement root = ParseOk("<a>one<b>two</b>three<c/>four<d><e/>five</d></a>");
  EXPECT_EQ(root.text, "one");
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(root.children[0].text, "two");
  EXPECT_EQ(root.children[0].tail, "three");
  EXPECT_EQ(root.children[1].text, "");
  EXPECT_EQ(root.children[1].tail, "four");
  EXPECT_EQ(root.children[2].text, "");
  EXPECT_EQ(root.children[2].children.at(0).tail, "five");
  EXPECT_EQ(root.children[2].tail, "");
  EXPECT_EQ(root.AllText(), "onetwothreefourfive");
  EXPECT_EQ(root.children[0].AllText(), "two");  // its own tail is outside it
}

TEST(XmlReaderTest, TrimmedText) {
  XmlElement root = ParseOk("<D:href xmlns:D='DAV:'>\r\n\t /cal/a%20b.ics \n</D:href>");
  EXPECT_EQ(root.TrimmedText(), "/cal/a%20b.ics");
  EXPECT_EQ(ParseOk("<a> \n </a>").TrimmedText(), "");
}

TEST(XmlReaderTest, ReferencesCdataAndCommentsBecomeText) {
  XmlElement root = ParseOk(
      "<a>&lt;&amp;&gt;&apos;&quot;&#x10000;&#65;<![CDATA[<b>&amp;]]><!-- gone -->"
      "<?pi gone?>end</a>");
  EXPECT_EQ(root.text, "<&>'\"\U00010000A<b>&amp;end");
  EXPECT_TRUE(root.children.empty());
}

TEST(XmlReaderTest, LongTextDeliveredInPiecesIsAccumulated) {
  std::string expected;
  std::string body = "<a>";
  for (int index = 0; index < 20000; ++index) {
    body += "line &amp; more\n";
    expected += "line & more\n";
  }
  body += "<b/>";
  body += "tail &#x1F600;";
  expected += "tail \xF0\x9F\x98\x80";
  body += "</a>";
  XmlElement root = ParseOk(body);
  EXPECT_EQ(root.AllText(), expected);
  EXPECT_EQ(root.children.at(0).tail, "tail \xF0\x9F\x98\x80");
}

TEST(XmlReaderTest, CrLfIsNormalisedButCharacterReferenceCrIsKept) {
  // XML 1.0 §2.11: a literal CR LF is read as LF; &#13; is a real CR.
  XmlElement root = ParseOk("<a>x\r\ny&#13;\nz</a>");
  EXPECT_EQ(root.text, "x\ny\r\nz");
}

TEST(XmlReaderTest, ByteOrderMarkAndDeclarations) {
  EXPECT_TRUE(ParseOk("\xEF\xBB\xBF<a/>").Is("", "a"));
  EXPECT_TRUE(ParseOk("<?xml version='1.0' encoding='UTF-8'?><a/>").Is("", "a"));
  EXPECT_TRUE(
      ParseOk("<?xml version=\"1.0\" encoding = \"us-ascii\" standalone='yes'?><a/>").Is("", "a"));
  EXPECT_TRUE(ParseOk("<?xml version='1.0'?><a>\xC3\xBC</a>").Is("", "a"));
}

// --- Rejected bodies --------------------------------------------------------

TEST(XmlReaderTest, RejectsEmptyBody) {
  EXPECT_EQ(ParseError("").code(), base::Code::kBadRequest);
  EXPECT_EQ(ParseError("   \n").code(), base::Code::kBadRequest);
}

TEST(XmlReaderTest, RejectsXxeDoctype) {
  const std::string body =
      "<?xml version='1.0'?>\n"
      "<!DOCTYPE D:propfind [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>\n"
      "<D:propfind xmlns:D='DAV:'><D:prop><D:displayname>&xxe;</D:displayname></D:prop>"
      "</D:propfind>";
  base::Status status = ParseError(body);
  EXPECT_EQ(status.code(), base::Code::kBadRequest);
  EXPECT_NE(status.message().find("DOCTYPE"), std::string::npos) << status.message();
}

TEST(XmlReaderTest, RejectsBillionLaughsQuickly) {
  std::string body = "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 'lol'>\n";
  for (int level = 1; level <= 9; ++level) {
    body += "<!ENTITY lol" + std::to_string(level) + " '";
    for (int copy = 0; copy < 10; ++copy) body += "&lol" + std::to_string(level - 1) + ";";
    body += "'>\n";
  }
  body += "]>\n<lolz>&lol9;</lolz>";
  auto started = std::chrono::steady_clock::now();
  base::Status status = ParseError(body);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status.code(), base::Code::kBadRequest);
  EXPECT_NE(status.message().find("DOCTYPE"), std::string::npos) << status.message();
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
}

TEST(XmlReaderTest, RejectsEvenAHarmlessDoctype) {
  EXPECT_EQ(ParseError("<!DOCTYPE a><a/>").code(), base::Code::kBadRequest);
  EXPECT_EQ(ParseError("<!DOCTYPE a SYSTEM 'http://example.com/a.dtd'><a/>").code(),
            base::Code::kBadRequest);
}

TEST(XmlReaderTest, RejectsUndefinedEntity) {
  EXPECT_EQ(ParseError("<a>&nbsp;</a>").code(), base::Code::kBadRequest);
}

TEST(XmlReaderTest, DepthLimit) {
  XmlLimits limits;
  limits.max_depth = 64;
  ParseOk(Nested(64), limits);
  base::Status status = ParseError(Nested(65), limits);
  EXPECT_EQ(status.code(), base::Code::kBadRequest);
  EXPECT_NE(status.message().find("nested too deeply"), std::string::npos) << status.message();
}

// The limits stop the parse where they are hit: the rest of a 24 MB body is
// never parsed (a full parse takes hundreds of milliseconds and, for the
// nesting, hundreds of megabytes of expat tag stack).
TEST(XmlReaderTest, DepthLimitStopsTheParseEarly) {
  std::string body;
  body.reserve(24 << 20);
  while (body.size() < (24 << 20)) body += "<a>";
  auto started = std::chrono::steady_clock::now();
  base::Status status = ParseError(body);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_NE(status.message().find("nested too deeply"), std::string::npos) << status.message();
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
}

TEST(XmlReaderTest, ElementCountLimit) {
  XmlLimits limits;
  limits.max_elements = 10;
  std::string body = "<a>";
  for (int index = 0; index < 9; ++index) body += "<b/>";
  ParseOk(body + "</a>", limits);
  base::Status status = ParseError(body + "<b/></a>", limits);
  EXPECT_EQ(status.code(), base::Code::kPayloadTooLarge);
}

TEST(XmlReaderTest, ElementCountLimitStopsTheParseEarly) {
  XmlLimits limits;
  limits.max_elements = 1000;
  std::string body = "<a>";
  body.reserve(24 << 20);
  while (body.size() < (24 << 20)) body += "<b/>";
  body += "</a>";
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(ParseError(body, limits).code(), base::Code::kPayloadTooLarge);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
}

TEST(XmlReaderTest, LimitWinsOverLaterSyntaxError) {
  XmlLimits limits;
  limits.max_elements = 3;
  EXPECT_EQ(ParseError("<a><b/><c/><d/><unclosed", limits).code(), base::Code::kPayloadTooLarge);
  // An error before the limit is reported as such.
  EXPECT_EQ(ParseError("<a><b></c><d/><e/>", limits).code(), base::Code::kBadRequest);
}

// Regression (found by fuzzing): ending the parse with an exception from the
// start-element callback leaked expat's namespace binding of an empty
// element, which expat holds in a local list during the callback.
TEST(XmlReaderTest, LimitsOnEmptyElementsDeclaringNamespacesDoNotLeak) {
  XmlLimits limits;
  limits.max_elements = 2;
  EXPECT_EQ(ParseError("<a><b xmlns:x='urn:x'/><c xmlns:y='urn:y' y:z='1'/></a>", limits).code(),
            base::Code::kPayloadTooLarge);
  limits = XmlLimits();
  limits.max_depth = 1;
  EXPECT_EQ(ParseError("<a><b xmlns='urn:x'/></a>", limits).code(), base::Code::kBadRequest);
}

TEST(XmlReaderTest, RejectsMalformedXml) {
  for (std::string_view body :
       {"<a>", "<a><b></a>", "not xml", "<a></a><b/>", "<a></a>junk", "<a b='1' b='2'/>",
        "<a>&amp</a>", "<a>\x01</a>", "<a>&#0;</a>", "<a>&#x1;</a>", "<1a/>", "<a><!-- x</a>",
        "<a>]]></a>", "<?xml version='1.0'?><?xml version='1.0'?><a/>"}) {
    base::Status status = ParseError(body);
    EXPECT_EQ(status.code(), base::Code::kBadRequest) << body;
  }
}

TEST(XmlReaderTest, MalformedMessageCarriesPosition) {
  base::Status status = ParseError("<a>\n  <b>\n</a>");
  EXPECT_NE(status.message().find("line 3"), std::string::npos) << status.message();
}

TEST(XmlReaderTest, RejectsUnboundPrefix) {
  base::Status status = ParseError("<D:propfind><D:allprop/></D:propfind>");
  EXPECT_EQ(status.code(), base::Code::kBadRequest);
  EXPECT_NE(status.message().find("nbound prefix"), std::string::npos) << status.message();
  EXPECT_EQ(ParseError("<a xmlns='DAV:' x:y='1'/>").code(), base::Code::kBadRequest);
}

TEST(XmlReaderTest, RejectsPrefixUndeclaration) {
  // Namespaces in XML 1.0 §5: xmlns:D="" is not allowed (only xmlns="").
  EXPECT_EQ(ParseError("<D:a xmlns:D='DAV:'><D:b xmlns:D=''/></D:a>").code(),
            base::Code::kBadRequest);
  EXPECT_EQ(ParseError("<D:a xmlns:D=''/>").code(), base::Code::kBadRequest);
}

TEST(XmlReaderTest, RejectsReservedNamespaceBindings) {
  EXPECT_EQ(ParseError("<a xmlns:xml='urn:not-xml'/>").code(), base::Code::kBadRequest);
  EXPECT_EQ(ParseError("<a xmlns='http://www.w3.org/XML/1998/namespace'/>").code(),
            base::Code::kBadRequest);
  EXPECT_EQ(ParseError("<a xmlns:xmlns='urn:x'/>").code(), base::Code::kBadRequest);
}

TEST(XmlReaderTest, RejectsNamespaceSeparatorInUri) {
  // Poco has expat join URI and local name with a tab; a tab in the URI must
  // not let a namespace impersonate another name.
  base::Result<XmlElement> parsed = ParseXml("<a xmlns='DAV:&#9;propfind'/>");
  if (parsed.ok()) {
    EXPECT_FALSE(parsed->Is(kDavNs, "propfind"));
  }
}

TEST(XmlReaderTest, RejectsWrongEncodings) {
  EXPECT_EQ(ParseError("<a>\xFC</a>").code(), base::Code::kBadRequest);          // Latin-1 ü
  EXPECT_EQ(ParseError("<a>\xED\xA0\x80</a>").code(), base::Code::kBadRequest);  // surrogate
  EXPECT_EQ(ParseError("<?xml version='1.0' encoding='ISO-8859-1'?><a>\xC3\xBC</a>").code(),
            base::Code::kBadRequest);
  EXPECT_EQ(ParseError("<?xml version='1.0' encoding='UTF-16'?><a/>").code(),
            base::Code::kBadRequest);
  EXPECT_EQ(ParseError("<?xml version='1.0' encoding='US-ASCII'?><a>\xC3\xBC</a>").code(),
            base::Code::kBadRequest);
  // UTF-16LE with a byte order mark.
  EXPECT_EQ(ParseError(std::string("\xFF\xFE<\0a\0/\0>\0", 10)).code(), base::Code::kBadRequest);
}

TEST(XmlReaderTest, RejectsEmbeddedNul) {
  EXPECT_EQ(ParseError(std::string("<a>\0</a>", 8)).code(), base::Code::kBadRequest);
}

// --- Serialisation ---------------------------------------------------------

TEST(XmlReaderTest, SerializeDeclaresNamespacesLocally) {
  XmlElement root =
      ParseOk("<D:prop xmlns:D='DAV:'><x:a xmlns:x='urn:x-test' x:b='1'>t</x:a><D:c/></D:prop>");
  EXPECT_EQ(SerializeXml(root),
            "<prop xmlns=\"DAV:\"><a xmlns=\"urn:x-test\" xmlns:a0=\"urn:x-test\" a0:b=\"1\">t</a>"
            "<c/></prop>");
  EXPECT_EQ(SerializeXml(root.children[0]),
            "<a xmlns=\"urn:x-test\" xmlns:a0=\"urn:x-test\" a0:b=\"1\">t</a>");
}

TEST(XmlReaderTest, SerializeEscapes) {
  XmlElement element;
  element.name = "a";
  element.text = "<&>\"'\r\n\t]]>";
  element.attributes.push_back({"", "v", "<&>\"'\r\n\t"});
  EXPECT_EQ(SerializeXml(element),
            "<a xmlns=\"\" v=\"&lt;&amp;&gt;&quot;'&#13;&#10;&#9;\">&lt;&amp;&gt;\"'&#13;\n\t]]&gt;"
            "</a>");
  XmlElement parsed = ParseOk(SerializeXml(element));
  EXPECT_EQ(parsed, element);
}

TEST(XmlReaderTest, SerializedFragmentIsSelfContained) {
  // A stored dead property is spliced into a response where another default
  // namespace is in scope (XmlWriter::Raw); it must keep its own names.
  XmlElement no_ns = ParseOk("<D:prop xmlns:D='DAV:'><x>1</x></D:prop>").children.at(0);
  XmlElement custom = ParseOk("<x:a xmlns:x='urn:x-test'><x:b/><c xmlns=''/></x:a>");
  std::string document = "<outer xmlns='urn:other' xmlns:a0='urn:other'>" + SerializeXml(no_ns) +
                         SerializeXml(custom) + "</outer>";
  XmlElement outer = ParseOk(document);
  ASSERT_EQ(outer.children.size(), 2u);
  EXPECT_EQ(outer.children[0], no_ns);
  EXPECT_EQ(outer.children[1], custom);
}

TEST(XmlReaderTest, RoundTripPropfind) {
  ExpectRoundTrip(
      "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
      "<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\n"
      "  <D:prop xmlns=\"http://apple.com/ns/ical/\">\n"
      "    <D:resourcetype/>\n    <C:calendar-home-set/>\n    <calendar-color/>\n"
      "  </D:prop>\n"
      "</D:propfind>\n");
}

TEST(XmlReaderTest, RoundTripMixedContent) {
  ExpectRoundTrip("<p xmlns='urn:x-test'>Hello <b>bold <i>and</i> italic</b>, world<br/>!</p>");
  ExpectRoundTrip("<a>  <b> </b>\n\t<c/>  </a>");  // whitespace-only text too
}

TEST(XmlReaderTest, RoundTripEmptyNamespaceInsideDav) {
  const char* body = "<D:prop xmlns:D='DAV:'><x>text<D:y><z/></D:y></x></D:prop>";
  ExpectRoundTrip(body);
  XmlElement root = ParseOk(body);
  EXPECT_NE(SerializeXml(root).find("<x xmlns=\"\">"), std::string::npos);
  EXPECT_TRUE(root.children[0].children[0].children[0].Is("", "z"));
}

TEST(XmlReaderTest, RoundTripXmlLang) {
  const char* body =
      "<D:prop xmlns:D='DAV:'><D:displayname xml:lang='fr-CA'>Calendrier</D:displayname>"
      "<t:note xmlns:t='urn:x-test' xml:lang='en' xml:space='preserve'> x </t:note></D:prop>";
  ExpectRoundTrip(body);
  XmlElement root = ParseOk(body);
  std::string serialised = SerializeXml(root);
  EXPECT_NE(serialised.find("xml:lang=\"fr-CA\""), std::string::npos) << serialised;
  EXPECT_EQ(serialised.find("xmlns:xml"), std::string::npos) << serialised;
}

TEST(XmlReaderTest, RoundTripNamespacedAttributes) {
  ExpectRoundTrip(
      "<D:x xmlns:D='DAV:' xmlns:p='urn:p' xmlns:q='urn:q' p:one='1' q:two='2' p:three='3'"
      " D:four='4' five='5'><y p:six='6' xmlns=''/></D:x>");
  // Prefixes are only names: the same namespace under two prefixes is one.
  XmlElement element = ParseOk("<a xmlns:p='urn:p' xmlns:r='urn:p' p:x='1' r:y='2'/>");
  EXPECT_EQ(SerializeXml(element), "<a xmlns=\"\" xmlns:a0=\"urn:p\" a0:x=\"1\" a0:y=\"2\"/>");
}

TEST(XmlReaderTest, RoundTripHighUnicode) {
  ExpectRoundTrip(
      "<a xmlns='urn:x-test' v='\xF0\x9F\x98\x80&#x10FFFF;'>\xF0\x90\x80\x80 "
      "\xF0\x9F\x93\x85 &#x1F600; \xE6\x97\xA5\xE6\x9C\xAC \xC3\x9C</a>");
  XmlElement root = ParseOk("<a>&#x1F4C5;</a>");
  EXPECT_EQ(root.text, "\xF0\x9F\x93\x85");
}

TEST(XmlReaderTest, RoundTripCarriageReturns) {
  // iCalendar data in a dead property keeps its CRLF line ends.
  XmlElement root = ParseOk(
      "<C:calendar-data xmlns:C='urn:ietf:params:xml:ns:caldav'>"
      "BEGIN:VCALENDAR&#13;\nEND:VCALENDAR&#13;\n</C:calendar-data>");
  EXPECT_EQ(root.text, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  std::string serialised = SerializeXml(root);
  EXPECT_NE(serialised.find("&#13;"), std::string::npos);
  EXPECT_EQ(ParseOk(serialised), root);
  ExpectRoundTrip("<a v='&#13;&#10;&#9;x'>&#13;<b/>&#13;&#13;\n</a>");
}

TEST(XmlReaderTest, RoundTripCdataAndEscapes) {
  ExpectRoundTrip("<a><![CDATA[<html> & ]]]]><![CDATA[> ]]>&lt;&amp;&gt;\"'</a>");
  ExpectRoundTrip("<a b='&quot;&apos;&lt;&amp;&gt;'/>");
}

TEST(XmlReaderTest, RoundTripXmlPrefixedElement) {
  ExpectRoundTrip("<D:a xmlns:D='DAV:'><xml:weird><D:b/><c xmlns='urn:x-test'/></xml:weird></D:a>");
}

TEST(XmlReaderTest, RoundTripDeepestAllowedTree) { ExpectRoundTrip(Nested(64)); }

// --- Robustness ------------------------------------------------------------

constexpr std::string_view kSeed =
    "<?xml version='1.0' encoding='utf-8'?>\n"
    "<D:propertyupdate xmlns:D='DAV:' xmlns:Z='urn:x-test'>"
    "<D:set><D:prop><Z:note xml:lang='en' Z:kind=\"a&amp;b\">mixed <b>bold</b> tail&#13;"
    "<![CDATA[x<y]]></Z:note><D:displayname>\xC3\x9C\xF0\x9F\x98\x80</D:displayname>"
    "</D:prop></D:set><D:remove><D:prop><Z:gone/></D:prop></D:remove></D:propertyupdate>";

void ExpectParsesOrFailsCleanly(std::string_view body) {
  XmlLimits limits;
  limits.max_depth = 8;
  limits.max_elements = 50;
  base::Result<XmlElement> parsed = ParseXml(body, limits);
  if (!parsed.ok()) {
    EXPECT_NE(parsed.status().code(), base::Code::kOk);
    EXPECT_FALSE(parsed.status().message().empty());
    return;
  }
  std::string serialised = SerializeXml(parsed.value());
  base::Result<XmlElement> again = ParseXml(serialised, limits);
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << serialised;
  EXPECT_EQ(again.value(), parsed.value()) << serialised;
}

TEST(XmlReaderTest, EveryPrefixOfABodyFailsCleanly) {
  for (size_t length = 0; length <= kSeed.size(); ++length) {
    ExpectParsesOrFailsCleanly(kSeed.substr(0, length));
  }
}

TEST(XmlReaderTest, RandomMutationsNeverCrash) {
  std::mt19937 random(20240601);
  constexpr std::string_view kAlphabet = "<>/&;:='\"![]-?# \r\n\t\x80\xC3\xF0xmlnsDAV";
  for (int round = 0; round < 3000; ++round) {
    std::string body(kSeed);
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int edit = 0; edit < edits && !body.empty(); ++edit) {
      const size_t at = random() % body.size();
      switch (random() % 3) {
        case 0:
          body[at] = kAlphabet[random() % kAlphabet.size()];
          break;
        case 1:
          body.erase(at, 1 + random() % 8);
          break;
        default:
          body.insert(at, body.substr(random() % body.size(), random() % 16));
          break;
      }
    }
    ExpectParsesOrFailsCleanly(body);
  }
}

}  // namespace
}  // namespace dav
