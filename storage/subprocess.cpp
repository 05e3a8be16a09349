#include "storage/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace storage {
namespace {

std::string ErrorText(int error) { return std::strerror(error); }

// Owns a file descriptor. Close errors are not reported: these are pipes and
// /dev/null, where close(2) has nothing left to flush.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Moves `fd` above 0-2 so that the child's dup2 onto 0-2 cannot overwrite a
// descriptor it still needs (possible when the server runs with 0-2 closed).
void MoveAboveStdio(Fd& fd, const char* what) {
  if (fd.get() >= 3) return;
  int moved = fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) throw std::runtime_error(std::string("fcntl(") + what + "): " + ErrorText(errno));
  fd.Reset(moved);
}

// What the child did when it failed; sent to the parent through a
// close-on-exec pipe, which stays silent when execve succeeds.
enum class Step : int { kNone, kStdio, kSignals, kChdir, kGroups, kGid, kUid, kCloseFds, kExec };

const char* StepName(Step step) {
  switch (step) {
    case Step::kNone:
      return "";
    case Step::kStdio:
      return "dup2";
    case Step::kSignals:
      return "sigprocmask";
    case Step::kChdir:
      return "chdir(/)";
    case Step::kGroups:
      return "setgroups";
    case Step::kGid:
      return "setgid";
    case Step::kUid:
      return "setuid";
    case Step::kCloseFds:
      return "close_range";
    case Step::kExec:
      return "execve";
  }
  return "?";
}

struct ChildFailure {
  Step step;
  int error;
};

// Everything the child needs, prepared by the parent.
struct ChildPlan {
  const ProcessUser* user = nullptr;
  int stdin_fd = -1;
  int output_fd = -1;
  int report_fd = -1;  // write end of the report pipe (close-on-exec)
  long max_fd = 0;     // sysconf(_SC_OPEN_MAX), for kernels without close_range
};

// Runs in the child between fork and execve: async-signal-safe calls only.
Step SetUpChild(const ChildPlan& plan) {
  if (dup2(plan.stdin_fd, 0) < 0 || dup2(plan.output_fd, 1) < 0 || dup2(plan.output_fd, 2) < 0) {
    return Step::kStdio;
  }
  // Ignored signals stay ignored across execve, and a server typically
  // ignores SIGPIPE and blocks the signals it waits for; the postmaster that
  // pg_ctl starts would inherit both. The errors of sigaction are not
  // checked: glibc refuses its two reserved real-time signals with EINVAL.
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &action, nullptr);
  }
  sigset_t empty;
  sigemptyset(&empty);
  if (sigprocmask(SIG_SETMASK, &empty, nullptr) != 0) return Step::kSignals;
  // The run-as account may not be able to read our working directory
  // (initdb: "could not identify current directory").
  if (chdir("/") != 0) return Step::kChdir;
  if (plan.user != nullptr && plan.user->uid != geteuid()) {
    // initgroups(3) reads /etc/group, which is not safe after fork in a
    // threaded process; the parent resolved the list with getgrouplist(3).
    if (setgroups(plan.user->groups.size(), plan.user->groups.data()) != 0) return Step::kGroups;
    if (setgid(plan.user->gid) != 0) return Step::kGid;
    if (setuid(plan.user->uid) != 0) return Step::kUid;
  }
  // Descriptors without close-on-exec (listening sockets, the caller's files)
  // must not leak into a daemon that outlives us.
  if (plan.report_fd > 3 && close_range(3, plan.report_fd - 1, 0) != 0 && errno != ENOSYS) {
    return Step::kCloseFds;
  }
  if (close_range(plan.report_fd + 1, ~0U, 0) != 0) {
    if (errno != ENOSYS) return Step::kCloseFds;
    for (long fd = 3; fd < plan.max_fd; ++fd) {
      if (fd != plan.report_fd) close(static_cast<int>(fd));  // EBADF is expected
    }
  }
  return Step::kNone;
}

[[noreturn]] void ReportAndExit(int report_fd, Step step, int error) {
  ChildFailure failure{step, error};
  // Nothing to do if this write fails: the parent then sees exit status 127.
  ssize_t written = write(report_fd, &failure, sizeof failure);
  (void)written;
  _exit(127);
}

int WaitFor(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid: " + ErrorText(errno));
  }
  return status;
}

// Forks; the child sets itself up according to `plan` and calls `in_child`,
// which must not return unless it failed (with errno set). Returns the
// child's wait status, or throws when the child reported a failure.
template <typename InChild>
int SpawnAndWait(ChildPlan plan, const std::string& description, InChild in_child) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2: " + ErrorText(errno));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  MoveAboveStdio(read_end, "pipe");
  MoveAboveStdio(write_end, "pipe");
  plan.report_fd = write_end.get();
  plan.max_fd = sysconf(_SC_OPEN_MAX);
  if (plan.max_fd < 0) plan.max_fd = 1024;

  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + ErrorText(errno));
  if (pid == 0) {
    Step step = SetUpChild(plan);
    if (step == Step::kNone) {
      in_child();
      step = Step::kExec;
    }
    ReportAndExit(plan.report_fd, step, errno);
  }

  write_end.Reset(-1);  // so that read() sees EOF once the child has exec'd
  ChildFailure failure{Step::kNone, 0};
  ssize_t got;
  do {
    got = read(read_end.get(), &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  int read_error = errno;
  int status = WaitFor(pid);
  if (got < 0) throw std::runtime_error("read from child: " + ErrorText(read_error));
  if (got == static_cast<ssize_t>(sizeof failure)) {
    throw std::runtime_error("cannot " + description + ": " + StepName(failure.step) + ": " +
                             ErrorText(failure.error));
  }
  return status;
}

Fd OpenDevNull() {
  Fd dev_null(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (dev_null.get() < 0) throw std::runtime_error("open /dev/null: " + ErrorText(errno));
  MoveAboveStdio(dev_null, "/dev/null");
  return dev_null;
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& text : strings) pointers.push_back(const_cast<char*>(text.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

std::string AsWhom(const ProcessUser* user) {
  return user == nullptr ? std::string() : " as " + user->name;
}

}  // namespace

ProcessUser LookUpUser(const std::string& name) {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<size_t>(size) : 16384);
  struct passwd entry;
  struct passwd* found = nullptr;
  int rc;
  while ((rc = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (rc != 0)
    throw std::runtime_error("cannot look up the account " + name + ": " + ErrorText(rc));
  if (found == nullptr) throw std::runtime_error("there is no account named '" + name + "'");

  ProcessUser user;
  user.name = name;
  user.uid = entry.pw_uid;
  user.gid = entry.pw_gid;
  user.home = entry.pw_dir != nullptr && entry.pw_dir[0] != '\0' ? entry.pw_dir : "/";
  int count = 16;
  user.groups.resize(count);
  // getgrouplist returns -1 and sets `count` to the size it needs.
  while (getgrouplist(name.c_str(), user.gid, user.groups.data(), &count) < 0) {
    int needed = count > static_cast<int>(user.groups.size())
                     ? count
                     : 2 * static_cast<int>(user.groups.size());
    user.groups.resize(needed);
    count = needed;
  }
  user.groups.resize(count);
  return user;
}

int RunProcess(const ProcessOptions& options) {
  if (options.argv.empty() || options.argv[0].empty() || options.argv[0][0] != '/') {
    throw std::invalid_argument("RunProcess needs an absolute program path");
  }
  std::vector<char*> argv = CStrings(options.argv);
  std::vector<char*> envp = CStrings(options.env);
  Fd dev_null = OpenDevNull();
  Fd output(-1);
  if (options.output_fd >= 0) {
    output.Reset(fcntl(options.output_fd, F_DUPFD_CLOEXEC, 3));
    if (output.get() < 0) throw std::runtime_error("fcntl(output): " + ErrorText(errno));
  }
  ChildPlan plan;
  plan.user = options.user;
  plan.stdin_fd = dev_null.get();
  plan.output_fd = output.get() >= 0 ? output.get() : dev_null.get();
  return SpawnAndWait(plan, "run " + options.argv[0] + AsWhom(options.user),
                      [&] { execve(argv[0], argv.data(), envp.data()); });
}

bool ExitedSuccessfully(int wait_status) {
  return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status))
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "ended with wait status " + std::to_string(wait_status);
}

bool UserCanSearch(const ProcessUser& user, const std::string& directory) {
  Fd dev_null = OpenDevNull();
  ChildPlan plan;
  plan.user = &user;
  plan.stdin_fd = dev_null.get();
  plan.output_fd = dev_null.get();
  const char* path = directory.c_str();
  int status = SpawnAndWait(plan, "switch to the account " + user.name,
                            [path] { _exit(access(path, X_OK) == 0 ? 0 : 1); });
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
    throw std::runtime_error("checking whether " + user.name + " can reach " + directory +
                             ": child " + DescribeWaitStatus(status));
  }
  return WEXITSTATUS(status) == 0;
}

}  // namespace storage
