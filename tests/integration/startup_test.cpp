// startup_test.cpp: the daemon's command-line contract: readiness lines, exit statuses, signals.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "daemon_process.hpp"
#include "harness.hpp"
#include "temp_dir.hpp"

using namespace csms_it;
using csms_test::DaemonProcess;
using csms_test::TempDir;

namespace {

// Runs csmsd with `args` until it exits (it is expected not to become ready); returns the exit status.
int run_to_exit(const TempDir& dir, std::vector<std::string> args, std::string* stderr_text = nullptr) {
  DaemonProcess process(csmsd_binary(), std::move(args), dir / "stderr.log");
  const bool ready = process.try_start();
  INFO("stdout: " << process.stdout_text() << "\nstderr: " << process.stderr_text());
  CHECK_FALSE(ready);
  if (ready) {
    process.kill();
    return -1;
  }
  if (stderr_text) *stderr_text = process.stderr_text();
  return process.exit_status().value_or(-1);
}

// What the daemon itself wrote: the harness's "=== csmsd run N: <command line> ===" markers left out.
std::string daemon_lines(const std::string& log) {
  std::string out;
  std::size_t start = 0;
  while (start < log.size()) {
    const std::size_t end = std::min(log.find('\n', start), log.size());
    const std::string_view line(log.data() + start, end - start);
    if (!line.starts_with("=== csmsd run")) out.append(line).push_back('\n');
    start = end + 1;
  }
  return out;
}

}  // namespace

// Contract: "Once listening, it prints to STDOUT, one line each, flushed: csmsd: listening on unix:/abs/path.sock
// and csmsd: listening on tcp:127.0.0.1:43567 (actual port), then csmsd: ready."
TEST_CASE("startup prints one listening line per listener then ready", "[integration][startup]") {
  Daemon daemon;
  const std::string out = daemon.process().stdout_text();
  INFO("stdout: " << out);
  const std::string unix_line = "csmsd: listening on unix:" + daemon.socket_path().string() + "\n";
  const std::string tcp_line = "csmsd: listening on tcp:127.0.0.1:" + std::to_string(*daemon.process().tcp_port()) + "\n";
  const auto unix_at = out.find(unix_line);
  const auto tcp_at = out.find(tcp_line);
  const auto ready_at = out.find("csmsd: ready\n");
  CHECK(unix_at != std::string::npos);
  CHECK(tcp_at != std::string::npos);
  REQUIRE(ready_at != std::string::npos);
  CHECK(unix_at < ready_at);
  CHECK(tcp_at < ready_at);
  // Logs go to stderr, not stdout.
  CHECK(out.size() == unix_line.size() + tcp_line.size() + std::string("csmsd: ready\n").size());
}

// Contract: "SIGTERM/SIGINT: drains and exits 0."
TEST_CASE("SIGTERM and SIGINT both exit 0", "[integration][startup][shutdown]") {
  Daemon daemon;
  {
    auto client = daemon.client();
    create_secret(client, unique_name("sig"), "v");
  }
  SECTION("SIGTERM") { CHECK(daemon.stop() == 0); }
  SECTION("SIGINT") {
    daemon.process().send_signal(SIGINT);
    CHECK(daemon.process().wait_exit(std::chrono::seconds(20)) == std::optional<int>(0));
  }
  // The daemon removes nothing it should keep: its data directory still holds the database (SQLite) and the key.
  if (!daemon.on_postgres()) CHECK(std::filesystem::exists(daemon.data_dir() / "csmsd.db"));
  CHECK(std::filesystem::exists(daemon.master_key_file()));
}

// Contract: "Exit ... 2 on bad usage."
TEST_CASE("bad usage exits 2", "[integration][startup]") {
  TempDir dir("csmsd-usage");
  const std::string data = (dir / "data").string();
  std::filesystem::create_directory(data);
  const std::string sock = "unix:" + (dir / "s.sock").string();
  CHECK(run_to_exit(dir, {"--data-dir", data, "--listen", sock, "--no-such-flag"}) == 2);
  CHECK(run_to_exit(dir, {"--data-dir", data, "--listen", sock, "--prune-interval", "10x"}) == 2);
  CHECK(run_to_exit(dir, {"--data-dir", data, "--listen", sock, "--prune-grace", "soon"}) == 2);
  CHECK(run_to_exit(dir, {"--data-dir", data, "--listen", sock, "--prune-interval"}) == 2);
  // A store that is neither sqlite nor PostgreSQL; the message does not repeat it (it may hold a password).
  std::string err;
  CHECK(run_to_exit(dir, {"--data-dir", data, "--listen", sock, "--store", "mysql://root:hunter2@db/vault"}, &err) == 2);
  CHECK(daemon_lines(err).find("--store") != std::string::npos);
  CHECK(daemon_lines(err).find("hunter2") == std::string::npos);
  // The socket was never created by a refused command line.
  CHECK_FALSE(std::filesystem::exists(dir / "s.sock"));
}

// Contract: "Exit 1 on startup errors (message on stderr)".
TEST_CASE("startup errors exit 1 with a message on stderr", "[integration][startup]") {
  TempDir dir("csmsd-starterr");
  const std::string sock = "unix:" + (dir / "s.sock").string();
  SECTION("data dir is a regular file") {
    { std::ofstream(dir / "not-a-dir") << "x"; }
    std::string err;
    CHECK(run_to_exit(dir, {"--data-dir", (dir / "not-a-dir").string(), "--listen", sock}, &err) == 1);
    CHECK(err.find("=== csmsd run") != std::string::npos);
    CHECK(err.size() > err.find('\n') + 1);  // something after the harness's marker line
  }
  SECTION("a PostgreSQL store that cannot be reached") {
    std::filesystem::create_directory(dir / "data");
    std::string err;
    // Port 1 on loopback refuses at once; the password must not reach the log.
    CHECK(run_to_exit(dir, {"--data-dir", (dir / "data").string(), "--listen", sock, "--store",
                            "postgresql://csmsd:hunter2@127.0.0.1:1/vault?connect_timeout=5"},
                      &err) == 1);
    INFO(err);
    CHECK(daemon_lines(err).find("cannot open the vault") != std::string::npos);
    CHECK(daemon_lines(err).find("host=127.0.0.1 port=1 dbname=vault") != std::string::npos);
    CHECK(daemon_lines(err).find("hunter2") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "s.sock"));
  }
  SECTION("tcp port already taken") {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    socklen_t len = sizeof(addr);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    const std::string taken = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    std::filesystem::create_directory(dir / "data");
    std::string err;
    CHECK(run_to_exit(dir, {"--data-dir", (dir / "data").string(), "--listen", sock, "--listen", taken}, &err) == 1);
    CHECK(err.size() > err.find('\n') + 1);
    ::close(fd);
  }
}
