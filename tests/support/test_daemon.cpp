// test_daemon.cpp: standard layout and flags for a per-test csmsd.
#include "test_daemon.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace csms_test {
namespace {

std::vector<std::string> standard_args(const TempDir& dir, const TestDaemonOptions& options) {
  std::vector<std::string> args = {
      "--data-dir", (dir / "data").string(), "--listen", "unix:" + (dir / "csmsd.sock").string(),
  };
  if (options.listen_tcp) {
    args.push_back("--listen");
    args.push_back("127.0.0.1:0");
  }
  args.insert(args.end(), {"--prune-interval", options.prune_interval, "--prune-grace", options.prune_grace,
                           "--log-level", options.log_level});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  return args;
}

}  // namespace

TestDaemon::TestDaemon(std::filesystem::path binary, TestDaemonOptions options)
    : temp_dir_("csmsd-it"),
      process_(std::move(binary), standard_args(temp_dir_, options), temp_dir_ / "csmsd.stderr.log") {
  if (::mkdir(data_dir().c_str(), 0700) != 0) {
    throw std::system_error(errno, std::generic_category(), "mkdir " + data_dir().string());
  }
  if (options.start) process_.start();
}

TestDaemon::~TestDaemon() = default;

Endpoint TestDaemon::unix_endpoint() const {
  if (!process_.unix_socket()) throw std::runtime_error("csmsd reported no unix listener");
  return Endpoint::unix_socket(*process_.unix_socket());
}

Endpoint TestDaemon::tcp_endpoint() const {
  if (!process_.tcp_port() || !process_.tcp_host()) throw std::runtime_error("csmsd reported no tcp listener");
  return Endpoint::tcp(*process_.tcp_host(), *process_.tcp_port());
}

HttpClient TestDaemon::client(std::chrono::milliseconds timeout) const { return HttpClient(unix_endpoint(), timeout); }

HttpClient TestDaemon::tcp_client(std::chrono::milliseconds timeout) const {
  return HttpClient(tcp_endpoint(), timeout);
}

int TestDaemon::restart() {
  const int status = process_.stop();
  process_.start();
  return status;
}

}  // namespace csms_test
