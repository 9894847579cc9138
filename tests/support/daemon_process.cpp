// daemon_process.cpp: fork/exec of csmsd, stdout capture thread, readiness wait and signal-based shutdown.
#include "daemon_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace csms_test {
namespace {

constexpr std::string_view kReadyLine = "csmsd: ready";
constexpr std::string_view kUnixPrefix = "csmsd: listening on unix:";
constexpr std::string_view kTcpPrefix = "csmsd: listening on tcp:";
constexpr std::string_view kTlsPrefix = "csmsd: listening on tls:";

bool has_line(const std::string& text, std::string_view line) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) return false;  // only complete lines count
    std::string_view current(text.data() + pos, end - pos);
    if (!current.empty() && current.back() == '\r') current.remove_suffix(1);
    if (current == line) return true;
    pos = end + 1;
  }
  return false;
}

int decode_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

}  // namespace

DaemonProcess::DaemonProcess(std::filesystem::path binary, std::vector<std::string> args,
                             std::filesystem::path stderr_path)
    : binary_(std::move(binary)), args_(std::move(args)), stderr_path_(std::move(stderr_path)) {
  // The test process writes to sockets the daemon may close; EPIPE must be an error, not a fatal signal. The child
  // restores the default disposition before exec.
  ::signal(SIGPIPE, SIG_IGN);
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && !exit_status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reap(status);
  }
  join_reader();
}

void DaemonProcess::spawn() {
  if (pid_ > 0 && !exit_status_) throw std::runtime_error("csmsd is already running (pid " + std::to_string(pid_) + ")");
  join_reader();
  {
    std::lock_guard lock(mutex_);
    stdout_.clear();
    stdout_closed_ = false;
  }
  exit_status_.reset();
  unix_socket_.reset();
  tcp_host_.reset();
  tcp_port_.reset();
  tcp_tls_ = false;
  ++runs_;

  // Everything the child needs is prepared before fork(): after it, only async-signal-safe calls are allowed.
  std::vector<std::string> argv_storage;
  argv_storage.push_back(binary_.string());
  argv_storage.insert(argv_storage.end(), args_.begin(), args_.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int err_fd = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (err_fd < 0) throw std::system_error(errno, std::generic_category(), "open " + stderr_path_.string());
  std::string marker = "=== csmsd run " + std::to_string(runs_) + ":";
  for (const auto& a : argv_storage) marker += " " + a;
  marker += " ===\n";
  (void)!::write(err_fd, marker.data(), marker.size());

  const int null_fd = ::open(stdin_file_.c_str(), O_RDONLY | O_CLOEXEC);
  int pipe_fds[2];
  if (null_fd < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    const int err = errno;
    ::close(err_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw std::system_error(err, std::generic_category(), "pipe");
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(err_fd);
    ::close(null_fd);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw std::system_error(err, std::generic_category(), "fork");
  }
  if (pid == 0) {
    // If the test process dies without running destructors (a crash), the daemon must not outlive it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], argv.data());
    static constexpr char kMsg[] = "daemon_process: execv failed\n";
    (void)!::write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
    ::_exit(127);
  }

  ::close(err_fd);
  ::close(null_fd);
  ::close(pipe_fds[1]);
  pid_ = pid;
  const int read_fd = pipe_fds[0];
  reader_ = std::thread([this, read_fd] {
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::read(read_fd, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard lock(mutex_);
      stdout_.append(chunk, static_cast<std::size_t>(n));
      changed_.notify_all();
    }
    ::close(read_fd);
    std::lock_guard lock(mutex_);
    stdout_closed_ = true;
    changed_.notify_all();
  });
}

bool DaemonProcess::try_start(std::chrono::milliseconds timeout) {
  spawn();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ready = false;
  {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return has_line(stdout_, kReadyLine) || stdout_closed_; });
    ready = has_line(stdout_, kReadyLine);
  }
  if (ready) {
    parse_listen_lines();
    return true;
  }
  // stdout closed without `ready`: the process is exiting (or closed stdout, which breaks the contract too).
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (wait_exit(std::max(remaining, std::chrono::milliseconds(2000)))) return false;
  const std::string out = stdout_text();
  kill();
  throw std::runtime_error("csmsd did not print '" + std::string(kReadyLine) + "' within " +
                           std::to_string(timeout.count()) + " ms and was killed; stdout:\n" + out + "\nstderr:\n" +
                           stderr_text());
}

void DaemonProcess::start(std::chrono::milliseconds timeout) {
  if (try_start(timeout)) return;
  throw std::runtime_error("csmsd exited with status " + std::to_string(exit_status_.value_or(-1)) +
                           " before it was ready; stdout:\n" + stdout_text() + "\nstderr:\n" + stderr_text());
}

int DaemonProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) throw std::runtime_error("csmsd was never started");
  if (exit_status_) return *exit_status_;
  ::kill(pid_, SIGTERM);
  if (auto status = wait_exit(timeout)) return *status;
  kill();
  throw std::runtime_error("csmsd did not exit within " + std::to_string(timeout.count()) +
                           " ms of SIGTERM and was killed; stderr:\n" + stderr_text());
}

int DaemonProcess::kill() {
  if (pid_ <= 0) throw std::runtime_error("csmsd was never started");
  if (exit_status_) return *exit_status_;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reap(status);
  return *exit_status_;
}

void DaemonProcess::send_signal(int signal) {
  if (pid_ > 0 && !exit_status_) ::kill(pid_, signal);
}

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  if (exit_status_) return exit_status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reap(status);
      return exit_status_;
    }
    if (r < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool DaemonProcess::running() {
  if (pid_ <= 0) return false;
  if (exit_status_) return false;
  return !wait_exit(std::chrono::milliseconds(0));
}

void DaemonProcess::reap(int wait_status) {
  exit_status_ = decode_status(wait_status);
  join_reader();
}

void DaemonProcess::join_reader() {
  if (reader_.joinable()) reader_.join();
}

std::string DaemonProcess::stdout_text() const {
  std::lock_guard lock(mutex_);
  return stdout_;
}

std::string DaemonProcess::stderr_text() const {
  std::ifstream in(stderr_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void DaemonProcess::parse_listen_lines() {
  std::istringstream lines(stdout_text());
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with(kUnixPrefix)) {
      unix_socket_ = line.substr(kUnixPrefix.size());
    } else if (line.starts_with(kTcpPrefix) || line.starts_with(kTlsPrefix)) {
      static_assert(kTcpPrefix.size() == kTlsPrefix.size());
      const std::string address = line.substr(kTcpPrefix.size());
      const std::size_t colon = address.rfind(':');
      if (colon == std::string::npos) throw std::runtime_error("bad listen line: " + line);
      std::string host = address.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
      const unsigned long port = std::stoul(address.substr(colon + 1));
      if (port == 0 || port > 65535) throw std::runtime_error("bad port in listen line: " + line);
      tcp_host_ = host;
      tcp_port_ = static_cast<std::uint16_t>(port);
      tcp_tls_ = line.starts_with(kTlsPrefix);
    }
  }
}

}  // namespace csms_test
