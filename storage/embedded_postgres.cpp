#include "storage/embedded_postgres.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "server/base/log.h"
#include "server/base/sha256.h"
#include "storage/subprocess.h"

namespace storage {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kSuperuser[] = "almanac";  // initdb -U: the role the server connects as
constexpr char kDatabase[] = "almanac";
// With listen_addresses='' the port only names the socket file (STACK_NOTES §7).
constexpr char kPort[] = "5432";
constexpr char kSocketFile[] = ".s.PGSQL.5432";
constexpr size_t kMaxSocketPath = 107;  // sizeof(sockaddr_un::sun_path) minus the NUL
constexpr char kDefaultRunAs[] = "postgres";
constexpr char kDebianPgRoot[] = "/usr/lib/postgresql";
constexpr char kRelocationRoot[] = "/var/lib/almanac";
constexpr char kRelocatedClusters[] = "/var/lib/almanac/clusters";
constexpr char kLocationNote[] = "postgres-location";
constexpr auto kStaleProbe = std::chrono::seconds(5);     // an unknown process holds the pid
constexpr auto kRecoveryWait = std::chrono::seconds(60);  // our postmaster, maybe recovering
constexpr auto kOldBackendsWait = std::chrono::seconds(15);
constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr int kLogTailLines = 20;

// ---------------------------------------------------------------- files

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

bool Exists(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  ThrowErrno("cannot check " + path);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string TrimRight(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

// Removes `path`; false when it did not exist.
bool RemoveIfExists(const std::string& path) {
  if (unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  ThrowErrno("cannot remove " + path);
}

// The last lines of PostgreSQL's log, for error messages: that is where
// initdb, pg_ctl and the postmaster explain what went wrong.
std::string LogTail(const std::string& log_file) {
  std::ifstream in(log_file, std::ios::binary);
  if (!in) return "  (" + log_file + " cannot be read)\n";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff start = size > 8192 ? size - 8192 : 0;
  in.seekg(start);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::vector<std::string> lines;
  std::istringstream stream(buffer.str());
  std::string line;
  bool first = true;
  while (std::getline(stream, line)) {
    if (first && start > 0) {  // the first line read is probably cut
      first = false;
      continue;
    }
    first = false;
    if (!TrimRight(line).empty()) lines.push_back(line);
  }
  size_t from = lines.size() > kLogTailLines ? lines.size() - kLogTailLines : 0;
  std::string tail;
  for (size_t index = from; index < lines.size(); ++index) tail += "  " + lines[index] + "\n";
  return tail.empty() ? "  (" + log_file + " is empty)\n" : tail;
}

std::string WithLogTail(const std::string& message, const std::string& log_file) {
  return message + "\nLast lines of " + log_file + ":\n" + LogTail(log_file);
}

// mkdir that accepts an existing directory; the mode is applied exactly
// (mkdir subtracts the umask). Returns whether it created the directory.
bool MakeDirectory(const std::string& path, mode_t mode) {
  if (mkdir(path.c_str(), mode) == 0) {
    if (chmod(path.c_str(), mode) != 0) ThrowErrno("chmod " + path);
    return true;
  }
  if (errno != EEXIST) ThrowErrno("cannot create the directory " + path);
  struct stat info;
  if (stat(path.c_str(), &info) != 0) ThrowErrno("cannot check " + path);
  if (!S_ISDIR(info.st_mode)) throw std::runtime_error(path + " exists but is not a directory");
  return false;
}

// mkdir -p: missing parents get 0755 minus the umask, `path` itself `mode`.
bool MakeDirectories(const std::string& path, mode_t mode) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string parent = path.substr(0, slash);
    if (mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
      ThrowErrno("cannot create the directory " + parent);
    }
  }
  return MakeDirectory(path, mode);
}

uid_t RunAsUid(const ProcessUser* user) { return user != nullptr ? user->uid : geteuid(); }

std::string RunAsName(const ProcessUser* user) {
  return user != nullptr ? user->name : "uid " + std::to_string(geteuid());
}

// A directory PostgreSQL writes into (the socket directory, the relocated
// cluster's home): created if missing, owned by the run-as account. In /tmp
// (`shared` = true) somebody else may have created it first to intercept the
// socket, so an existing directory must already belong to the account.
void PrepareOwnedDirectory(const std::string& path, mode_t mode, const ProcessUser* user,
                           bool shared) {
  bool created = MakeDirectory(path, mode);
  struct stat info;
  if (lstat(path.c_str(), &info) != 0) ThrowErrno("cannot check " + path);
  if (!S_ISDIR(info.st_mode)) throw std::runtime_error(path + " is not a directory");
  uid_t owner = RunAsUid(user);
  if (info.st_uid != owner) {
    if (!created && (shared || geteuid() != 0)) {
      throw std::runtime_error(path + " belongs to uid " + std::to_string(info.st_uid) +
                               ", not to " + RunAsName(user) +
                               ", which PostgreSQL runs as: remove it and start again");
    }
    if (chown(path.c_str(), owner, user != nullptr ? user->gid : static_cast<gid_t>(-1)) != 0) {
      ThrowErrno("chown " + path);
    }
  }
  if ((info.st_mode & 07777) != mode && chmod(path.c_str(), mode) != 0) ThrowErrno("chmod " + path);
}

// ---------------------------------------------------------------- layout

// Where the cluster, its log and its socket live (see the header).
struct Layout {
  std::string base;  // holds postgres/ and postgres.log
  std::string cluster_dir;
  std::string log_file;
  std::string socket_dir;
  bool socket_in_tmp = false;
  bool relocated = false;  // base is below /var/lib/almanac/clusters
};

std::string ShortHash(const std::string& data_dir) {
  return base::Sha256Hex(data_dir).substr(0, 16);
}

// The socket directory goes into `-o "... unix_socket_directories='DIR'"`,
// which pg_ctl hands to /bin/sh, and PostgreSQL then splits the value at
// commas: such directories use the /tmp fallback instead.
bool UsableAsSocketDir(const std::string& dir) {
  if (dir.size() + 1 + std::strlen(kSocketFile) > kMaxSocketPath) return false;
  for (char c : dir) {
    if (c == '\'' || c == '"' || c == '\\' || c == ',' || static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  return true;
}

// pg_ctl starts the postmaster with /bin/sh -c 'exec "BINDIR/postgres" -D
// "CLUSTER" ... >> "LOG"' (pg_ctl.c, start_postmaster): these characters
// would end or expand inside its double quotes.
void CheckPathForPgCtl(const std::string& path) {
  for (char c : path) {
    if (c == '"' || c == '\\' || c == '$' || c == '`' || static_cast<unsigned char>(c) < 0x20) {
      throw std::runtime_error(
          "the path " + path +
          " contains a character that pg_ctl cannot pass through its shell (\" \\ $ ` or a "
          "control character): choose a data directory without it");
    }
  }
}

Layout LayoutUnder(const std::string& base, const std::string& data_dir) {
  Layout layout;
  layout.base = base;
  layout.cluster_dir = base + "/postgres";
  layout.log_file = base + "/postgres.log";
  layout.socket_dir = base + "/run";
  if (!UsableAsSocketDir(layout.socket_dir)) {
    layout.socket_dir = "/tmp/almanac-" + ShortHash(data_dir);
    layout.socket_in_tmp = true;
  }
  return layout;
}

// Creates the data directory if missing and returns its canonical absolute
// path (the hash that names fallback directories must not depend on how the
// path was spelled).
std::string PrepareDataDir(const std::string& data_dir, const ProcessUser* user) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(data_dir, error);
  if (error) throw std::runtime_error("cannot resolve " + data_dir + ": " + error.message());
  std::string path = absolute.lexically_normal().string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  bool created = MakeDirectories(path, 0750);
  // 0750 keeps the data private; the run-as account's group lets PostgreSQL
  // reach its cluster inside (otherwise it would have to be relocated).
  if (created && user != nullptr && chown(path.c_str(), static_cast<uid_t>(-1), user->gid) != 0) {
    ThrowErrno("chown " + path);
  }
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr) ThrowErrno("cannot resolve " + path);
  std::string canonical(real);
  free(real);
  return canonical;
}

// As root, PostgreSQL runs as another account, which may not be able to
// traverse to the data directory (e.g. one below /root, mode 0700). Then the
// cluster moves to /var/lib/almanac/clusters/<hash>/. An existing cluster
// stays where it is, so that a change of permissions never silently starts
// an empty one.
Layout ChooseLayout(const std::string& data_dir, const ProcessUser* user) {
  Layout in_data_dir = LayoutUnder(data_dir, data_dir);
  if (user == nullptr) return in_data_dir;
  Layout relocated =
      LayoutUnder(std::string(kRelocatedClusters) + "/" + ShortHash(data_dir), data_dir);
  relocated.relocated = true;
  bool reachable = UserCanSearch(*user, data_dir);
  if (Exists(in_data_dir.cluster_dir + "/PG_VERSION")) {
    if (!reachable) {
      throw std::runtime_error("the PostgreSQL cluster " + in_data_dir.cluster_dir +
                               " cannot be reached by the account " + user->name +
                               ", which PostgreSQL runs as: make " + data_dir +
                               " and every directory above it searchable for that account "
                               "(chgrp it and chmod g+x, or chmod o+x)");
    }
    return in_data_dir;
  }
  if (reachable && !Exists(relocated.cluster_dir + "/PG_VERSION")) return in_data_dir;
  return relocated;
}

void WriteLocationNote(const std::string& data_dir, const Layout& layout, const ProcessUser& user) {
  std::string path = data_dir + "/" + kLocationNote;
  std::string text = "The PostgreSQL cluster of this data directory is " + layout.cluster_dir +
                     " (the account " + user.name + " cannot reach this directory).\n";
  if (ReadFile(path) == text) return;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

void PrepareLogFile(const std::string& log_file, const ProcessUser* user) {
  int fd = open(log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) ThrowErrno("cannot open " + log_file);
  struct stat info;
  bool ok = fstat(fd, &info) == 0;
  // pg_ctl opens the log as the run-as account.
  if (ok && user != nullptr && info.st_uid != user->uid) ok = fchown(fd, user->uid, user->gid) == 0;
  int saved = errno;
  if (close(fd) != 0 && ok) ThrowErrno("close " + log_file);
  errno = saved;
  if (!ok) ThrowErrno("cannot give " + log_file + " to " + RunAsName(user));
}

void PrepareLayout(const Layout& layout, const std::string& data_dir, const ProcessUser* user) {
  if (layout.relocated) {
    // user != nullptr: only root relocates.
    if (!Exists(kRelocationRoot)) MakeDirectory(kRelocationRoot, 0755);
    MakeDirectory(kRelocatedClusters, 0711);  // traversable, not listable
    PrepareOwnedDirectory(layout.base, 0700, user, /*shared=*/false);
    if (!UserCanSearch(*user, layout.base)) {
      throw std::runtime_error("the account " + user->name + " cannot reach " + data_dir + " nor " +
                               layout.base + ": make " + kRelocationRoot + " and " +
                               kRelocatedClusters + " searchable for it (chmod o+x), or make " +
                               data_dir + " reachable");
    }
    base::LogWarning("the account " + user->name + " cannot reach " + data_dir +
                     ", so its PostgreSQL cluster lives in " + layout.base + " (noted in " +
                     data_dir + "/" + kLocationNote + ")");
    WriteLocationNote(data_dir, layout, *user);
  } else {
    RemoveIfExists(data_dir + "/" + kLocationNote);  // outdated if the cluster is here
  }

  bool created = MakeDirectory(layout.cluster_dir, 0700);
  struct stat info;
  if (stat(layout.cluster_dir.c_str(), &info) != 0)
    ThrowErrno("cannot check " + layout.cluster_dir);
  if (created && user != nullptr) {
    if (chown(layout.cluster_dir.c_str(), user->uid, user->gid) != 0) {
      ThrowErrno("chown " + layout.cluster_dir);
    }
  } else if (info.st_uid != RunAsUid(user)) {
    // PostgreSQL insists that its data directory belongs to the account it
    // runs as; changing the owner of someone's files is not our call.
    throw std::runtime_error(layout.cluster_dir + " belongs to uid " + std::to_string(info.st_uid) +
                             ", but PostgreSQL runs as " + RunAsName(user) + ": chown -R " +
                             RunAsName(user) + " " + layout.cluster_dir +
                             (user != nullptr ? " (or set ALMANAC_POSTGRES_USER)" : ""));
  }
  PrepareLogFile(layout.log_file, user);
  PrepareOwnedDirectory(layout.socket_dir, 0700, user, layout.socket_in_tmp);
}

// ---------------------------------------------------------------- programs

// The PostgreSQL programs: which ones, as whom, where their output goes.
class PgTools {
 public:
  PgTools(std::string bin_dir, const ProcessUser* user, std::string log_file)
      : bin_dir_(std::move(bin_dir)), user_(user), log_file_(std::move(log_file)) {}

  // Runs BINDIR/program with `args`, stdout and stderr appended to the log.
  // Returns the wait status.
  int Run(const std::string& program, const std::vector<std::string>& args) const {
    ProcessOptions options;
    options.argv.push_back(bin_dir_ + "/" + program);
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    std::string home = user_ != nullptr ? user_->home : GetEnv("HOME");
    // A minimal environment: nothing like PGDATA, PGHOST or PGPORT leaks in.
    options.env = {"PATH=" + bin_dir_ + ":/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                   "HOME=" + (home.empty() ? std::string("/") : home)};
    options.user = user_;
    options.output_fd = open(log_file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (options.output_fd < 0) ThrowErrno("cannot open " + log_file_);
    int status;
    try {
      status = RunProcess(options);
    } catch (...) {
      close(options.output_fd);
      throw;
    }
    if (close(options.output_fd) != 0) ThrowErrno("close " + log_file_);
    return status;
  }

 private:
  std::string bin_dir_;
  const ProcessUser* user_;
  std::string log_file_;
};

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

// The newest /usr/lib/postgresql/<version>/bin with an initdb, or "".
std::string NewestDebianBinDir() {
  DIR* dir = opendir(kDebianPgRoot);
  if (dir == nullptr) {
    if (errno == ENOENT) return "";
    ThrowErrno(std::string("cannot list ") + kDebianPgRoot);
  }
  std::string best;
  double best_version = -1;
  while (struct dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789.") != std::string::npos) continue;
    double version = std::strtod(name.c_str(), nullptr);  // "15", "16", "9.6"
    std::string bin = std::string(kDebianPgRoot) + "/" + name + "/bin";
    if (version > best_version && IsExecutable(bin + "/initdb")) {
      best = bin;
      best_version = version;
    }
  }
  closedir(dir);
  return best;
}

std::string FindBinDir(const std::string& cluster_dir) {
  std::string from_env = GetEnv("ALMANAC_PG_BINDIR");
  if (!from_env.empty()) {
    if (!IsExecutable(from_env + "/initdb") || !IsExecutable(from_env + "/pg_ctl")) {
      throw std::runtime_error("ALMANAC_PG_BINDIR=" + from_env +
                               " holds no initdb and pg_ctl: point it at PostgreSQL's bin "
                               "directory (pg_config --bindir prints it)");
    }
    return from_env;
  }
  // An existing cluster needs the major version that created it; the newest
  // one installed would refuse its files after an upgrade of the packages.
  std::string version = TrimRight(ReadFile(cluster_dir + "/PG_VERSION").value_or(""));
  if (!version.empty()) {
    std::string bin = std::string(kDebianPgRoot) + "/" + version + "/bin";
    if (IsExecutable(bin + "/pg_ctl")) return bin;
    throw std::runtime_error("the PostgreSQL cluster " + cluster_dir +
                             " was created by PostgreSQL " + version + ", whose programs (" + bin +
                             ") are not installed: install the Debian package postgresql-" +
                             version + " (or upgrade the cluster with pg_upgrade)");
  }
  std::string newest = NewestDebianBinDir();
  if (newest.empty()) {
    throw std::runtime_error(
        std::string("PostgreSQL is not installed (no ") + kDebianPgRoot +
        "/<version>/bin/initdb), and without --database-url almanac runs its own cluster: "
        "install the Debian package `postgresql` (apt-get install postgresql), or set "
        "ALMANAC_PG_BINDIR to the directory that holds initdb and pg_ctl, or give "
        "--database-url");
  }
  return newest;
}

std::optional<ProcessUser> ChooseRunAsUser() {
  std::string requested = GetEnv("ALMANAC_POSTGRES_USER");
  if (geteuid() != 0) {
    if (!requested.empty()) {
      base::LogWarning(
          "ALMANAC_POSTGRES_USER is ignored: almanac does not run as root, so "
          "PostgreSQL runs as the current user");
    }
    return std::nullopt;
  }
  std::string name = requested.empty() ? std::string(kDefaultRunAs) : requested;
  ProcessUser user;
  try {
    user = LookUpUser(name);
  } catch (const std::exception& e) {
    throw std::runtime_error(
        "almanac runs as root and PostgreSQL refuses to, so the embedded cluster runs as '" + name +
        "', but " + e.what() +
        ": install the Debian package postgresql (it creates the account postgres), create a "
        "system account (adduser --system --group postgres) or name another one in "
        "ALMANAC_POSTGRES_USER; or give --database-url");
  }
  if (user.uid == 0) {
    throw std::runtime_error("ALMANAC_POSTGRES_USER=" + name +
                             " is a root account, and PostgreSQL refuses to run as root: name an "
                             "unprivileged account");
  }
  return user;
}

// ---------------------------------------------------------------- postmaster

std::string QuoteConninfo(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \t\n\r\f\v'\\") == std::string::npos) return value;
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string Conninfo(const std::string& socket_dir, const std::string& dbname) {
  return "host=" + QuoteConninfo(socket_dir) + " port=" + kPort + " user=" + kSuperuser +
         " dbname=" + dbname;
}

bool CanConnect(const std::string& conninfo) {
  try {
    pqxx::connection connection(conninfo + " connect_timeout=2");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// postmaster.pid, as PostgreSQL writes it (miscadmin.h LOCK_FILE_LINE_*):
// line 1 the pid, line 7 "<shmem key> <shmem id>" of its SysV segment.
struct PidFile {
  pid_t pid = 0;
  long shm_key = -1;
  long shm_id = -1;
};

std::optional<PidFile> ReadPidFile(const std::string& cluster_dir) {
  std::optional<std::string> text = ReadFile(cluster_dir + "/postmaster.pid");
  if (!text) return std::nullopt;
  PidFile pid_file;
  std::istringstream lines(*text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (number == 1) {
      long pid = std::strtol(line.c_str(), nullptr, 10);
      pid_file.pid = static_cast<pid_t>(pid < 0 ? -pid : pid);  // negative: a single-user backend
    } else if (number == 7) {
      std::istringstream fields(line);
      if (!(fields >> pid_file.shm_key >> pid_file.shm_id)) pid_file.shm_key = pid_file.shm_id = -1;
    }
  }
  return pid_file;
}

// kill(pid, 0) is what `pg_ctl status` asks; a zombie counts as dead (a
// killed postmaster stays one where nobody reaps orphans, e.g. in containers).
bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  std::optional<std::string> stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  size_t paren = stat->rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat->size()) return true;
  char state = (*stat)[paren + 2];
  return state != 'Z' && state != 'X';
}

enum class Ownership { kOurs, kNotOurs, kUnknown };

// The postmaster changes into its data directory, so the working directory
// tells whether a live pid from postmaster.pid is our postmaster or a
// process that reused the pid (after a reboot, or in a fresh container).
Ownership PostmasterOf(pid_t pid, const std::string& cluster_dir) {
  char target[4096];
  std::string link = "/proc/" + std::to_string(pid) + "/cwd";
  ssize_t length = readlink(link.c_str(), target, sizeof target - 1);
  if (length < 0) return errno == ENOENT ? Ownership::kNotOurs : Ownership::kUnknown;
  target[length] = '\0';
  char* real = realpath(cluster_dir.c_str(), nullptr);
  if (real == nullptr) return Ownership::kUnknown;
  bool same = std::strcmp(real, target) == 0;
  free(real);
  return same ? Ownership::kOurs : Ownership::kNotOurs;
}

enum class WaitResult { kConnected, kGone, kTimeout };

WaitResult WaitUntilConnectable(const std::string& conninfo, pid_t pid, Clock::duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    if (CanConnect(conninfo)) return WaitResult::kConnected;
    if (!ProcessAlive(pid)) return WaitResult::kGone;
    if (Clock::now() >= deadline) return WaitResult::kTimeout;
    std::this_thread::sleep_for(kPollInterval);
  }
}

// After a kill -9 of the postmaster its children take a moment to notice;
// meanwhile a new postmaster refuses to start ("pre-existing shared memory
// block is still in use").
void WaitForOldBackends(const PidFile& pid_file) {
  if (pid_file.shm_id < 0) return;
  Clock::time_point deadline = Clock::now() + kOldBackendsWait;
  while (true) {
    struct shmid_ds segment;
    if (shmctl(static_cast<int>(pid_file.shm_id), IPC_STAT, &segment) != 0) return;  // gone
    // A different key: the id was reused after a reboot, not our segment.
    if (static_cast<long>(segment.shm_perm.__key) != pid_file.shm_key) return;
    if (segment.shm_nattch == 0) return;
    if (Clock::now() >= deadline) {
      base::LogWarning("old PostgreSQL processes still use shared memory segment " +
                       std::to_string(pid_file.shm_id) + "; starting anyway");
      return;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

// Called when postmaster.pid exists. Returns true when a running postmaster
// answers on our socket (adopt it); otherwise removes the stale lock files.
bool AdoptOrClearStale(const Layout& layout, const PidFile& pid_file) {
  const std::string admin = Conninfo(layout.socket_dir, "postgres");
  const std::string pid_text = std::to_string(pid_file.pid);
  bool alive = ProcessAlive(pid_file.pid);
  Ownership ownership =
      alive ? PostmasterOf(pid_file.pid, layout.cluster_dir) : Ownership::kNotOurs;
  if (ownership != Ownership::kNotOurs) {
    bool ours = ownership == Ownership::kOurs;
    switch (WaitUntilConnectable(admin, pid_file.pid, ours ? kRecoveryWait : kStaleProbe)) {
      case WaitResult::kConnected:
        base::LogInfo("PostgreSQL (pid " + pid_text + ") already runs on " + layout.cluster_dir +
                      ": using it");
        return true;
      case WaitResult::kGone:
        break;  // it was shutting down or crashed: start it again
      case WaitResult::kTimeout:
        if (ours) {
          throw std::runtime_error(WithLogTail(
              "PostgreSQL (pid " + pid_text + ") runs on " + layout.cluster_dir +
                  " but accepts no connections on " + layout.socket_dir + "/" + kSocketFile +
                  ": stop it (kill -INT " + pid_text + ") and start again",
              layout.log_file));
        }
        break;
    }
  }
  // Left by a crash or a kill -9: PostgreSQL would refuse to start while the
  // pid in the file belongs to a live process, even an unrelated one.
  if (RemoveIfExists(layout.cluster_dir + "/postmaster.pid")) {
    base::LogWarning(
        "removed the stale " + layout.cluster_dir + "/postmaster.pid (pid " + pid_text +
        (ProcessAlive(pid_file.pid) ? " is another process" : " is not running") + ")");
  }
  RemoveIfExists(layout.socket_dir + "/" + kSocketFile + ".lock");
  WaitForOldBackends(pid_file);
  return false;
}

// Returns true when this call started the postmaster, false when it adopted
// one that was running already.
bool StartOrAdopt(const Layout& layout, const PgTools& tools) {
  if (std::optional<PidFile> pid_file = ReadPidFile(layout.cluster_dir)) {
    if (AdoptOrClearStale(layout, *pid_file)) return false;
  }
  // listen_addresses='': no TCP socket at all; 0700 on the socket and its
  // directory is what makes --auth=trust safe (only the run-as account and
  // root can connect). pg_ctl passes -o through /bin/sh, hence the quotes.
  std::string options = "-c listen_addresses='' -c port=" + std::string(kPort) +
                        " -c unix_socket_directories='" + layout.socket_dir +
                        "' -c unix_socket_permissions=0700";
  int status = tools.Run("pg_ctl", {"-D", layout.cluster_dir, "-l", layout.log_file, "-w", "-t",
                                    "60", "-o", options, "start"});
  if (ExitedSuccessfully(status)) {
    base::LogInfo("started PostgreSQL on " + layout.socket_dir + " (cluster " + layout.cluster_dir +
                  ", log " + layout.log_file + ")");
    return true;
  }
  // Another almanac process may have started it at the same moment.
  std::optional<PidFile> pid_file = ReadPidFile(layout.cluster_dir);
  if (pid_file && ProcessAlive(pid_file->pid) &&
      PostmasterOf(pid_file->pid, layout.cluster_dir) == Ownership::kOurs &&
      WaitUntilConnectable(Conninfo(layout.socket_dir, "postgres"), pid_file->pid, kStaleProbe) ==
          WaitResult::kConnected) {
    return false;
  }
  throw std::runtime_error(
      WithLogTail("PostgreSQL did not start (pg_ctl start " + DescribeWaitStatus(status) + ")",
                  layout.log_file));
}

void InitCluster(const PgTools& tools, const Layout& layout) {
  base::LogInfo("initialising the PostgreSQL cluster " + layout.cluster_dir + " (first start)");
  // --auth=trust: see StartOrAdopt. C.UTF-8 is built into glibc (no locales
  // package needed) and sorts by code point, the same on every host.
  int status = tools.Run("initdb", {"-D", layout.cluster_dir, "-U", kSuperuser, "--auth=trust",
                                    "-E", "UTF8", "--locale=C.UTF-8"});
  if (!ExitedSuccessfully(status)) {
    throw std::runtime_error(WithLogTail(
        "initdb " + DescribeWaitStatus(status) + " for " + layout.cluster_dir +
            ". If that directory holds leftovers of an interrupted first start (it has no "
            "PG_VERSION file), remove it and start again.",
        layout.log_file));
  }
}

void EnsureDatabase(const std::string& socket_dir) {
  try {
    pqxx::connection connection(Conninfo(socket_dir, "postgres"));
    pqxx::nontransaction work(connection);  // CREATE DATABASE cannot run in a transaction block
    pqxx::result found =
        work.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", std::string(kDatabase));
    if (!found.empty()) return;
    try {
      work.exec0("CREATE DATABASE " + std::string(kDatabase));
      base::LogInfo(std::string("created the database ") + kDatabase);
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "42P04") throw;  // duplicate_database: created concurrently
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot create the database ") + kDatabase +
                             " in the embedded PostgreSQL on " + socket_dir + ": " + e.what());
  }
}

}  // namespace

std::unique_ptr<EmbeddedPostgres> EmbeddedPostgres::Start(const std::string& data_dir,
                                                          bool stop_when_done) {
  if (data_dir.empty()) throw std::invalid_argument("EmbeddedPostgres::Start: no data directory");
  std::optional<ProcessUser> run_as = ChooseRunAsUser();
  const ProcessUser* user = run_as ? &*run_as : nullptr;
  std::string root = PrepareDataDir(data_dir, user);
  Layout layout = ChooseLayout(root, user);
  CheckPathForPgCtl(layout.cluster_dir);
  CheckPathForPgCtl(layout.log_file);
  PrepareLayout(layout, root, user);

  // The constructor is private, out of std::make_unique's reach.
  std::unique_ptr<EmbeddedPostgres> postgres(new EmbeddedPostgres());
  postgres->cluster_dir_ = layout.cluster_dir;
  postgres->socket_dir_ = layout.socket_dir;
  postgres->log_file_ = layout.log_file;
  postgres->conninfo_ = Conninfo(layout.socket_dir, kDatabase);
  postgres->bin_dir_ = FindBinDir(layout.cluster_dir);
  CheckPathForPgCtl(postgres->bin_dir_);
  postgres->run_as_ = user != nullptr ? user->name : "";
  PgTools tools(postgres->bin_dir_, user, layout.log_file);

  if (!Exists(layout.cluster_dir + "/PG_VERSION")) InitCluster(tools, layout);
  bool started = StartOrAdopt(layout, tools);
  postgres->stop_in_destructor_ = stop_when_done || started;
  EnsureDatabase(layout.socket_dir);  // on failure the destructor stops what we started
  return postgres;
}

EmbeddedPostgres::~EmbeddedPostgres() {
  if (!stop_in_destructor_) return;
  try {
    Stop();
  } catch (const std::exception& e) {
    base::LogError(std::string("stopping the embedded PostgreSQL: ") + e.what());
  }
}

void EmbeddedPostgres::Stop() {
  if (stopped_) return;
  std::optional<ProcessUser> user;
  if (!run_as_.empty()) user = LookUpUser(run_as_);
  PgTools tools(bin_dir_, user ? &*user : nullptr, log_file_);
  int status = tools.Run("pg_ctl", {"-D", cluster_dir_, "-m", "fast", "-w", "stop"});
  if (ExitedSuccessfully(status)) {
    base::LogInfo("stopped PostgreSQL (cluster " + cluster_dir_ + ")");
  } else {
    std::optional<PidFile> pid_file = ReadPidFile(cluster_dir_);
    if (pid_file && ProcessAlive(pid_file->pid) &&
        PostmasterOf(pid_file->pid, cluster_dir_) != Ownership::kNotOurs) {
      throw std::runtime_error(
          WithLogTail("pg_ctl stop " + DescribeWaitStatus(status) + ", and PostgreSQL (pid " +
                          std::to_string(pid_file->pid) + ") still runs on " + cluster_dir_,
                      log_file_));
    }
    base::LogWarning("PostgreSQL (cluster " + cluster_dir_ + ") had stopped already");
  }
  stopped_ = true;
}

}  // namespace storage
