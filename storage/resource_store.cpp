#include "storage/resource_store.h"

#include "storage/sql.h"

namespace storage {
namespace {

#define RESOURCE_COLUMNS                                                                     \
  "id, owner_id, parent_id, path, name, kind, is_collection, coalesce(content_type, ''), " \
  "coalesce(etag, ''), size, (extract(epoch from created_at) * 1000000)::bigint, "         \
  "(extract(epoch from modified_at) * 1000000)::bigint"

// A strong ETag: the first 128 bits of the content's SHA-256, in hex. (The
// full 256 bits made litmus's If headers overflow its 200-byte buffer, and
// 128 bits are as unique as a UUID; shorter tags also shrink every PROPFIND.)
#define ETAG_OF(content) "left(encode(sha256(" content "), 'hex'), 32)"

const Statement kFind{"resource_find", "SELECT " RESOURCE_COLUMNS " FROM resources WHERE path = $1"};
const Statement kFindForUpdate{
    "resource_find_for_update",
    "SELECT " RESOURCE_COLUMNS " FROM resources WHERE path = $1 FOR UPDATE"};
const Statement kContent{"resource_content",
                         "SELECT coalesce(content, ''::bytea) FROM resources WHERE id = $1"};
const Statement kInsert{
    "resource_insert",
    "INSERT INTO resources (owner_id, parent_id, path, name, kind, is_collection, content,"
    " content_type, etag, size)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, ''),"
    "         CASE WHEN $6 THEN NULL ELSE " ETAG_OF("$7") " END,"
    "         coalesce(octet_length($7), 0))"
    " RETURNING " RESOURCE_COLUMNS};
const Statement kUpdateContent{
    "resource_update_content",
    "UPDATE resources SET content = $2, content_type = nullif($3, ''),"
    " etag = " ETAG_OF("$2") ", size = octet_length($2), modified_at = now()"
    " WHERE id = $1 RETURNING " RESOURCE_COLUMNS};
const Statement kTouch{"resource_touch", "UPDATE resources SET modified_at = now() WHERE id = $1"};
// The tree below P is the range [P/, P0) of the unique path index ('0' follows '/').
const Statement kDeleteTree{
    "resource_delete_tree",
    "DELETE FROM resources WHERE path = $1 OR (path >= $1 || '/' AND path < $1 || '0')"};
const Statement kCountDescendants{
    "resource_count_descendants",
    "SELECT count(*) FROM resources WHERE path >= $1 || '/' AND path < $1 || '0'"};
const Statement kChildren{
    "resource_children",
    "SELECT " RESOURCE_COLUMNS " FROM resources WHERE parent_id = $1 AND name > $2"
    " ORDER BY name LIMIT $3"};

// COPY: the root gets the new parent; descendants are inserted in path order
// (a parent sorts before its members), each finding its new parent by path.
const Statement kCopyRoot{
    "resource_copy_root",
    "INSERT INTO resources (owner_id, parent_id, path, name, kind, is_collection, content,"
    " content_type, etag, size)"
    " SELECT owner_id, $3, $2, $4, kind, is_collection, content, content_type, etag, size"
    " FROM resources WHERE id = $1 RETURNING id"};
// Descendants get fresh ids up front, so each row finds its new parent (the
// new root, or another copied row) within one INSERT: no row ever exists
// without its parent, and foreign keys are checked at the end of the statement.
const Statement kCopyDescendants{
    "resource_copy_descendants",
    "WITH source AS ("
    "  SELECT s.*, nextval(pg_get_serial_sequence('resources', 'id')) AS new_id"
    "  FROM resources s WHERE s.path >= $1 || '/' AND s.path < $1 || '0')"
    " INSERT INTO resources (id, owner_id, parent_id, path, name, kind, is_collection, content,"
    " content_type, etag, size)"
    " SELECT c.new_id, c.owner_id, coalesce(p.new_id, $3), $2 || substr(c.path, length($1) + 1),"
    "        c.name, c.kind, c.is_collection, c.content, c.content_type, c.etag, c.size"
    " FROM source c LEFT JOIN source p ON p.id = c.parent_id"};
const Statement kCopyProperties{
    "resource_copy_properties",
    "INSERT INTO dead_properties (resource_id, namespace, name, xml)"
    " SELECT d.id, p.namespace, p.name, p.xml"
    " FROM resources s JOIN dead_properties p ON p.resource_id = s.id"
    " JOIN resources d ON d.path = $2 || substr(s.path, length($1) + 1)"
    " WHERE s.path = $1 OR ($3 AND s.path >= $1 || '/' AND s.path < $1 || '0')"};
const Statement kMoveRoot{
    "resource_move_root",
    "UPDATE resources SET parent_id = $3, path = $2, name = $4, modified_at = now() WHERE id = $1"};
const Statement kMoveDescendants{
    "resource_move_descendants",
    "UPDATE resources SET path = $2 || substr(path, length($1) + 1)"
    " WHERE path >= $1 || '/' AND path < $1 || '0'"};

#undef RESOURCE_COLUMNS
#undef ETAG_OF

Resource ToResource(const pqxx::row& row) {
  Resource resource;
  resource.id = row[0].as<int64_t>();
  resource.owner_id = row[1].as<int64_t>();
  if (!row[2].is_null()) resource.parent_id = row[2].as<int64_t>();
  resource.path = row[3].as<std::string>();
  resource.name = row[4].as<std::string>();
  resource.kind = ParseKind(row[5].as<std::string>()).value_or(ResourceKind::kFile);
  resource.is_collection = row[6].as<bool>();
  resource.content_type = row[7].as<std::string>();
  resource.etag = row[8].as<std::string>();
  resource.size = row[9].as<int64_t>();
  resource.created = MicrosField(row[10]);
  resource.modified = MicrosField(row[11]);
  return resource;
}

std::string LastSegment(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string_view KindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kPrincipal: return "principal";
    case ResourceKind::kFilesHome: return "files-home";
    case ResourceKind::kCalendarHome: return "calendar-home";
    case ResourceKind::kAddressbookHome: return "addressbook-home";
    case ResourceKind::kCollection: return "collection";
    case ResourceKind::kFile: return "file";
  }
  return "file";
}

std::optional<ResourceKind> ParseKind(std::string_view name) {
  for (ResourceKind kind :
       {ResourceKind::kPrincipal, ResourceKind::kFilesHome, ResourceKind::kCalendarHome,
        ResourceKind::kAddressbookHome, ResourceKind::kCollection, ResourceKind::kFile}) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::optional<Resource> FindResource(Transaction& tx, const std::string& path) {
  pqxx::result result = Exec(tx, kFind, path);
  if (result.empty()) return std::nullopt;
  return ToResource(result[0]);
}

std::optional<Resource> FindResourceForUpdate(Transaction& tx, const std::string& path) {
  pqxx::result result = Exec(tx, kFindForUpdate, path);
  if (result.empty()) return std::nullopt;
  return ToResource(result[0]);
}

std::string ReadContent(Transaction& tx, int64_t id) {
  pqxx::result result = Exec(tx, kContent, id);
  if (result.empty()) return std::string();
  return pqxx::binarystring(result[0][0]).str();
}

Resource InsertResource(Transaction& tx, const NewResource& resource) {
  std::string kind(KindName(resource.kind));
  pqxx::result result =
      resource.is_collection
          ? Exec(tx, kInsert, resource.owner_id, resource.parent_id, resource.path, resource.name,
                 kind, true, nullptr, resource.content_type)
          : Exec(tx, kInsert, resource.owner_id, resource.parent_id, resource.path, resource.name,
                 kind, false, pqxx::binarystring(resource.content), resource.content_type);
  return ToResource(result[0]);
}

Resource UpdateContent(Transaction& tx, int64_t id, const std::string& content,
                       const std::string& content_type) {
  return ToResource(Exec(tx, kUpdateContent, id, pqxx::binarystring(content), content_type)[0]);
}

void TouchResource(Transaction& tx, int64_t id) { Exec(tx, kTouch, id); }

void DeleteTree(Transaction& tx, const Resource& resource) { Exec(tx, kDeleteTree, resource.path); }

int64_t CountDescendants(Transaction& tx, const Resource& resource) {
  return Exec(tx, kCountDescendants, resource.path)[0][0].as<int64_t>();
}

void CopyTree(Transaction& tx, const Resource& source, const std::string& destination_path,
              int64_t destination_parent_id, bool deep) {
  int64_t new_root = Exec(tx, kCopyRoot, source.id, destination_path, destination_parent_id,
                          LastSegment(destination_path))[0][0]
                         .as<int64_t>();
  if (deep && source.is_collection) {
    Exec(tx, kCopyDescendants, source.path, destination_path, new_root);
  }
  Exec(tx, kCopyProperties, source.path, destination_path, deep);
}

void MoveTree(Transaction& tx, const Resource& source, const std::string& destination_path,
              int64_t destination_parent_id) {
  if (source.is_collection) Exec(tx, kMoveDescendants, source.path, destination_path);
  Exec(tx, kMoveRoot, source.id, destination_path, destination_parent_id,
       LastSegment(destination_path));
}

ChildPager::ChildPager(Transaction& tx, int64_t parent_id, int page_size)
    : tx_(tx), parent_id_(parent_id), page_size_(page_size) {}

bool ChildPager::Next(std::vector<Resource>* page) {
  page->clear();
  if (done_) return false;
  pqxx::result result = Exec(tx_, kChildren, parent_id_, after_, page_size_);
  for (const auto& row : result) page->push_back(ToResource(row));
  if (static_cast<int>(result.size()) < page_size_) done_ = true;
  if (!page->empty()) after_ = page->back().name;
  return !page->empty();
}

}  // namespace storage
