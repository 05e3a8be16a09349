#include "server/app/database_setup.h"

#include "server/base/log.h"
#include "storage/migrations.h"

namespace app {

DatabaseHandle OpenDatabase(const Settings& settings, bool server) {
  DatabaseHandle handle;
  std::string conninfo = settings.Text("database_url");
  if (conninfo.empty()) {
    handle.embedded = storage::EmbeddedPostgres::Start(settings.Text("data_dir"), server);
    conninfo = handle.embedded->conninfo();
  }
  storage::DatabaseOptions options;
  options.conninfo = conninfo;
  options.pool_size = server ? static_cast<int>(settings.Integer("db_pool_size")) : 2;
  handle.db = storage::Database::Open(options);
  int applied = storage::ApplyMigrations(*handle.db, storage::EmbeddedMigrations());
  if (applied > 0) base::LogInfo("applied " + std::to_string(applied) + " migration(s)");
  return handle;
}

}  // namespace app
