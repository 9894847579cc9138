// systemd_test.cpp: SIGHUP config reload, socket activation, sd_notify, journald prefixes and the unit files' checks.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon_process.hpp"
#include "harness.hpp"
#include "temp_dir.hpp"

using namespace csms_it;
using csms_test::DaemonProcess;
using csms_test::TempDir;
using namespace std::chrono_literals;

namespace {

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

/// Polls `condition` every 20ms for up to 10s.
template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

/// Runs a shell command line; returns its exit status and stdout+stderr.
std::pair<int, std::string> run_command(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string find_program(const char* name) {
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/local/bin/"}) {
    const std::string path = std::string(dir) + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return {};
}

/// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifyListener {
 public:
  explicit NotifyListener(std::filesystem::path path) : path_(std::move(path)), fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path_.string().size() < sizeof(address.sun_path));
    std::memcpy(address.sun_path, path_.c_str(), path_.string().size());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;
  ~NotifyListener() { ::close(fd_); }

  /// Takes every datagram already queued (without waiting; callers poll) and returns all received so far, one per
  /// line.
  const std::string& drain() {
    char buffer[1024];
    for (;;) {
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (got <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(got));
      received_.push_back('\n');
    }
    return received_;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_;
  std::string received_;
};

std::uint16_t free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

/// systemd-socket-activate execs its program only once a first client connects; this one connects (retrying until
/// the socket exists) from a thread while the test's main thread waits for the daemon to become ready.
class FirstClient {
 public:
  explicit FirstClient(std::function<int()> connect) : thread_([this, connect] {
    for (int i = 0; i < 500 && !stop_; ++i) {
      const int fd = connect();
      if (fd >= 0) {
        fd_ = fd;
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
  }) {}
  FirstClient(const FirstClient&) = delete;
  FirstClient& operator=(const FirstClient&) = delete;
  ~FirstClient() {
    stop_ = true;
    thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> fd_{-1};
  std::thread thread_;
};

int connect_unix(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), std::min(path.string().size(), sizeof(address.sun_path) - 1));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
  ::close(fd);
  return -1;
}

int connect_tcp(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
  ::close(fd);
  return -1;
}

}  // namespace

TEST_CASE("SIGHUP applies a new log level and audit file from the config file", "[integration][systemd]") {
  TempDir dir;
  const auto config = dir / "csmsd.conf";
  const auto first_audit = dir / "audit-1.log";
  const auto second_audit = dir / "audit-2.log";
  write_file(config, "log-level = info\naudit-log = " + first_audit.string() + "\nprune-grace = 1h\n");
  DaemonProcess process(csmsd_binary(),
                        {"--config", config.string(), "--data-dir", (dir / "data").string(), "--listen",
                         "unix:" + (dir / "api.sock").string()},
                        dir / "stderr.log");
  process.start();
  HttpClient client(Endpoint::unix_socket(dir / "api.sock"));
  CHECK(client.get(secrets_url()).status == 200);
  // At info a request leaves no debug line; it is audited in the first file.
  CHECK(process.stderr_text().find("csmsd debug: request") == std::string::npos);
  CHECK(count_of(read_file(first_audit), "\"ListSecrets\"") == 1);

  write_file(config, "log-level = debug\naudit-log = " + second_audit.string() + "\nprune-grace = 2h\n");
  process.send_signal(SIGHUP);
  REQUIRE(eventually([&] { return process.stderr_text().find("reopened the audit log") != std::string::npos; }));
  const std::string log = process.stderr_text();
  INFO(log);
  CHECK(log.find("option changed option=log-level from=info to=debug") != std::string::npos);
  CHECK(log.find("option changed option=audit-log") != std::string::npos);
  CHECK(log.find("option change needs a restart; keeping the running value option=prune-grace running=1h "
                 "configured=2h") != std::string::npos);

  CHECK(client.get(secrets_url()).status == 200);
  CHECK(eventually([&] { return process.stderr_text().find("csmsd debug: request") != std::string::npos; }));
  CHECK(count_of(read_file(first_audit), "\"ListSecrets\"") == 1);
  CHECK(count_of(read_file(second_audit), "\"ListSecrets\"") == 1);

  // A broken file is reported and changes nothing; the daemon keeps serving.
  write_file(config, "log-level = loud\n");
  process.send_signal(SIGHUP);
  REQUIRE(eventually([&] { return process.stderr_text().find("configuration not reloaded") != std::string::npos; }));
  CHECK(process.stderr_text().find(config.string() + ":1: log-level: expected debug") != std::string::npos);
  CHECK(client.get(secrets_url()).status == 200);
  CHECK(count_of(read_file(second_audit), "\"ListSecrets\"") == 2);
  CHECK(process.stop() == 0);
}

TEST_CASE("a config file error stops the start with every error listed", "[integration][systemd]") {
  TempDir dir;
  const auto config = dir / "csmsd.conf";
  write_file(config, "log-level = loud\nunknown-key = 1\nidle-timeout = 0s\n");
  DaemonProcess process(csmsd_binary(), {"--config", config.string(), "--data-dir", (dir / "data").string()},
                        dir / "stderr.log");
  CHECK_FALSE(process.try_start());
  CHECK(process.exit_status() == std::optional<int>(2));
  const std::string log = process.stderr_text();
  INFO(log);
  CHECK(log.find(config.string() + ":1: log-level:") != std::string::npos);
  CHECK(log.find(config.string() + ":2: unknown key 'unknown-key'") != std::string::npos);
  CHECK(log.find(config.string() + ":3: idle-timeout:") != std::string::npos);
}

TEST_CASE("the daemon serves a Unix socket passed by systemd-socket-activate", "[integration][systemd]") {
  const std::string activate = find_program("systemd-socket-activate");
  if (activate.empty()) {
    WARN("systemd-socket-activate is not installed; socket activation not tested");
    return;
  }
  TempDir dir;
  const auto socket = dir / "activated.sock";
  DaemonProcess process(activate,
                        {"-l", socket.string(), "--fdname=api", csmsd_binary().string(), "--data-dir",
                         (dir / "data").string(), "--log-level", "debug"},
                        dir / "stderr.log");
  {
    FirstClient first([&] { return connect_unix(socket); });
    process.start();
  }
  INFO(process.stderr_text());
  // The passed socket replaces the default one and is reported like a --listen one.
  CHECK(process.stdout_text().find("csmsd: listening on unix:" + socket.string() + "\n") != std::string::npos);
  CHECK(process.stdout_text().find("csmsd.sock") == std::string::npos);
  CHECK(process.stderr_text().find("serving a socket passed by systemd fd=3 name=api") != std::string::npos);
  HttpClient client(Endpoint::unix_socket(socket));
  CHECK(client.get(secrets_url()).status == 200);
  CHECK(process.stop() == 0);
  // The socket file belongs to whoever bound it; the daemon leaves it alone.
  CHECK(std::filesystem::exists(socket));
}

TEST_CASE("the daemon serves a TCP socket passed by systemd-socket-activate", "[integration][systemd]") {
  const std::string activate = find_program("systemd-socket-activate");
  if (activate.empty()) {
    WARN("systemd-socket-activate is not installed; socket activation not tested");
    return;
  }
  TempDir dir;
  const std::uint16_t port = free_tcp_port();
  DaemonProcess process(activate,
                        {"-l", "127.0.0.1:" + std::to_string(port), csmsd_binary().string(), "--data-dir",
                         (dir / "data").string(), "--listen", "unix:" + (dir / "own.sock").string()},
                        dir / "stderr.log");
  {
    FirstClient first([&] { return connect_tcp(port); });
    process.start();
  }
  INFO(process.stderr_text());
  CHECK(process.stdout_text().find("csmsd: listening on tcp:127.0.0.1:" + std::to_string(port) + "\n") !=
        std::string::npos);
  // A --listen given as well is served next to the passed socket.
  CHECK(process.stdout_text().find("csmsd: listening on unix:" + (dir / "own.sock").string()) != std::string::npos);
  HttpClient anonymous(Endpoint::tcp("127.0.0.1", port));
  CHECK(anonymous.get(secrets_url()).status == 401);
  HttpClient local(Endpoint::unix_socket(dir / "own.sock"));
  CHECK(local.get(secrets_url()).status == 200);
  CHECK(process.stop() == 0);
}

TEST_CASE("sockets passed for another process are ignored", "[integration][systemd]") {
  TempDir dir;
  // LISTEN_PID names a process that is not csmsd (env execs csmsd as the same pid, so use pid 1).
  DaemonProcess process("/usr/bin/env",
                        {"LISTEN_PID=1", "LISTEN_FDS=1", csmsd_binary().string(), "--data-dir",
                         (dir / "data").string(), "--listen", "unix:" + (dir / "api.sock").string()},
                        dir / "stderr.log");
  process.start();
  INFO(process.stderr_text());
  CHECK(HttpClient(Endpoint::unix_socket(dir / "api.sock")).get(secrets_url()).status == 200);
  CHECK(process.stop() == 0);
}

TEST_CASE("NOTIFY_SOCKET receives READY, WATCHDOG, RELOADING and STOPPING", "[integration][systemd]") {
  TempDir dir;
  NotifyListener notify(dir / "notify.sock");
  // env execs csmsd in place, so the variables reach it without touching the test process's environment.
  DaemonProcess process("/usr/bin/env",
                        {"NOTIFY_SOCKET=" + notify.path().string(), "WATCHDOG_USEC=200000", csmsd_binary().string(),
                         "--data-dir", (dir / "data").string(), "--listen", "unix:" + (dir / "api.sock").string()},
                        dir / "stderr.log");
  process.start();
  INFO(process.stderr_text());
  REQUIRE(eventually([&] { return notify.drain().find("READY=1") != std::string::npos; }));
  CHECK(notify.drain().find("STATUS=serving") != std::string::npos);
  // Pings come every 100ms; a few are enough to show they repeat.
  CHECK(eventually([&] { return count_of(notify.drain(), "WATCHDOG=1") >= 3; }));

  process.send_signal(SIGHUP);
  REQUIRE(eventually([&] { return notify.drain().find("RELOADING=1") != std::string::npos; }));
  CHECK(notify.drain().find("MONOTONIC_USEC=") != std::string::npos);
  CHECK(eventually([&] {
    const std::string& all = notify.drain();
    return all.find("READY=1", all.find("RELOADING=1")) != std::string::npos;
  }));

  CHECK(process.stop() == 0);
  CHECK(eventually([&] { return notify.drain().find("STOPPING=1") != std::string::npos; }));
}

TEST_CASE("the unit files pass systemd-analyze verify and score 2.0 or lower on security", "[integration][systemd]") {
  const std::string analyze = find_program("systemd-analyze");
  if (analyze.empty()) {
    WARN("systemd-analyze is not installed; the unit files are not checked");
    return;
  }
  TempDir dir;
  // verify checks that ExecStart's program exists, so the copy runs the built binary instead of /usr/bin/csmsd.
  std::string service = read_file(std::filesystem::path(CSMS_SYSTEMD_DIR) / "csmsd.service");
  REQUIRE(service.find("ExecStart=/usr/bin/csmsd ") != std::string::npos);
  service.replace(service.find("/usr/bin/csmsd "), std::strlen("/usr/bin/csmsd"), csmsd_binary().string());
  write_file(dir / "csmsd.service", service);
  write_file(dir / "csmsd.socket", read_file(std::filesystem::path(CSMS_SYSTEMD_DIR) / "csmsd.socket"));

  const auto [verify_status, verify_output] =
      run_command(analyze + " verify --man=no " + (dir / "csmsd.socket").string() + " " + (dir / "csmsd.service").string());
  INFO("systemd-analyze verify:\n" << verify_output);
  CHECK(verify_status == 0);
  // verify also prints problems it does not fail on (unknown keys, bad values); none may concern our units.
  CHECK(verify_output.find("csmsd.s") == std::string::npos);

  const auto [security_status, security_output] =
      run_command(analyze + " security --offline=true " + (dir / "csmsd.service").string());
  INFO("systemd-analyze security:\n" << security_output);
  const std::regex overall(R"(Overall exposure level for csmsd\.service: ([0-9]+\.[0-9]+))");
  std::smatch match;
  if (security_status != 0 && security_output.find("offline") != std::string::npos &&
      !std::regex_search(security_output, match, overall)) {
    WARN("this systemd-analyze has no --offline; the security score is not checked");
    return;
  }
  REQUIRE(std::regex_search(security_output, match, overall));
  CHECK(std::stod(match[1].str()) <= 2.0);
}

TEST_CASE("with JOURNAL_STREAM set log lines carry journald priority prefixes", "[integration][systemd]") {
  TempDir dir;
  DaemonProcess process("/usr/bin/env",
                        {"JOURNAL_STREAM=8:12345", csmsd_binary().string(), "--data-dir", (dir / "data").string(),
                         "--listen", "unix:" + (dir / "api.sock").string(), "--log-level", "debug"},
                        dir / "stderr.log");
  process.start();
  CHECK(HttpClient(Endpoint::unix_socket(dir / "api.sock")).get(secrets_url()).status == 200);
  CHECK(process.stop() == 0);
  const std::string log = process.stderr_text();
  INFO(log);
  CHECK(log.find("\n<6>csmsd info: vault open") != std::string::npos);
  CHECK(log.find("\n<7>csmsd debug: request") != std::string::npos);
  CHECK(log.find("\ncsmsd info:") == std::string::npos);
}
