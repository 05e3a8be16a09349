// Multistatus writing: the XML writer, the streamed multistatus and the
// property plan's <D:response> for a node, checked by parsing the output
// back with the request parser (namespaces resolved, not string-matched).
#include "server/dav/multistatus.h"

#include <gtest/gtest.h>

#include <sstream>

#include "server/dav/names.h"
#include "server/dav/property_plan.h"
#include "server/dav/xml_reader.h"
#include "server/dav/xml_writer.h"

namespace dav {
namespace {

XmlElement Parse(const std::string& xml) {
  auto parsed = ParseXml(xml, XmlLimits{});
  EXPECT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << xml;
  return parsed.ok() ? parsed.value() : XmlElement{};
}

TEST(XmlWriterTest, FixedPrefixesAreDeclaredOnceOnTheRoot) {
  std::string out;
  XmlWriter xml(&out);
  xml.StartDocumentRoot(kDavNs, "multistatus");
  xml.Empty(kCalDavNs, "calendar");
  xml.Empty("urn:other", "thing");
  xml.Empty("", "bare");
  xml.End();
  XmlElement root = Parse(out);
  ASSERT_TRUE(root.Is(kDavNs, "multistatus"));
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_TRUE(root.children[0].Is(kCalDavNs, "calendar"));
  EXPECT_TRUE(root.children[1].Is("urn:other", "thing"));
  EXPECT_TRUE(root.children[2].Is("", "bare"));
  EXPECT_NE(out.find("<C:calendar/>"), std::string::npos) << out;
}

TEST(XmlWriterTest, EscapesTextAndKeepsCarriageReturns) {
  std::string out;
  XmlWriter xml(&out);
  xml.StartDocumentRoot(kDavNs, "prop");
  xml.TextElement(kCalDavNs, "calendar-data", "BEGIN:VCALENDAR\r\nSUMMARY:a<b & c>d\r\n");
  xml.StartWithAttribute(kAppleIcalNs, "calendar-color", "symbolic-color", "\"red\" & <blue>");
  xml.Text("#FF0000");
  xml.End();
  xml.End();
  XmlElement root = Parse(out);
  EXPECT_EQ(root.children[0].text, "BEGIN:VCALENDAR\r\nSUMMARY:a<b & c>d\r\n");
  EXPECT_EQ(*root.children[1].Attribute("", "symbolic-color"), "\"red\" & <blue>");
  EXPECT_EQ(root.children[1].text, "#FF0000");
}

TEST(XmlWriterTest, EmptyElementsAreSelfClosed) {
  std::string out;
  XmlWriter xml(&out);
  xml.Start(kDavNs, "resourcetype");
  xml.End();
  EXPECT_EQ(out, "<D:resourcetype/>");
}

TEST(MultistatusStreamTest, WritesToTheStreamAsItGoes) {
  std::ostringstream out;
  MultistatusStream multistatus(out);
  multistatus.Begin();
  multistatus.StatusResponse("/dav/files/a/x%20y", 404);
  multistatus.Flush();
  size_t after_first = out.str().size();
  EXPECT_GT(after_first, 0u);  // flushed before the document ends
  multistatus.StatusResponse("/dav/files/a/z", 200);
  multistatus.End();
  XmlElement root = Parse(out.str());
  ASSERT_TRUE(root.Is(kDavNs, "multistatus"));
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].Child(kDavNs, "href")->TrimmedText(), "/dav/files/a/x%20y");
  EXPECT_EQ(root.children[0].Child(kDavNs, "status")->TrimmedText(), "HTTP/1.1 404 Not Found");
  EXPECT_GT(out.str().size(), after_first);
}

Node FileNode() {
  storage::Resource resource;
  resource.id = 7;
  resource.owner_id = 1;
  resource.path = "/files/alice/report.txt";
  resource.name = "report.txt";
  resource.kind = storage::ResourceKind::kFile;
  resource.content_type = "text/plain";
  resource.etag = "abc123";
  resource.size = 42;
  return StoredNode(resource);
}

PropertyContext Context() { return PropertyContext{Principal{1, "alice", false}, "/dav/principals/alice/"}; }

XmlElement WriteOne(const PropertyPlan& plan, const Node& node,
                    const std::vector<storage::DeadProperty>& dead) {
  std::string out;
  XmlWriter xml(&out);
  xml.StartDocumentRoot(kDavNs, "multistatus");
  plan.WriteResponse(xml, Context(), node, &dead);
  xml.End();
  return Parse(out).children.at(0);
}

const XmlElement* Propstat(const XmlElement& response, const std::string& status) {
  for (const XmlElement& child : response.children) {
    if (child.Is(kDavNs, "propstat") &&
        child.Child(kDavNs, "status")->TrimmedText() == "HTTP/1.1 " + status) {
      return &child;
    }
  }
  return nullptr;
}

TEST(PropertyPlanTest, FoundAndMissingPropertiesGoToSeparatePropstats) {
  PropertyRequest request;
  request.mode = PropertyRequest::Mode::kProp;
  request.names = {{"DAV:", "getetag"}, {"DAV:", "getcontentlength"}, {"urn:x", "color"},
                   {"urn:x", "missing"}, {"DAV:", "getetag"}};
  PropertyPlan plan(request, false);
  EXPECT_TRUE(plan.NeedsDeadProperties());
  std::vector<storage::DeadProperty> dead = {{"urn:x", "color", "<color xmlns=\"urn:x\">red</color>"}};
  XmlElement response = WriteOne(plan, FileNode(), dead);
  EXPECT_EQ(response.Child(kDavNs, "href")->TrimmedText(), "/dav/files/alice/report.txt");
  const XmlElement* ok = Propstat(response, "200 OK");
  const XmlElement* missing = Propstat(response, "404 Not Found");
  ASSERT_TRUE(ok && missing);
  const XmlElement* prop = ok->Child(kDavNs, "prop");
  EXPECT_EQ(prop->children.size(), 3u);  // getetag once, although asked twice
  EXPECT_EQ(prop->Child(kDavNs, "getetag")->TrimmedText(), "\"abc123\"");
  EXPECT_EQ(prop->Child(kDavNs, "getcontentlength")->TrimmedText(), "42");
  EXPECT_EQ(prop->Child("urn:x", "color")->TrimmedText(), "red");
  ASSERT_EQ(missing->Child(kDavNs, "prop")->children.size(), 1u);
  EXPECT_TRUE(missing->Child(kDavNs, "prop")->Child("urn:x", "missing"));
}

TEST(PropertyPlanTest, MinimalLeavesOutTheMissingPropstat) {
  PropertyRequest request;
  request.mode = PropertyRequest::Mode::kProp;
  request.names = {{"DAV:", "getetag"}, {"urn:x", "missing"}};
  XmlElement response = WriteOne(PropertyPlan(request, true), FileNode(), {});
  EXPECT_TRUE(Propstat(response, "200 OK"));
  EXPECT_FALSE(Propstat(response, "404 Not Found"));
}

TEST(PropertyPlanTest, MinimalWithNothingFoundStillHasAPropstat) {
  PropertyRequest request;
  request.mode = PropertyRequest::Mode::kProp;
  request.names = {{"urn:x", "missing"}};
  XmlElement response = WriteOne(PropertyPlan(request, true), FileNode(), {});
  EXPECT_TRUE(Propstat(response, "200 OK"));
}

TEST(PropertyPlanTest, AllPropReturnsRfc4918LivePropertiesAndDeadOnes) {
  PropertyRequest request;
  request.mode = PropertyRequest::Mode::kAllProp;
  request.names = {{"DAV:", "current-user-principal"}};  // DAV:include
  std::vector<storage::DeadProperty> dead = {{"urn:x", "color", "<color xmlns=\"urn:x\">red</color>"}};
  XmlElement response = WriteOne(PropertyPlan(request, false), FileNode(), dead);
  const XmlElement* prop = Propstat(response, "200 OK")->Child(kDavNs, "prop");
  for (const char* name : {"resourcetype", "getetag", "getcontentlength", "getcontenttype",
                           "getlastmodified", "creationdate", "supportedlock", "lockdiscovery"}) {
    EXPECT_TRUE(prop->Child(kDavNs, name)) << name;
  }
  EXPECT_TRUE(prop->Child("urn:x", "color"));
  EXPECT_EQ(prop->Child(kDavNs, "current-user-principal")->Child(kDavNs, "href")->TrimmedText(),
            "/dav/principals/alice/");
  // Not in allprop unless included (RFC 4918 §9.1).
  EXPECT_FALSE(prop->Child(kDavNs, "current-user-privilege-set"));
}

TEST(PropertyPlanTest, PropNameListsNamesWithoutValues) {
  PropertyRequest request;
  request.mode = PropertyRequest::Mode::kPropName;
  std::vector<storage::DeadProperty> dead = {{"urn:x", "color", "<color xmlns=\"urn:x\">red</color>"}};
  XmlElement response = WriteOne(PropertyPlan(request, false), FileNode(), dead);
  const XmlElement* prop = Propstat(response, "200 OK")->Child(kDavNs, "prop");
  ASSERT_TRUE(prop->Child(kDavNs, "getetag"));
  EXPECT_TRUE(prop->Child(kDavNs, "getetag")->children.empty());
  EXPECT_EQ(prop->Child(kDavNs, "getetag")->TrimmedText(), "");
  EXPECT_EQ(prop->Child("urn:x", "color")->TrimmedText(), "");
}

TEST(PropertyPlanTest, ParsesPropfindBodies) {
  DavConfig config;
  auto empty = ParsePropfindBody("", config);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->mode, PropertyRequest::Mode::kAllProp);
  auto prop = ParsePropfindBody(
      "<propfind xmlns='DAV:'><prop><getetag/><x:y xmlns:x='urn:x'/></prop></propfind>", config);
  ASSERT_TRUE(prop.ok());
  EXPECT_EQ(prop->mode, PropertyRequest::Mode::kProp);
  EXPECT_EQ(prop->names, (std::vector<QName>{{"DAV:", "getetag"}, {"urn:x", "y"}}));
  EXPECT_FALSE(ParsePropfindBody("<propfind xmlns='DAV:'/>", config).ok());
  EXPECT_FALSE(ParsePropfindBody("<other xmlns='DAV:'><allprop/></other>", config).ok());
  EXPECT_FALSE(ParsePropfindBody("<propfind xmlns='DAV:'><allprop/><propname/></propfind>", config).ok());
}

}  // namespace
}  // namespace dav
