#include "storage/lock_store.h"

#include "storage/sql.h"

namespace storage {
namespace {

#define LOCK_COLUMNS                                                                         \
  "l.token, l.resource_id, r.path, l.owner_id, l.exclusive, l.depth_infinity, l.owner_xml, " \
  "l.timeout_seconds, (extract(epoch from l.expires_at) * 1000000)::bigint, r.is_collection"

const Statement kInScope{
    "lock_in_scope",
    "SELECT " LOCK_COLUMNS " FROM locks l JOIN resources r ON r.id = l.resource_id"
    " WHERE l.expires_at > now() AND ("
    "   r.path = $1"
    "   OR (l.depth_infinity AND r.path = ANY($2::text[]))"
    "   OR ($3 AND r.path >= $1 || '/' AND r.path < $1 || '0'))"
    " ORDER BY r.path, l.token"};
const Statement kRootedAt{
    "lock_rooted_at",
    "SELECT " LOCK_COLUMNS " FROM locks l JOIN resources r ON r.id = l.resource_id"
    " WHERE l.expires_at > now() AND r.path = ANY($1::text[]) ORDER BY r.path, l.token"};
const Statement kInsert{
    "lock_insert",
    "INSERT INTO locks (token, resource_id, owner_id, exclusive, depth_infinity, owner_xml,"
    " timeout_seconds, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, now() + $7::bigint * interval '1 second')"};
const Statement kRefresh{"lock_refresh",
                         "UPDATE locks SET timeout_seconds = $2::bigint,"
                         " expires_at = now() + $2::bigint * interval '1 second' WHERE token = $1"};
const Statement kDelete{"lock_delete", "DELETE FROM locks WHERE token = $1"};
const Statement kDeleteInTree{
    "lock_delete_in_tree",
    "DELETE FROM locks l USING resources r WHERE r.id = l.resource_id"
    " AND (r.path = $1 OR (r.path >= $1 || '/' AND r.path < $1 || '0'))"};
const Statement kSweep{"lock_sweep", "DELETE FROM locks WHERE expires_at < now() - interval '1 hour'"};
const Statement kOwnerExclusive{"lock_owner_exclusive", "SELECT pg_advisory_xact_lock(2, $1::int)"};
const Statement kOwnerShared{"lock_owner_shared", "SELECT pg_advisory_xact_lock_shared(2, $1::int)"};

#undef LOCK_COLUMNS

std::vector<Lock> ToLocks(const pqxx::result& result) {
  std::vector<Lock> locks;
  for (const auto& row : result) {
    Lock lock;
    lock.token = row[0].as<std::string>();
    lock.resource_id = row[1].as<int64_t>();
    lock.root_path = row[2].as<std::string>();
    lock.owner_id = row[3].as<int64_t>();
    lock.exclusive = row[4].as<bool>();
    lock.depth_infinity = row[5].as<bool>();
    lock.owner_xml = row[6].as<std::string>();
    lock.timeout_seconds = row[7].as<int64_t>();
    lock.expires = MicrosField(row[8]);
    lock.root_is_collection = row[9].as<bool>();
    locks.push_back(std::move(lock));
  }
  return locks;
}

}  // namespace

std::vector<Lock> LocksInScope(Transaction& tx, const std::string& path,
                               const std::vector<std::string>& ancestors, bool with_descendants) {
  return ToLocks(Exec(tx, kInScope, path, TextArray(ancestors), with_descendants));
}

std::vector<Lock> LocksRootedAt(Transaction& tx, const std::vector<std::string>& paths) {
  if (paths.empty()) return {};
  return ToLocks(Exec(tx, kRootedAt, TextArray(paths)));
}

void InsertLock(Transaction& tx, const Lock& lock) {
  Exec(tx, kSweep);  // expired locks are ignored everywhere; this keeps the table small
  Exec(tx, kInsert, lock.token, lock.resource_id, lock.owner_id, lock.exclusive,
       lock.depth_infinity, lock.owner_xml, lock.timeout_seconds);
}

void RefreshLock(Transaction& tx, const std::string& token, int64_t timeout_seconds) {
  Exec(tx, kRefresh, token, timeout_seconds);
}

bool DeleteLock(Transaction& tx, const std::string& token) {
  return Exec(tx, kDelete, token).affected_rows() == 1;
}

void DeleteLocksInTree(Transaction& tx, const std::string& path) { Exec(tx, kDeleteInTree, path); }

// Two-key advisory locks (class 2 = "locks of an owner"); the owner id is
// folded into 32 bits, so two accounts may rarely share a key: that only
// serialises them, it never breaks correctness.
void LockOwnerExclusive(Transaction& tx, int64_t owner_id) {
  Exec(tx, kOwnerExclusive, owner_id & 0x7fffffff);
}

void LockOwnerShared(Transaction& tx, int64_t owner_id) {
  Exec(tx, kOwnerShared, owner_id & 0x7fffffff);
}

}  // namespace storage
