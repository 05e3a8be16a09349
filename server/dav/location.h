// Where a request path points in the DAV namespace (DESIGN.md "URLs"):
//
//   /dav/                               the DAV root (virtual)
//   /dav/principals/ calendars/ addressbooks/ files/      area roots (virtual)
//   /dav/principals/<user>/             a principal
//   /dav/calendars/<user>/…             calendar home and below
//   /dav/addressbooks/<user>/…          address-book home and below
//   /dav/files/<user>/…                 plain WebDAV file area
//
// Stored resources are found by their storage path, the decoded path without
// the "/dav" prefix and without a trailing slash ("/files/alice/a b.txt").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/dav/path.h"

namespace dav {

enum class Area { kDavRoot, kPrincipals, kCalendars, kAddressbooks, kFiles };

std::string_view AreaSegment(Area area);  // "principals", …; "" for the DAV root

struct Location {
  Area area = Area::kDavRoot;
  std::string user;               // empty for the DAV root and the area roots
  std::vector<std::string> rest;  // segments below the user's home
  bool trailing_slash = false;
  bool server_root = false;  // "/": answers PROPFIND for discovery like /dav/

  bool IsVirtual() const { return user.empty(); }
  bool IsHome() const { return !user.empty() && rest.empty(); }
  // REQUIRES: !IsVirtual().
  std::string StoragePath() const;
  // Storage path of the parent; REQUIRES: !IsHome() && !IsVirtual().
  std::string ParentStoragePath() const;
  // Storage paths of the home and every collection between it and the
  // parent (not the resource itself), outermost first.
  std::vector<std::string> AncestorStoragePaths() const;
  std::string Href(bool collection) const;
};

// The location of a decoded request path; nullopt when the path is not below
// /dav/ (or names something no area can hold, such as /dav/unknown/). The
// server root "/" is a location too: clients look for current-user-principal
// there when given only a host name.
std::optional<Location> Locate(const DecodedPath& path);

// Rebuilds a Location from a storage path ("/files/alice/x").
std::optional<Location> LocateStoragePath(std::string_view storage_path);

// "/dav" + percent-encoded storage path (+ "/" for collections).
std::string HrefOfStoragePath(std::string_view storage_path, bool collection);

}  // namespace dav
