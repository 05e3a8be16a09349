// Runs a helper program (initdb, pg_ctl) without a shell, optionally as
// another account: fork(), drop privileges in the child, execve(). Used by the
// embedded cluster (STACK_NOTES §7: initdb refuses to run as root).
//
// fork() in a process that may already run threads leaves only
// async-signal-safe calls to the child, so everything that reads files or
// allocates (the passwd and group lookups, argv and envp) happens in the
// parent; the child only calls setgroups/setgid/setuid, dup2, execve.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace storage {

// An account to run child processes as, resolved in the parent.
struct ProcessUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, as initgroups(3) would set them
  std::string home;
};

// Looks `name` up in the passwd and group databases. Throws
// std::runtime_error when there is no such account.
ProcessUser LookUpUser(const std::string& name);

struct ProcessOptions {
  std::vector<std::string> argv;  // argv[0]: absolute path of the program (no PATH search)
  std::vector<std::string> env;   // the complete environment, "NAME=value"
  // Run as this account (REQUIRES: root, unless it is the current account);
  // nullptr: as this process.
  const ProcessUser* user = nullptr;
  int output_fd = -1;  // receives stdout and stderr; -1: /dev/null. stdin is /dev/null.
};

// Runs the program, waits for it and returns its wait status. The child
// starts with default signal handling, an empty signal mask, "/" as working
// directory and no file descriptors but 0-2 (a daemon it starts, such as the
// postmaster, must not keep our listening sockets open). Throws
// std::runtime_error when the program cannot be started at all (fork, the
// switch of account or execve failed).
// REQUIRES: SIGCHLD is not ignored (SIG_IGN would make waitpid fail).
int RunProcess(const ProcessOptions& options);

// True when the wait status says "exited with status 0".
bool ExitedSuccessfully(int wait_status);
// "exited with status 1", "was killed by signal 9 (Killed)".
std::string DescribeWaitStatus(int wait_status);

// Whether `user` may search (traverse) `directory`, i.e. access(X_OK) as that
// account, which also needs every parent directory to be searchable. Checked
// in a child process that drops privileges, because access(2) as root says
// yes to everything. Throws std::runtime_error when the check cannot be made.
bool UserCanSearch(const ProcessUser& user, const std::string& directory);

}  // namespace storage
