#include "server/dav/location.h"

#include <gtest/gtest.h>

namespace dav {
namespace {

Location Must(const std::string& target) {
  auto path = DecodePath(target);
  EXPECT_TRUE(path.ok()) << target;
  auto location = Locate(path.value());
  EXPECT_TRUE(location.has_value()) << target;
  return location.value_or(Location{});
}

TEST(LocationTest, AreasAndHomes) {
  EXPECT_TRUE(Must("/dav/").IsVirtual());
  EXPECT_TRUE(Must("/").server_root);
  EXPECT_EQ(Must("/dav/files/").area, Area::kFiles);
  EXPECT_TRUE(Must("/dav/files/").IsVirtual());
  Location home = Must("/dav/calendars/alice/");
  EXPECT_TRUE(home.IsHome());
  EXPECT_EQ(home.StoragePath(), "/calendars/alice");
  EXPECT_EQ(home.Href(true), "/dav/calendars/alice/");
}

TEST(LocationTest, MembersAndAncestors) {
  Location file = Must("/dav/files/alice/a/b%20c/d.txt");
  EXPECT_EQ(file.StoragePath(), "/files/alice/a/b c/d.txt");
  EXPECT_EQ(file.ParentStoragePath(), "/files/alice/a/b c");
  EXPECT_EQ(file.AncestorStoragePaths(),
            (std::vector<std::string>{"/files/alice", "/files/alice/a", "/files/alice/a/b c"}));
  EXPECT_EQ(file.Href(false), "/dav/files/alice/a/b%20c/d.txt");
}

TEST(LocationTest, NotDav) {
  for (const char* target : {"/other", "/dav/unknown/", "/dav/principals/alice/extra"}) {
    auto path = DecodePath(target);
    ASSERT_TRUE(path.ok());
    EXPECT_FALSE(Locate(path.value()).has_value()) << target;
  }
}

TEST(LocationTest, HrefsRoundTripForAwkwardNames) {
  for (const char* name : {"x.y+z@example.com", "with space", "Ünïcødé 日本", "100%", "a;b=c"}) {
    std::string storage = std::string("/files/") + name + "/" + name;
    std::string href = HrefOfStoragePath(storage, true);
    auto path = DecodePath(href);
    ASSERT_TRUE(path.ok()) << href;
    auto location = Locate(path.value());
    ASSERT_TRUE(location.has_value());
    EXPECT_EQ(location->StoragePath(), storage);
    EXPECT_EQ(LocateStoragePath(storage)->Href(true), href);
  }
}

}  // namespace
}  // namespace dav
