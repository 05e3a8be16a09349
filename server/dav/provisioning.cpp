#include "server/dav/provisioning.h"

#include "server/base/strings.h"
#include "server/dav/location.h"
#include "server/dav/xml_writer.h"
#include "storage/database.h"
#include "storage/db_error.h"
#include "storage/property_store.h"
#include "storage/resource_store.h"

namespace dav {

base::Status ValidateAccountName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return base::Status(base::Code::kBadRequest, "an account name has 1 to 64 bytes");
  }
  if (name == "." || name == ".." || !base::IsValidUtf8(name)) {
    return base::Status(base::Code::kBadRequest, "invalid account name");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F || c == '/' || c == ':' || c == '\\') {
      return base::Status(base::Code::kBadRequest,
                          "an account name cannot contain '/', ':', '\\' or control characters");
    }
  }
  return base::Status::Ok();
}

base::Result<storage::Account> ProvisionAccount(storage::Database& db, const std::string& name,
                                                const std::string& password_hash, bool is_admin) {
  base::Status valid = ValidateAccountName(name);
  if (!valid.ok()) return valid;
  storage::Transaction tx = db.Begin();
  storage::Account account;
  try {
    account = storage::InsertAccount(tx, name, password_hash, is_admin);
  } catch (const storage::DbError& error) {
    if (error.kind() == storage::DbError::Kind::kConflict) {
      return base::Status(base::Code::kConflict, "an account named '" + name + "' exists");
    }
    throw;
  }
  auto create = [&](Area area, storage::ResourceKind kind) {
    storage::NewResource resource;
    resource.owner_id = account.id;
    resource.path = Location{area, name, {}, true}.StoragePath();
    resource.name = name;
    resource.kind = kind;
    resource.is_collection = true;
    return storage::InsertResource(tx, resource);
  };
  storage::Resource principal = create(Area::kPrincipals, storage::ResourceKind::kPrincipal);
  create(Area::kFiles, storage::ResourceKind::kFilesHome);
  create(Area::kCalendars, storage::ResourceKind::kCalendarHome);
  create(Area::kAddressbooks, storage::ResourceKind::kAddressbookHome);
  std::string displayname = "<displayname xmlns=\"DAV:\">";
  AppendEscapedText(&displayname, name);
  displayname += "</displayname>";
  storage::SetDeadProperty(tx, principal.id, storage::DeadProperty{"DAV:", "displayname", displayname});
  tx.Commit();
  return account;
}

}  // namespace dav
