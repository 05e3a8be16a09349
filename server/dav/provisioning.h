// What a new account gets: its principal and its three homes, created with
// the account in one transaction (CalDAV and CardDAV add a default calendar
// and address book here).
#pragma once

#include <string>
#include <string_view>

#include "server/base/status.h"
#include "storage/account_store.h"

namespace storage {
class Database;
}

namespace dav {

// Account names appear in every URL and cannot change: 1-64 bytes of UTF-8,
// no '/', ':' (Basic auth splits on it), control characters, or "."/"..".
base::Status ValidateAccountName(std::string_view name);

// 409 (kConflict) when the name is taken, 400 when it is invalid.
base::Result<storage::Account> ProvisionAccount(storage::Database& db, const std::string& name,
                                                const std::string& password_hash, bool is_admin);

}  // namespace dav
