// The embedded default (DESIGN.md "Embedded default"): a private PostgreSQL
// cluster inside the data directory, reachable only through a unix socket
// (listen_addresses='': no TCP port at all; STACK_NOTES §7).
//
//   <data-dir>/postgres/        PGDATA (initdb on first start; superuser and
//                               database both named "almanac")
//   <data-dir>/postgres.log     initdb, pg_ctl and server output (appended)
//   <data-dir>/run/             socket directory, or /tmp/almanac-<hash> when
//                               <data-dir>/run/.s.PGSQL.5432 would exceed the
//                               107-byte unix socket limit
//
// Run as root, PostgreSQL runs as the unprivileged `postgres` account
// (override with ALMANAC_POSTGRES_USER), which owns postgres/, postgres.log
// and run/; a data directory created here gets that account's group (mode
// 0750) so PostgreSQL can reach its cluster. Otherwise PostgreSQL runs as the
// calling user. When the account cannot reach <data-dir> (e.g. it lies below
// /root), postgres/, postgres.log and run/ live in
// /var/lib/almanac/clusters/<hash of data-dir>/ instead, and one line in
// <data-dir>/postgres-location says where. <hash>: the first 16 hex digits of
// the SHA-256 of the canonical absolute data directory.
//
// The server binaries come from ALMANAC_PG_BINDIR, else from
// /usr/lib/postgresql/<version>/bin (the version that created the cluster, or
// the newest one installed for a new cluster).
//
// Not thread-safe; Start forks, but only after resolving everything the child
// needs, so it may be called while other threads run.
#pragma once

#include <memory>
#include <string>

namespace storage {

class EmbeddedPostgres {
 public:
  // Initialises the cluster if needed, starts it unless it is running
  // already (e.g. after the previous server was killed with -9: pg_ctl
  // daemonises, so the postmaster outlived it; it is adopted), and creates the
  // database "almanac". A stale postmaster.pid (its pid is dead, or is some
  // other process, or nothing answers on the socket within seconds) is
  // removed together with the socket lock file.
  // With `stop_when_done` (the server), the destructor stops the cluster even
  // if it was adopted; without (CLI commands), it stops it only when this
  // call started it, leaving a running server's cluster alone.
  // Throws std::runtime_error with a readable message that says what to do
  // (and ends with the last lines of postgres.log when PostgreSQL failed).
  static std::unique_ptr<EmbeddedPostgres> Start(const std::string& data_dir, bool stop_when_done);

  ~EmbeddedPostgres();
  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

  // libpq connection string for the "almanac" database.
  const std::string& conninfo() const { return conninfo_; }
  const std::string& cluster_dir() const { return cluster_dir_; }

  // Stops the cluster now (pg_ctl stop -m fast: open sessions are
  // disconnected); idempotent, and a cluster that stopped by itself counts as
  // stopped. Throws std::runtime_error when PostgreSQL still runs afterwards;
  // the destructor logs that instead.
  void Stop();

 private:
  EmbeddedPostgres() = default;
  std::string cluster_dir_;
  std::string socket_dir_;
  std::string log_file_;
  std::string conninfo_;
  std::string bin_dir_;
  std::string run_as_;  // empty: the current user
  bool stop_in_destructor_ = false;
  bool stopped_ = false;
};

}  // namespace storage
