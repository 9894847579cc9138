// options_test.cpp: csmsd flag parsing: defaults from the environment, --listen forms, durations, error collection.
#include "app/options.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <grp.h>
#include <unistd.h>

namespace {

using csms::app::ListenSpec;
using csms::app::TcpListen;
using csms::app::UnixListen;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

/// Sets or unsets an environment variable for the life of the object, then restores it.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;
  ~EnvVar() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

csms::app::ParseResult parse(std::vector<const char*> args) {
  args.insert(args.begin(), "csmsd");
  return csms::app::parse_options(static_cast<int>(args.size()), args.data());
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& error : errors) out += error + "\n";
  return out;
}

const UnixListen& unix_of(const ListenSpec& spec) {
  REQUIRE(std::holds_alternative<UnixListen>(spec));
  return std::get<UnixListen>(spec);
}

const TcpListen& tcp_of(const ListenSpec& spec) {
  REQUIRE(std::holds_alternative<TcpListen>(spec));
  return std::get<TcpListen>(spec);
}

TEST_CASE("defaults follow XDG_DATA_HOME and XDG_RUNTIME_DIR", "[unit][app][options]") {
  EnvVar data("XDG_DATA_HOME", "/tmp/xdg-data");
  EnvVar runtime("XDG_RUNTIME_DIR", "/run/user/4242");
  EnvVar home("HOME", "/home/someone");
  const auto result = parse({});
  INFO(joined(result.errors));
  CHECK(result.errors.empty());
  const auto& options = result.options;
  CHECK(options.data_dir == fs::path("/tmp/xdg-data/csmsd"));
  REQUIRE(options.listens.size() == 1);
  CHECK(unix_of(options.listens[0]).path == fs::path("/run/user/4242/csmsd/csmsd.sock"));
  CHECK(options.prune_interval == 1min);
  CHECK(options.prune_grace == 24h);
  CHECK(options.idle_timeout == 30s);
  CHECK(options.log_level == csms::log::Level::kInfo);
  CHECK_FALSE(options.allow_remote_tcp);
  CHECK_FALSE(options.show_help);
  CHECK_FALSE(options.show_version);
}

TEST_CASE("without XDG variables the defaults use HOME and the data directory", "[unit][app][options]") {
  const char* empty_or_unset = GENERATE(static_cast<const char*>(nullptr), "");
  EnvVar data("XDG_DATA_HOME", empty_or_unset);
  EnvVar runtime("XDG_RUNTIME_DIR", empty_or_unset);
  EnvVar home("HOME", "/home/someone");
  const auto result = parse({});
  CHECK(result.errors.empty());
  CHECK(result.options.data_dir == fs::path("/home/someone/.local/share/csmsd"));
  REQUIRE(result.options.listens.size() == 1);
  CHECK(unix_of(result.options.listens[0]).path == fs::path("/home/someone/.local/share/csmsd/csmsd.sock"));
}

TEST_CASE("the data-dir flag sets the directory and the default socket inside it", "[unit][app][options]") {
  EnvVar runtime("XDG_RUNTIME_DIR", nullptr);
  auto result = parse({"--data-dir", "/srv/vault"});
  CHECK(result.errors.empty());
  CHECK(result.options.data_dir == fs::path("/srv/vault"));
  CHECK(unix_of(result.options.listens.at(0)).path == fs::path("/srv/vault/csmsd.sock"));

  result = parse({"--data-dir=relative/dir"});
  CHECK(result.errors.empty());
  CHECK(result.options.data_dir == fs::current_path() / "relative/dir");

  result = parse({"--data-dir="});
  CHECK(result.errors.size() == 1);
}

TEST_CASE("the listen flag is repeatable and replaces the default socket", "[unit][app][options]") {
  const auto result = parse({"--listen", "unix:/tmp/a.sock", "--listen=127.0.0.1:8080", "--listen", "[::1]:9000"});
  INFO(joined(result.errors));
  CHECK(result.errors.empty());
  REQUIRE(result.options.listens.size() == 3);
  CHECK(unix_of(result.options.listens[0]).path == fs::path("/tmp/a.sock"));
  CHECK(tcp_of(result.options.listens[1]).address == "127.0.0.1");
  CHECK(tcp_of(result.options.listens[1]).port == 8080);
  CHECK(tcp_of(result.options.listens[2]).address == "::1");
  CHECK(tcp_of(result.options.listens[2]).port == 9000);
}

TEST_CASE("parse_listen accepts unix:, HOST:PORT, [IPv6]:PORT, tcp: and localhost", "[unit][app][options]") {
  struct Case {
    const char* text;
    bool is_unix;
    std::string address;
    unsigned port;
  };
  const Case c = GENERATE(values<Case>({
      {"unix:/run/csmsd.sock", true, "/run/csmsd.sock", 0},
      {"127.0.0.1:8080", false, "127.0.0.1", 8080},
      {"0.0.0.0:0", false, "0.0.0.0", 0},
      {"localhost:8443", false, "127.0.0.1", 8443},
      {"[::1]:9000", false, "::1", 9000},
      {"[::]:1", false, "::", 1},
      {"tcp:10.0.0.1:65535", false, "10.0.0.1", 65535},
      {"tcp:localhost:80", false, "127.0.0.1", 80},
  }));
  INFO(c.text);
  ListenSpec spec;
  std::string error;
  REQUIRE(csms::app::parse_listen(c.text, spec, error));
  if (c.is_unix) {
    CHECK(unix_of(spec).path == fs::path(c.address));
  } else {
    CHECK(tcp_of(spec).address == c.address);
    CHECK(tcp_of(spec).port == c.port);
  }
}

TEST_CASE("parse_listen makes a relative unix path absolute", "[unit][app][options]") {
  ListenSpec spec;
  std::string error;
  REQUIRE(csms::app::parse_listen("unix:sock/csmsd.sock", spec, error));
  CHECK(unix_of(spec).path == fs::current_path() / "sock/csmsd.sock");
}

TEST_CASE("parse_listen refuses malformed values with a message", "[unit][app][options]") {
  const std::string text = GENERATE(as<std::string>{}, "unix:", "localhost", "8080", ":8080", "host:", "host:-1",
                                    "host:65536", "host:80x", "host:0x50", "tcp:", "tcp:8080",
                                    "127.0.0.1:99999999999");
  INFO(text);
  ListenSpec spec;
  std::string error;
  CHECK_FALSE(csms::app::parse_listen(text, spec, error));
  CHECK_FALSE(error.empty());
}

TEST_CASE("durations, log level and switches are parsed", "[unit][app][options]") {
  const auto result = parse({"--prune-interval", "30s", "--prune-grace=7d", "--idle-timeout", "500ms", "--log-level",
                             "debug", "--allow-remote-tcp", "--version", "-h"});
  INFO(joined(result.errors));
  CHECK(result.errors.empty());
  CHECK(result.options.prune_interval == 30s);
  CHECK(result.options.prune_grace == std::chrono::hours(7 * 24));
  CHECK(result.options.idle_timeout == 500ms);
  CHECK(result.options.log_level == csms::log::Level::kDebug);
  CHECK(result.options.allow_remote_tcp);
  CHECK(result.options.show_version);
  CHECK(result.options.show_help);
  CHECK(parse({"--help"}).options.show_help);
}

TEST_CASE("the threads flag sets the session threads, and 0, negative and huge counts are refused", "[unit][app][options]") {
  CHECK(parse({}).options.io_threads == 0);  // 0: one per CPU core, decided at start
  CHECK(parse({"--threads", "3"}).options.io_threads == 3);
  CHECK(parse({"--threads=1"}).options.io_threads == 1);
  for (const char* bad : {"0", "-1", "257", "two", ""}) {
    INFO("--threads '" << bad << "'");
    const auto result = parse({"--threads", bad});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].find("--threads") != std::string::npos);
  }
}

TEST_CASE("every bad flag is reported, all at once", "[unit][app][options]") {
  const auto result = parse({"--prune-interval", "5x", "--bogus", "--prune-grace=0s", "--idle-timeout", "-1s",
                             "--log-level", "loud", "--listen", "nope", "extra-positional", "--listen",
                             "127.0.0.1:8080"});
  const std::string all = joined(result.errors);
  INFO(all);
  CHECK(result.errors.size() == 7);
  CHECK(all.find("--prune-interval") != std::string::npos);
  CHECK(all.find("'5x'") != std::string::npos);
  CHECK(all.find("--bogus") != std::string::npos);
  CHECK(all.find("--prune-grace") != std::string::npos);
  CHECK(all.find("--idle-timeout") != std::string::npos);
  CHECK(all.find("--log-level") != std::string::npos);
  CHECK(all.find("--listen") != std::string::npos);
  CHECK(all.find("extra-positional") != std::string::npos);
  // The good values after the bad ones are still taken; failed flags keep their defaults.
  REQUIRE(result.options.listens.size() == 1);
  CHECK(tcp_of(result.options.listens[0]).port == 8080);
  CHECK(result.options.prune_interval == 1min);
  CHECK(result.options.prune_grace == 24h);
}

TEST_CASE("switches take no value: --allow-remote-tcp=false does not allow remote TCP", "[unit][app][options]") {
  // A switch given an inline value must not silently read it as "on": "--allow-remote-tcp=false" enabling
  // non-loopback listeners is the opposite of what the user wrote.
  const char* flag = GENERATE("--allow-remote-tcp=false", "--allow-remote-tcp=0", "--allow-remote-tcp=no");
  INFO(flag);
  const auto result = parse({flag});
  CHECK_FALSE(result.options.allow_remote_tcp);
  CHECK(result.errors.size() == 1);
}

TEST_CASE("a flag without its value at the end is an error", "[unit][app][options]") {
  const char* flag = GENERATE("--data-dir", "--listen", "--prune-interval", "--prune-grace", "--idle-timeout",
                              "--log-level", "--tls-cert", "--tls-key", "--socket-mode", "--socket-group");
  const auto result = parse({flag});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].find(flag) != std::string::npos);
  CHECK(result.errors[0].find("missing value") != std::string::npos);
}

TEST_CASE("durations must be positive", "[unit][app][options]") {
  const char* value = GENERATE("0s", "0ms", "", "1.5s", "10");
  const auto result = parse({"--prune-interval", value});
  INFO(value);
  CHECK(result.errors.size() == 1);
}

TEST_CASE("usage mentions every flag", "[unit][app][options]") {
  const std::string text = csms::app::usage();
  for (const char* flag : {"--data-dir", "--listen", "--allow-remote-tcp", "--prune-interval", "--prune-grace",
                           "--idle-timeout", "--log-level", "--version", "--help", "--tls-cert", "--tls-key",
                           "--socket-mode", "--socket-group"}) {
    INFO(flag);
    CHECK(text.find(flag) != std::string::npos);
  }
}

TEST_CASE("the tls-cert and tls-key flags go together and apply to TCP listeners", "[unit][app][options]") {
  auto result = parse({"--listen", "127.0.0.1:0", "--tls-cert", "/etc/csmsd/chain.pem", "--tls-key=relative/key.pem"});
  INFO(joined(result.errors));
  CHECK(result.errors.empty());
  CHECK(result.options.tls_cert == std::optional<fs::path>("/etc/csmsd/chain.pem"));
  CHECK(result.options.tls_key == std::optional<fs::path>(fs::current_path() / "relative/key.pem"));

  result = parse({"--listen", "127.0.0.1:0"});
  CHECK_FALSE(result.options.tls_cert.has_value());
  CHECK_FALSE(result.options.tls_key.has_value());

  const char* flag = GENERATE("--tls-cert", "--tls-key");
  INFO(flag);
  result = parse({"--listen", "127.0.0.1:0", flag, "/some/file"});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].find("--tls-cert and --tls-key") != std::string::npos);
  result = parse({"--listen", "127.0.0.1:0", flag, ""});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].find("empty path") != std::string::npos);
}

TEST_CASE("TLS files without a TCP listener are an error", "[unit][app][options]") {
  EnvVar runtime("XDG_RUNTIME_DIR", "/run/user/4242");
  for (const auto& args : {std::vector<const char*>{"--tls-cert", "/c.pem", "--tls-key", "/k.pem"},
                           std::vector<const char*>{"--listen", "unix:/tmp/a.sock", "--tls-cert", "/c.pem",
                                                    "--tls-key", "/k.pem"}}) {
    const auto result = parse(args);
    INFO(joined(result.errors));
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].find("no TCP listener") != std::string::npos);
  }
}

TEST_CASE("the socket-mode flag takes an octal mode from 0600 to 0666", "[unit][app][options]") {
  CHECK(parse({}).options.socket_mode == 0600);
  struct Case {
    const char* text;
    mode_t mode;
  };
  const Case c = GENERATE(values<Case>({{"0600", 0600}, {"0660", 0660}, {"660", 0660}, {"0640", 0640}, {"0666", 0666},
                                         {"00620", 0620}}));
  INFO(c.text);
  const auto result = parse({"--socket-mode", c.text});
  INFO(joined(result.errors));
  CHECK(result.errors.empty());
  CHECK(result.options.socket_mode == c.mode);
}

TEST_CASE("the socket-mode flag refuses anything but an octal mode from 0600 to 0666", "[unit][app][options]") {
  const char* text = GENERATE("", "0700", "0777", "0400", "0200", "0000", "0670", "01660", "4660", "0680", "rw-rw----",
                              "0x1b0", "-0660", " 0660", "0660 ");
  INFO("'" << text << "'");
  const auto result = parse({"--socket-mode", text});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].find("--socket-mode") != std::string::npos);
  CHECK(result.options.socket_mode == 0600);
}

TEST_CASE("the socket-group flag takes a group name or a numeric GID", "[unit][app][options]") {
  CHECK_FALSE(parse({}).options.socket_group.has_value());
  auto result = parse({"--socket-group", "4321"});
  CHECK(result.errors.empty());
  CHECK(result.options.socket_group == std::optional<gid_t>(4321));

  const group* own = ::getgrgid(::getgid());
  if (own != nullptr) {
    result = parse({"--socket-group", own->gr_name});
    INFO(joined(result.errors));
    CHECK(result.errors.empty());
    CHECK(result.options.socket_group == std::optional<gid_t>(::getgid()));
  }

  const char* unknown = GENERATE("csmsd-no-such-group-7f3a", "", "-1", "12ab");
  INFO("'" << unknown << "'");
  result = parse({"--socket-group", unknown});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].find("--socket-group") != std::string::npos);
  CHECK_FALSE(result.options.socket_group.has_value());
}

TEST_CASE("socket flags without a Unix socket listener are an error", "[unit][app][options]") {
  const auto result = parse({"--listen", "127.0.0.1:0", "--socket-mode", "0660"});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].find("no Unix socket listener") != std::string::npos);
  CHECK(parse({"--listen", "127.0.0.1:0", "--socket-group", "0"}).errors.size() == 1);
  CHECK(parse({"--listen", "127.0.0.1:0", "--listen", "unix:/tmp/s", "--socket-mode", "0660"}).errors.empty());
}

}  // namespace

TEST_CASE("the store flag takes sqlite, a postgres URI or a libpq key=value string", "[unit][app][options]") {
  CHECK(parse({}).options.store == "sqlite");
  CHECK(parse({}).options.store_pool_size == 8);
  for (const char* good : {"sqlite", "postgres://csmsd@db.example:5432/vault", "postgresql:///vault?host=/run/pg",
                           "host=db.example port=5432 dbname=vault sslmode=verify-full"}) {
    INFO(good);
    const auto result = parse({"--store", good});
    CHECK(joined(result.errors).empty());
    CHECK(result.options.store == good);
  }
  CHECK(parse({"--store-pool-size", "3"}).options.store_pool_size == 3);
}

TEST_CASE("a bad store value is refused without repeating it, since it may hold a password", "[unit][app][options]") {
  for (const char* bad : {"mysql://root:hunter2@db/vault", "hunter2", "", "host=db password='hunter2",
                          "postgresql://u:hunter2@db/vault?nosuchoption=1"}) {
    INFO("--store '" << bad << "'");
    const auto result = parse({"--store", bad});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].find("--store") != std::string::npos);
    CHECK(result.errors[0].find("hunter2") == std::string::npos);
    CHECK(result.options.store == "sqlite");
  }
  for (const char* bad : {"0", "257", "many"}) {
    INFO("--store-pool-size '" << bad << "'");
    CHECK(parse({"--store-pool-size", bad}).errors.size() == 1);
  }
}

TEST_CASE("the store can come from CSMSD_STORE", "[unit][app][options]") {
  const EnvVar store("CSMSD_STORE", "host=/run/postgresql dbname=vault");
  const EnvVar pool("CSMSD_STORE_POOL_SIZE", "4");
  const auto result = parse({});
  INFO(joined(result.errors));
  CHECK(result.errors.empty());
  CHECK(result.options.store == "host=/run/postgresql dbname=vault");
  CHECK(result.options.store_pool_size == 4);
}
