// WebDAV write locks (RFC 4918 §6, §7). A lock belongs to the resource at its
// root (deleted with it); expired locks are ignored and swept lazily.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/base/time.h"

namespace storage {

class Transaction;

struct Lock {
  std::string token;  // "urn:uuid:…"
  int64_t resource_id = 0;
  std::string root_path;  // path of the locked resource (see resource_store.h)
  bool root_is_collection = false;
  int64_t owner_id = 0;
  bool exclusive = true;
  bool depth_infinity = false;
  std::string owner_xml;  // the DAV:owner element as the client sent it, or empty
  int64_t timeout_seconds = 0;
  base::Timestamp expires;
};

// Unexpired locks that cover `path` or lie below it: locks rooted at `path`,
// depth-infinity locks rooted at one of `ancestors`, and, when
// `with_descendants`, locks rooted anywhere below `path`.
std::vector<Lock> LocksInScope(Transaction& tx, const std::string& path,
                               const std::vector<std::string>& ancestors, bool with_descendants);

// Unexpired locks rooted at any of `paths` (one query for a page of members).
std::vector<Lock> LocksRootedAt(Transaction& tx, const std::vector<std::string>& paths);

void InsertLock(Transaction& tx, const Lock& lock);  // expires = now + timeout
void RefreshLock(Transaction& tx, const std::string& token, int64_t timeout_seconds);
bool DeleteLock(Transaction& tx, const std::string& token);
// Drops the locks rooted at `path` or below (a MOVE leaves its locks behind).
void DeleteLocksInTree(Transaction& tx, const std::string& path);

// Serialises lock-sensitive work of one account: LOCK takes it exclusively,
// writes that check locks take it shared. Released at transaction end.
void LockOwnerExclusive(Transaction& tx, int64_t owner_id);
void LockOwnerShared(Transaction& tx, int64_t owner_id);

}  // namespace storage
