// daemon_process.hpp: runs the csmsd binary as a child process and follows its readiness protocol on stdout.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace csms_test {

/// One csmsd child process, startable again after it exits (restart on the same data directory).
///
/// Readiness protocol (the daemon's command-line contract): once listening, csmsd prints to stdout
/// `csmsd: listening on unix:<abs path>` / `csmsd: listening on tcp:<host>:<port>` (`tls:` instead of `tcp:` for a TLS
/// listener; one line per listener), then
/// `csmsd: ready`. stdout is read by a background thread; stderr is appended to a file so a failing test can print it.
/// Exit statuses are reported as the exit code, or 128 + signal number when the process died of a signal.
class DaemonProcess {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{20000};

  /// `args` excludes argv[0]. Nothing is started yet.
  DaemonProcess(std::filesystem::path binary, std::vector<std::string> args, std::filesystem::path stderr_path);
  /// SIGKILLs and reaps the child if it is still running. (If the test process itself dies, the child gets
  /// SIGKILL through PR_SET_PDEATHSIG; start it from a thread that outlives it, e.g. the test's main thread.)
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  /// Starts the process and waits for `csmsd: ready`. Returns false if it exits before that (exit_status() then
  /// holds its status). Throws std::runtime_error if it neither becomes ready nor exits within the timeout (the
  /// process is killed), or if it is already running.
  bool try_start(std::chrono::milliseconds timeout = kDefaultTimeout);

  /// Like try_start, but an early exit throws std::runtime_error carrying the exit status and stderr.
  void start(std::chrono::milliseconds timeout = kDefaultTimeout);

  /// Sends SIGTERM and waits for the exit; returns the exit status. If the process outlives the timeout it is
  /// killed and std::runtime_error is thrown. Returns the recorded status if it had already exited.
  int stop(std::chrono::milliseconds timeout = kDefaultTimeout);

  /// Sends SIGKILL and reaps the process; returns its exit status.
  int kill();

  /// Sends `signal` without waiting.
  void send_signal(int signal);

  /// Waits up to `timeout` for the process to exit; returns its exit status, or nullopt if still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  bool running();
  pid_t pid() const { return pid_; }
  std::optional<int> exit_status() const { return exit_status_; }

  /// Listeners reported by the current (or last) run.
  const std::optional<std::filesystem::path>& unix_socket() const { return unix_socket_; }
  const std::optional<std::string>& tcp_host() const { return tcp_host_; }
  const std::optional<std::uint16_t>& tcp_port() const { return tcp_port_; }
  /// Whether that TCP listener was reported as `tls:`.
  bool tcp_tls() const { return tcp_tls_; }

  /// Everything the current (or last) run wrote to stdout so far.
  std::string stdout_text() const;
  /// The stderr file's content (all runs; each run starts with a `=== csmsd run N ===` marker line).
  std::string stderr_text() const;
  const std::filesystem::path& stderr_path() const { return stderr_path_; }

  /// Arguments for the next start (e.g. to restart with other flags).
  std::vector<std::string>& args() { return args_; }
  /// The daemon's standard input on later starts (default /dev/null), e.g. a passphrase for passphrase-fd:0.
  void set_stdin_file(std::filesystem::path file) { stdin_file_ = std::move(file); }

 private:
  void spawn();
  void reap(int wait_status);
  void join_reader();
  void parse_listen_lines();

  std::filesystem::path binary_;
  std::vector<std::string> args_;
  std::filesystem::path stdin_file_ = "/dev/null";
  std::filesystem::path stderr_path_;
  pid_t pid_ = -1;
  int runs_ = 0;
  std::optional<int> exit_status_;

  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string stdout_;
  bool stdout_closed_ = false;

  std::optional<std::filesystem::path> unix_socket_;
  std::optional<std::string> tcp_host_;
  std::optional<std::uint16_t> tcp_port_;
  bool tcp_tls_ = false;
};

}  // namespace csms_test
