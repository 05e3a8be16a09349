// Schema migrations: migrations/NNNN_name.sql, compiled into the binary
// (cmake/EmbedMigrations.cmake), applied in name order, each in its own
// transaction, recorded in schema_migrations. Applied files are never edited.
#pragma once

#include <string>
#include <vector>

namespace storage {

class Database;

struct Migration {
  std::string name;  // file name, e.g. "0001_core.sql"
  std::string sql;
};

// The migrations/ folder as of the build.
const std::vector<Migration>& EmbeddedMigrations();

// Applies every migration not yet recorded, in order, under an advisory lock
// so concurrent server processes migrate once. Returns how many ran.
// Throws DbError, or std::runtime_error when the database records a
// migration this binary does not know (it is newer than the binary).
int ApplyMigrations(Database& db, const std::vector<Migration>& migrations);

// True when every migration of `migrations` is recorded (used by /readyz).
bool MigrationsCurrent(Database& db, const std::vector<Migration>& migrations);

}  // namespace storage
