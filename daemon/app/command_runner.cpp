// command_runner.cpp: posix_spawn with pipes, a poll loop bounded by a deadline, and process-group kill.
#include "app/command_runner.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace csms::app {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

core::Error failure(std::string detail) { return core::make_error(core::Errc::kInternal, std::move(detail)); }

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "ended abnormally";
}

// Kills the child's whole process group and reaps the child, so a timed-out command leaves nothing behind.
void kill_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::string command_path_problem(const std::filesystem::path& program) {
  if (!program.is_absolute()) return "must be an absolute path";
  struct stat info {};
  if (::stat(program.c_str(), &info) != 0) return std::string("cannot be read: ") + std::strerror(errno);
  if (!S_ISREG(info.st_mode)) return "is not a regular file";
  if (::access(program.c_str(), X_OK) != 0) return "is not executable by the daemon's user";
  return "";
}

core::Result<core::SecureBuffer> run_command(const std::filesystem::path& program, std::string_view input,
                                             const CommandLimits& limits) {
  // stdin is a socket pair rather than a pipe: send(MSG_NOSIGNAL) reports a command that exits without reading
  // as EPIPE instead of raising SIGPIPE in the daemon.
  int stdin_pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, stdin_pair) != 0) {
    return failure(std::string("socketpair failed: ") + std::strerror(errno));
  }
  Fd stdin_parent(stdin_pair[0]);
  Fd stdin_child(stdin_pair[1]);
  int stdout_pipe[2];
  if (::pipe2(stdout_pipe, O_CLOEXEC) != 0) return failure(std::string("pipe failed: ") + std::strerror(errno));
  Fd stdout_parent(stdout_pipe[0]);
  Fd stdout_child(stdout_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_child.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stdout_child.get(), STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // Every other descriptor (database, sockets, audit log) stays out of the command, CLOEXEC or not.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  const std::string path = program.string();
  char* const argv[] = {const_cast<char*>(path.c_str()), nullptr};
  char path_variable[] = "PATH=/usr/local/bin:/usr/bin:/bin";
  char* const envp[] = {path_variable, nullptr};
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, &attributes, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) return failure("cannot start " + path + ": " + std::strerror(spawned));
  stdin_child.reset();
  stdout_child.reset();

  const auto deadline = Clock::now() + limits.timeout;
  core::SecureBuffer output;
  std::size_t written = 0;
  bool too_much = false;
  if (input.empty()) stdin_parent.reset();
  while (stdout_parent.get() >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill_and_reap(pid);
      return failure(path + " did not finish within " + std::to_string(limits.timeout.count()) + " ms and was killed");
    }
    pollfd fds[2] = {{stdout_parent.get(), POLLIN, 0}, {stdin_parent.get(), POLLOUT, 0}};
    const int ready = ::poll(fds, stdin_parent.get() >= 0 ? 2 : 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) {
      kill_and_reap(pid);
      return failure(std::string("poll failed: ") + std::strerror(errno));
    }
    if (ready <= 0) continue;
    if (stdin_parent.get() >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t sent = ::send(stdin_parent.get(), input.data() + written, input.size() - written,
                                  MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) written += static_cast<std::size_t>(sent);
      // A command that does not read its input is its own business: stop offering it.
      if (written == input.size() || (sent < 0 && errno != EAGAIN && errno != EINTR)) stdin_parent.reset();
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      std::uint8_t chunk[4096];
      const ssize_t got = ::read(stdout_parent.get(), chunk, sizeof chunk);
      if (got > 0) {
        if (output.size() + static_cast<std::size_t>(got) > limits.max_output) {
          too_much = true;
          break;
        }
        output.append(std::span<const std::uint8_t>(chunk, static_cast<std::size_t>(got)));
      } else if (got == 0 || errno != EINTR) {
        stdout_parent.reset();
      }
      ::explicit_bzero(chunk, sizeof chunk);
    }
  }
  if (too_much) {
    kill_and_reap(pid);
    return failure(path + " wrote more than " + std::to_string(limits.max_output) + " bytes and was killed");
  }
  stdin_parent.reset();
  // stdout is closed; the command may still be running: wait for it until the deadline. WNOWAIT keeps it unreaped
  // so its process group id cannot be reused before the group is killed below.
  while (true) {
    siginfo_t info{};
    const int waited = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (waited == 0 && info.si_pid == pid) break;
    if (waited < 0 && errno != EINTR) {
      kill_and_reap(pid);
      return failure(std::string("waitid failed: ") + std::strerror(errno));
    }
    if (Clock::now() >= deadline) {
      kill_and_reap(pid);
      return failure(path + " did not finish within " + std::to_string(limits.timeout.count()) + " ms and was killed");
    }
    ::usleep(5000);
  }
  // Anything it left running in its group goes too.
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return failure(path + " " + describe_exit(status));
  return output;
}

}  // namespace csms::app
