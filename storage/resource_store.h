// Resources: every stored thing a URL can name below /dav/ — principals,
// homes, collections and their members — one row each, found by its full
// decoded path in one lookup. Paths look like "/files/alice/dir/a.txt": no
// trailing slash, compared byte-wise (COLLATE "C"), so the descendants of P
// are exactly the range [P + "/", P + "0").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/time.h"

namespace storage {

class Transaction;

enum class ResourceKind {
  kPrincipal,        // /principals/<user>
  kFilesHome,        // /files/<user>
  kCalendarHome,     // /calendars/<user>
  kAddressbookHome,  // /addressbooks/<user>
  kCollection,       // a plain WebDAV collection
  kFile,             // a plain WebDAV resource
};

std::string_view KindName(ResourceKind kind);
std::optional<ResourceKind> ParseKind(std::string_view name);

struct Resource {
  int64_t id = 0;
  int64_t owner_id = 0;
  std::optional<int64_t> parent_id;
  std::string path;
  std::string name;
  ResourceKind kind = ResourceKind::kFile;
  bool is_collection = false;
  std::string content_type;  // empty for collections
  std::string etag;          // unquoted; 32 hex digits of the content's SHA-256; empty for collections
  int64_t size = 0;
  base::Timestamp created;
  base::Timestamp modified;
};

struct NewResource {
  int64_t owner_id = 0;
  std::optional<int64_t> parent_id;
  std::string path;
  std::string name;
  ResourceKind kind = ResourceKind::kFile;
  bool is_collection = false;
  std::string content_type;
  std::string content;
};

std::optional<Resource> FindResource(Transaction& tx, const std::string& path);

// As FindResource, and takes a row lock (FOR UPDATE) held until the
// transaction ends: writers of one collection serialise on its row.
std::optional<Resource> FindResourceForUpdate(Transaction& tx, const std::string& path);

// The stored bytes of a non-collection.
std::string ReadContent(Transaction& tx, int64_t id);

// Throws DbError(kConflict) when the path exists already.
Resource InsertResource(Transaction& tx, const NewResource& resource);

// Replaces the content (and content type); returns the updated row.
Resource UpdateContent(Transaction& tx, int64_t id, const std::string& content,
                       const std::string& content_type);

// Deletes the resource and all its descendants (and, by cascade, their
// properties and locks).
void DeleteTree(Transaction& tx, const Resource& resource);

// Copies `source` to `destination_path` under `destination_parent_id`.
// With `deep`, descendants too (paths rewritten); dead properties are copied.
// REQUIRES: nothing exists at destination_path or below it.
void CopyTree(Transaction& tx, const Resource& source, const std::string& destination_path,
              int64_t destination_parent_id, bool deep);

// Moves `source` and its descendants to `destination_path`, keeping ids (so
// dead properties move along). REQUIRES: nothing exists at destination_path.
void MoveTree(Transaction& tx, const Resource& source, const std::string& destination_path,
              int64_t destination_parent_id);

// Sets modified = now() on a collection (its membership changed).
void TouchResource(Transaction& tx, int64_t id);

// Pages through the members of a collection in name order (keyset paging, so
// each page is one index range scan whatever the collection's size).
// Valid while `tx` lives; with a snapshot transaction all pages see one state.
class ChildPager {
 public:
  ChildPager(Transaction& tx, int64_t parent_id, int page_size);
  // Fills `page` (cleared first); false when there are no more members.
  bool Next(std::vector<Resource>* page);

 private:
  Transaction& tx_;
  int64_t parent_id_;
  int page_size_;
  std::string after_;
  bool done_ = false;
};

// Number of resources below `resource` (descendants, not itself).
int64_t CountDescendants(Transaction& tx, const Resource& resource);

}  // namespace storage
