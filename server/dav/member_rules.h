// Which collections take which members. The file area takes anything; the
// calendar and address-book homes take only what CalDAV and CardDAV define.
#pragma once

#include "server/base/status.h"
#include "storage/resource_store.h"

namespace dav {

// OK when `parent` may hold a plain (non-collection) member; 409 when the
// parent is not a collection (RFC 4918 §9.7.1), 403 when it is a collection
// that does not take plain files.
base::Status CanHoldFile(const storage::Resource& parent);

// The same for a plain collection created by MKCOL.
base::Status CanHoldCollection(const storage::Resource& parent);

}  // namespace dav
