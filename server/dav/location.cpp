#include "server/dav/location.h"

#include "server/base/strings.h"

namespace dav {
namespace {

constexpr std::string_view kDavSegment = "dav";

std::optional<Area> AreaOf(std::string_view segment) {
  for (Area area : {Area::kPrincipals, Area::kCalendars, Area::kAddressbooks, Area::kFiles}) {
    if (AreaSegment(area) == segment) return area;
  }
  return std::nullopt;
}

std::vector<std::string> StorageSegments(std::string_view storage_path) {
  std::vector<std::string> segments;
  for (std::string_view piece : base::Split(storage_path, '/')) {
    if (!piece.empty()) segments.emplace_back(piece);
  }
  return segments;
}

}  // namespace

std::string_view AreaSegment(Area area) {
  switch (area) {
    case Area::kDavRoot: return "";
    case Area::kPrincipals: return "principals";
    case Area::kCalendars: return "calendars";
    case Area::kAddressbooks: return "addressbooks";
    case Area::kFiles: return "files";
  }
  return "";
}

std::string Location::StoragePath() const {
  std::string path = "/";
  path += AreaSegment(area);
  path += '/';
  path += user;
  for (const std::string& segment : rest) {
    path += '/';
    path += segment;
  }
  return path;
}

std::string Location::ParentStoragePath() const {
  Location parent = *this;
  parent.rest.pop_back();
  return parent.StoragePath();
}

std::vector<std::string> Location::AncestorStoragePaths() const {
  std::vector<std::string> paths;
  if (IsVirtual() || rest.empty()) return paths;
  Location walk = *this;
  walk.rest.clear();
  paths.push_back(walk.StoragePath());
  for (size_t i = 0; i + 1 < rest.size(); ++i) {
    walk.rest.push_back(rest[i]);
    paths.push_back(walk.StoragePath());
  }
  return paths;
}

std::string Location::Href(bool collection) const {
  if (server_root) return "/";
  std::vector<std::string> segments{std::string(kDavSegment)};
  if (area != Area::kDavRoot) segments.emplace_back(AreaSegment(area));
  if (!user.empty()) segments.push_back(user);
  segments.insert(segments.end(), rest.begin(), rest.end());
  return EncodePath(segments, collection || IsVirtual());
}

std::optional<Location> Locate(const DecodedPath& path) {
  const std::vector<std::string>& segments = path.segments;
  Location location;
  if (segments.empty()) {
    location.server_root = true;
    location.trailing_slash = true;
    return location;
  }
  if (segments[0] != kDavSegment) return std::nullopt;
  location.trailing_slash = path.trailing_slash;
  if (segments.size() == 1) return location;
  std::optional<Area> area = AreaOf(segments[1]);
  if (!area) return std::nullopt;
  location.area = *area;
  if (segments.size() == 2) return location;
  location.user = segments[2];
  location.rest.assign(segments.begin() + 3, segments.end());
  // A principal has nothing below it.
  if (location.area == Area::kPrincipals && !location.rest.empty()) return std::nullopt;
  return location;
}

std::optional<Location> LocateStoragePath(std::string_view storage_path) {
  DecodedPath path;
  path.segments.push_back(std::string(kDavSegment));
  for (std::string& segment : StorageSegments(storage_path)) path.segments.push_back(segment);
  return Locate(path);
}

std::string HrefOfStoragePath(std::string_view storage_path, bool collection) {
  std::vector<std::string> segments{std::string(kDavSegment)};
  for (std::string& segment : StorageSegments(storage_path)) segments.push_back(segment);
  return EncodePath(segments, collection);
}

}  // namespace dav
