#include "storage/embedded_postgres.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/base/sha256.h"

namespace storage {
namespace {

using Clock = std::chrono::steady_clock;

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t PostmasterPid(const std::string& cluster_dir) {
  std::ifstream in(cluster_dir + "/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

// Alive and not a zombie (a killed postmaster may stay one: nobody here
// necessarily reaps orphans).
bool Alive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

bool WaitUntilDead(pid_t pid, std::chrono::seconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (Alive(pid)) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string QueryOne(const std::string& conninfo, const std::string& sql) {
  pqxx::connection connection(conninfo);
  pqxx::work work(connection);
  pqxx::row row = work.exec1(sql);
  work.commit();
  return row[0].as<std::string>();
}

void Execute(const std::string& conninfo, const std::string& sql) {
  pqxx::connection connection(conninfo);
  pqxx::work work(connection);
  work.exec0(sql);
  work.commit();
}

bool CanConnect(const std::string& conninfo) {
  try {
    pqxx::connection connection(conninfo);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A short directory under /tmp (the socket path limit is 107 bytes) that
// the postgres account can traverse when the test runs as root.
class EmbeddedPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/epg-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    dir_ = name;
    if (geteuid() == 0) {
      ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
    }
    char* real = realpath(dir_.c_str(), nullptr);
    ASSERT_NE(real, nullptr);
    dir_ = real;
    free(real);
    data_dir_ = dir_ + "/data";
    WatchCluster(data_dir_ + "/postgres");
  }

  // Whatever a failed test left running is shut down (SIGINT: fast
  // shutdown) before its files are removed.
  void TearDown() override {
    for (const std::string& cluster_dir : clusters_) {
      pid_t pid = PostmasterPid(cluster_dir);
      if (!Alive(pid)) continue;
      kill(pid, SIGINT);
      if (!WaitUntilDead(pid, std::chrono::seconds(30))) kill(pid, SIGKILL);
    }
    std::error_code ignored;
    for (const std::string& path : remove_) std::filesystem::remove_all(path, ignored);
    std::filesystem::remove_all(dir_, ignored);
    // Innermost first; rmdir fails harmlessly on a directory still in use.
    for (auto path = remove_if_empty_.rbegin(); path != remove_if_empty_.rend(); ++path) {
      rmdir(path->c_str());
    }
  }

  void WatchCluster(const std::string& cluster_dir) { clusters_.push_back(cluster_dir); }
  void RemoveAtEnd(const std::string& path) { remove_.push_back(path); }
  void RemoveIfEmptyAtEnd(const std::string& path) { remove_if_empty_.push_back(path); }

  std::string dir_;
  std::string data_dir_;
  std::vector<std::string> clusters_;
  std::vector<std::string> remove_;
  std::vector<std::string> remove_if_empty_;
};

TEST_F(EmbeddedPostgresTest, InitialisesStartsStopsAndRestartsWithTheSameData) {
  {
    auto postgres = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
    EXPECT_EQ(postgres->cluster_dir(), data_dir_ + "/postgres");
    EXPECT_EQ(postgres->conninfo(),
              "host=" + data_dir_ + "/run port=5432 user=almanac dbname=almanac");
    EXPECT_EQ(QueryOne(postgres->conninfo(), "SELECT current_user"), "almanac");
    EXPECT_EQ(QueryOne(postgres->conninfo(), "SELECT current_database()"), "almanac");
    EXPECT_EQ(QueryOne(postgres->conninfo(), "SHOW server_encoding"), "UTF8");
    // No TCP listener at all: the socket is the only way in.
    EXPECT_EQ(QueryOne(postgres->conninfo(), "SHOW listen_addresses"), "");
    EXPECT_EQ(QueryOne(postgres->conninfo(), "SHOW unix_socket_permissions"), "0700");
    Execute(postgres->conninfo(),
            "CREATE TABLE survives (x int); INSERT INTO survives VALUES (42)");

    struct stat info;
    ASSERT_EQ(stat(data_dir_.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0750u);
    ASSERT_EQ(stat(postgres->cluster_dir().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0700u);
    EXPECT_FALSE(Exists(data_dir_ + "/postgres-location"));

    postgres->Stop();
    EXPECT_FALSE(Exists(postgres->cluster_dir() + "/postmaster.pid"));
    EXPECT_FALSE(CanConnect(postgres->conninfo()));
    postgres->Stop();  // idempotent
  }

  Clock::time_point start = Clock::now();
  {
    auto postgres = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
    // No initdb this time: pg_ctl start alone takes a fraction of a second.
    EXPECT_LT(SecondsSince(start), 5.0);
    EXPECT_EQ(QueryOne(postgres->conninfo(), "SELECT x FROM survives"), "42");
  }
  // The destructor stopped it.
  EXPECT_FALSE(Exists(data_dir_ + "/postgres/postmaster.pid"));
}

TEST_F(EmbeddedPostgresTest, StartsAgainAfterThePostmasterWasKilled) {
  auto postgres = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
  Execute(postgres->conninfo(), "CREATE TABLE survives (x int); INSERT INTO survives VALUES (7)");
  pid_t killed = PostmasterPid(postgres->cluster_dir());
  ASSERT_GT(killed, 0);
  ASSERT_EQ(kill(killed, SIGKILL), 0);
  ASSERT_TRUE(WaitUntilDead(killed, std::chrono::seconds(10)));
  EXPECT_TRUE(Exists(data_dir_ + "/postgres/postmaster.pid"));  // stale now
  postgres.reset();  // pg_ctl stop finds nothing to stop: a warning, no exception

  auto again = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
  EXPECT_NE(PostmasterPid(again->cluster_dir()), killed);
  EXPECT_EQ(QueryOne(again->conninfo(), "SELECT x FROM survives"), "7");  // crash recovery
}

TEST_F(EmbeddedPostgresTest, RemovesPidFileThatNamesAnUnrelatedLiveProcess) {
  std::string cluster_dir;
  {
    auto postgres = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
    cluster_dir = postgres->cluster_dir();
  }
  // After a reboot the old pid may belong to anything; this test process is
  // alive and is not a postmaster of that cluster.
  std::string own_pid = std::to_string(getpid());
  std::ofstream(cluster_dir + "/postmaster.pid") << own_pid << "\n" << cluster_dir << "\n";
  std::ofstream(data_dir_ + "/run/.s.PGSQL.5432.lock") << own_pid << "\n";

  Clock::time_point start = Clock::now();
  auto postgres = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
  EXPECT_LT(SecondsSince(start), 4.0);  // recognised at once, no connection probing
  EXPECT_NE(PostmasterPid(cluster_dir), getpid());
  EXPECT_EQ(QueryOne(postgres->conninfo(), "SELECT 1"), "1");
}

TEST_F(EmbeddedPostgresTest, AdoptsARunningClusterAndStopsOnlyWhatItOwns) {
  auto server = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
  pid_t pid = PostmasterPid(server->cluster_dir());
  {
    // A CLI command next to a running server: uses the cluster, leaves it be.
    auto command = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/false);
    EXPECT_EQ(command->conninfo(), server->conninfo());
    EXPECT_EQ(QueryOne(command->conninfo(), "SELECT 1"), "1");
  }
  EXPECT_TRUE(Alive(pid));
  EXPECT_EQ(QueryOne(server->conninfo(), "SELECT 2"), "2");

  {
    // A server restarted after a kill -9 of the previous one adopts its
    // cluster and stops it when it is done.
    auto restarted = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
    EXPECT_EQ(PostmasterPid(restarted->cluster_dir()), pid);
  }
  EXPECT_TRUE(WaitUntilDead(pid, std::chrono::seconds(10)));
  EXPECT_FALSE(CanConnect(server->conninfo()));
  server->Stop();  // already stopped: a warning, no exception

  {
    // A CLI command without a running server starts the cluster and stops it.
    auto command = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/false);
    EXPECT_EQ(QueryOne(command->conninfo(), "SELECT 3"), "3");
  }
  EXPECT_FALSE(Exists(data_dir_ + "/postgres/postmaster.pid"));
}

TEST_F(EmbeddedPostgresTest, PutsTheSocketInTmpWhenTheDataDirIsTooLong) {
  std::string data_dir = dir_ + "/" + std::string(100, 'd');
  WatchCluster(data_dir + "/postgres");
  std::string socket_dir = "/tmp/almanac-" + base::Sha256Hex(data_dir).substr(0, 16);
  RemoveAtEnd(socket_dir);

  auto postgres = EmbeddedPostgres::Start(data_dir, /*stop_when_done=*/true);
  EXPECT_EQ(postgres->conninfo(), "host=" + socket_dir + " port=5432 user=almanac dbname=almanac");
  EXPECT_EQ(QueryOne(postgres->conninfo(), "SELECT 1"), "1");
  struct stat info;
  ASSERT_EQ(lstat(socket_dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0700u);
}

TEST_F(EmbeddedPostgresTest, QuotesASocketDirectoryWithASpace) {
  std::string data_dir = dir_ + "/my data";
  WatchCluster(data_dir + "/postgres");
  auto postgres = EmbeddedPostgres::Start(data_dir, /*stop_when_done=*/true);
  EXPECT_EQ(postgres->conninfo(),
            "host='" + data_dir + "/run' port=5432 user=almanac dbname=almanac");
  EXPECT_EQ(QueryOne(postgres->conninfo(), "SELECT 1"), "1");
}

TEST_F(EmbeddedPostgresTest, RelocatesTheClusterWhenPostgresCannotReachTheDataDir) {
  if (geteuid() != 0) GTEST_SKIP() << "only root runs PostgreSQL as another account";
  ASSERT_EQ(chmod(dir_.c_str(), 0700), 0);  // like a data dir below /root
  std::string base = "/var/lib/almanac/clusters/" + base::Sha256Hex(data_dir_).substr(0, 16);
  WatchCluster(base + "/postgres");
  // Leave the machine as it was: directories this test creates go again
  // (rmdir, so nothing that another cluster put there).
  for (const char* parent : {"/var/lib/almanac", "/var/lib/almanac/clusters"}) {
    if (!Exists(parent)) RemoveIfEmptyAtEnd(parent);
  }
  RemoveAtEnd(base);

  auto postgres = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
  EXPECT_EQ(postgres->cluster_dir(), base + "/postgres");
  EXPECT_EQ(postgres->conninfo(), "host=" + base + "/run port=5432 user=almanac dbname=almanac");
  EXPECT_EQ(QueryOne(postgres->conninfo(), "SELECT 1"), "1");
  std::string note = ReadFile(data_dir_ + "/postgres-location");
  EXPECT_NE(note.find(base + "/postgres"), std::string::npos) << note;
  EXPECT_EQ(std::count(note.begin(), note.end(), '\n'), 1) << note;

  // Once the data dir becomes reachable the cluster stays where its data is.
  postgres.reset();
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  postgres = EmbeddedPostgres::Start(data_dir_, /*stop_when_done=*/true);
  EXPECT_EQ(postgres->cluster_dir(), base + "/postgres");
}

}  // namespace
}  // namespace storage
