// test_daemon.hpp: a csmsd on a fresh temp directory with the standard test flags, plus clients to reach it.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "daemon_process.hpp"
#include "endpoint.hpp"
#include "http_client.hpp"
#include "pg_test_database.hpp"
#include "sdk_signer.hpp"
#include "temp_dir.hpp"

namespace csms_test {

/// Flags of one test daemon. The defaults are the integration suite's standard set.
struct TestDaemonOptions {
  std::string prune_interval = "200ms";
  std::string prune_grace = "1s";
  std::string log_level = "debug";
  bool listen_tcp = true;                ///< also `--listen 127.0.0.1:0`
  std::vector<std::string> extra_args;   ///< appended after the standard flags
  bool start = true;                     ///< start in the constructor
  /// With $CSMSD_TEST_POSTGRES set: serve this database (e.g. another daemon's database(), for two instances on one
  /// vault) instead of a new one of its own. Ignored without it.
  std::shared_ptr<PgTestDatabase> share_database;
  /// `--master-key file:PATH`, e.g. another daemon's master_key_file() so that two instances share the key.
  std::optional<std::filesystem::path> master_key_file;
};

/// Layout: <tmp>/data (the --data-dir, created 0700), <tmp>/csmsd.sock, <tmp>/csmsd.stderr.log.
/// Runs `csmsd --data-dir <tmp>/data --listen unix:<tmp>/csmsd.sock [--listen 127.0.0.1:0]
/// --prune-interval I --prune-grace G --log-level L [--store URI] [--master-key file:PATH] [extra...]`.
/// With $CSMSD_TEST_POSTGRES set, the store is a PostgreSQL database made for this daemon (or shared with another,
/// see TestDaemonOptions::share_database), dropped after the last daemon using it is gone.
class TestDaemon {
 public:
  explicit TestDaemon(std::filesystem::path binary, TestDaemonOptions options = {});
  virtual ~TestDaemon();
  TestDaemon(const TestDaemon&) = delete;
  TestDaemon& operator=(const TestDaemon&) = delete;

  const TempDir& temp_dir() const { return temp_dir_; }
  std::filesystem::path data_dir() const { return temp_dir_ / "data"; }
  std::filesystem::path socket_path() const { return temp_dir_ / "csmsd.sock"; }
  DaemonProcess& process() { return process_; }
  /// The PostgreSQL database this daemon serves; null on the embedded SQLite store.
  const std::shared_ptr<PgTestDatabase>& database() const { return database_; }
  bool on_postgres() const { return database_ != nullptr; }
  /// The key file a daemon creates for a new vault in its data directory (another daemon may share it).
  std::filesystem::path master_key_file() const { return data_dir() / "master.key"; }

  /// The Unix endpoint the daemon reported (throws if it reported none).
  Endpoint unix_endpoint() const;
  /// The TCP endpoint the daemon reported (throws if it reported none).
  Endpoint tcp_endpoint() const;

  /// On the Unix socket as the test's own uid, which the daemon treats as admin of every project.
  HttpClient client(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  /// On TCP, every request signed with an admin access key of every project (created on first use).
  HttpClient tcp_client(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  /// On TCP without any credentials.
  HttpClient anonymous_tcp_client(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  /// Creates a credential through the admin API on the Unix socket; returns its "credential" object.
  boost::json::object create_credential(std::string_view type, std::string_view role,
                                        const std::vector<std::string>& projects) const;
  AccessKey create_access_key(std::string_view role, const std::vector<std::string>& projects) const;
  std::string create_token(std::string_view role, const std::vector<std::string>& projects) const;

  void start() { process_.start(); }
  /// SIGTERM; returns the exit status.
  int stop() { return process_.stop(); }
  /// SIGKILL; returns the exit status.
  int kill() { return process_.kill(); }
  /// stop() then start() on the same data directory; returns the stop's exit status.
  int restart();

  /// The daemon's stderr (all runs).
  std::string log() const { return process_.stderr_text(); }

 private:
  AccessKey admin_key() const;

  TempDir temp_dir_;
  // Before process_: destroyed after it, so the database is dropped once the daemon is gone.
  std::shared_ptr<PgTestDatabase> database_;
  DaemonProcess process_;
  mutable std::mutex admin_key_mutex_;
  mutable std::optional<AccessKey> admin_key_;
};

}  // namespace csms_test
