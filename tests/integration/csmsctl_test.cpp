// csmsctl_test.cpp: csmsctl against a real csmsd: exit statuses, default socket, credentials and master key rotation.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "ctl_runner.hpp"
#include "harness.hpp"
#include "temp_dir.hpp"

using namespace csms_it;
using csms_test::TempDir;

namespace {

// A TCP port nothing listens on: bound once to learn a free number, then released.
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t length = sizeof(address);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

json::object create_credential(const Daemon& daemon, std::vector<std::string> args) {
  args.insert(args.begin(), {"credential", "create"});
  const CtlRun run = ctl(daemon, args);
  INFO(run);
  REQUIRE(run.status == 0);
  const json::value value = parse_json(run);
  REQUIRE(value.is_object());
  return value.as_object();
}

json::object master_key_status(const Daemon& daemon) {
  const CtlRun run = ctl(daemon, {"key", "status", "--json"});
  INFO(run);
  REQUIRE(run.status == 0);
  const json::value value = parse_json(run);
  REQUIRE(value.is_object());
  return value.as_object();
}

// sealed_rows of `key_id` in a master key object (0 when the key is not listed).
std::int64_t sealed_rows(const json::object& master_key, std::int64_t key_id) {
  INFO("master key: " << json::serialize(master_key));
  const json::array keys = get_array(master_key, "keys");
  for (const auto& key : keys) {
    REQUIRE(key.is_object());
    if (key.as_object().at("key_id").to_number<std::int64_t>() == key_id) {
      return key.as_object().at("sealed_rows").to_number<std::int64_t>();
    }
  }
  return 0;
}

}  // namespace

TEST_CASE("csmsctl: usage errors exit 2 before any request", "[integration][csmsctl]") {
  TempDir dir("csmsctl-usage");
  // Nothing listens here: exit 2 (not 1) shows the command line was refused before connecting.
  const std::string socket = (dir / "absent.sock").string();
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"--socket", socket},
      {"--socket", socket, "frobnicate"},
      {"--socket", socket, "credential"},
      {"--socket", socket, "credential", "rename"},
      {"--socket", socket, "credential", "create", "--role", "admin", "--project", std::string(kProject)},
      {"--socket", socket, "credential", "create", "--type", "password", "--role", "admin", "--project", "*"},
      {"--socket", socket, "credential", "create", "--type", "token", "--role", "root", "--project", "*"},
      {"--socket", socket, "credential", "create", "--type", "token", "--role", "admin"},
      {"--socket", socket, "credential", "create", "--type", "token", "--role", "admin", "--project"},
      {"--socket", socket, "credential", "list", "extra"},
      {"--socket", socket, "credential", "list", "--json=yes"},
      {"--socket", socket, "credential", "revoke"},
      {"--socket", socket, "credential", "revoke", "a", "b"},
      {"--socket", socket, "credential", "revoke", "../master-key"},
      {"--socket", socket, "key", "rotate", "--now"},
      {"--socket", socket, "whoami", "--verbose"},
      {"--no-such-option", "whoami"},
      {"--socket", socket, "--url", "http://127.0.0.1:1", "whoami"},
      {"--socket", socket, "--data-dir", dir.path().string(), "whoami"},
      {"--url", "https://127.0.0.1:8443", "whoami"},
      {"--url", "http://127.0.0.1", "whoami"},
      {"--url", "http://example.com:80", "whoami"},
      {"--url", "http://127.0.0.1:8443/v1", "whoami"},
      {"--socket", socket, "--token", "a", "--token-file", socket, "whoami"},
      {"--socket", socket, "--timeout", "soon", "whoami"},
  };
  for (const auto& args : cases) {
    const CtlRun run = run_ctl(args);
    std::string joined;
    for (const auto& arg : args) joined += " " + arg;
    INFO("csmsctl" << joined << "\n" << run);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.starts_with("csmsctl: "));
  }

  const CtlRun version = run_ctl({"--version"});
  CHECK(version.status == 0);
  CHECK(version.out == "csmsctl 0.1.0\n");
  const CtlRun help = run_ctl({"--help"});
  {
    INFO(help);
    CHECK(help.status == 0);
    CHECK(help.out.starts_with("usage: csmsctl"));
    for (const char* command : {"credential create", "key rotate", "version put", "stage set", "export", "import",
                                "restore-backup", "schedule-delete", "Exit status:"}) {
      CHECK(contains(help.out, command));
    }
  }
  // Every command has its own help, with the exit status table.
  for (const auto& words : std::vector<std::vector<std::string>>{
           {"create"}, {"get"}, {"show"}, {"list"}, {"update"}, {"delete"}, {"schedule-delete"}, {"restore"},
           {"version", "put"}, {"version", "get"}, {"version", "list"}, {"version", "set-expiry"}, {"stage", "set"},
           {"stage", "get"}, {"stage", "delete"}, {"export"}, {"import"}, {"backup"}, {"restore-backup"},
           {"credential", "create"}, {"credential", "list"}, {"credential", "revoke"}, {"key", "status"},
           {"key", "rotate"}, {"whoami"}}) {
    std::vector<std::string> args = words;
    args.push_back("--help");
    std::string joined;
    for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
    const CtlRun command_help = run_ctl(args);
    INFO(command_help);
    CHECK(command_help.status == 0);
    CHECK(command_help.out.starts_with("usage: csmsctl [GLOBAL OPTIONS] " + joined + " "));
    CHECK(contains(command_help.out, "5  the daemon could not be reached"));
  }
}

TEST_CASE("csmsctl: an unreachable daemon exits 5 naming where it looked", "[integration][csmsctl]") {
  TempDir dir("csmsctl-unreachable");
  const std::string socket = (dir / "absent.sock").string();
  const CtlRun by_socket = run_ctl({"--socket", socket, "credential", "list"});
  INFO(by_socket);
  CHECK(by_socket.status == 5);
  CHECK(by_socket.out.empty());
  CHECK(by_socket.err.starts_with("csmsctl: cannot reach csmsd at unix:" + socket + ": "));

  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  const CtlRun by_url = run_ctl({"--url", url, "whoami"});
  INFO(by_url);
  CHECK(by_url.status == 5);
  CHECK(by_url.err.starts_with("csmsctl: cannot reach csmsd at " + url + ": "));

  // A missing token file is not a usage error: the command line was fine.
  const CtlRun no_token = run_ctl({"--socket", socket, "--token-file", (dir / "absent.token").string(), "whoami"});
  INFO(no_token);
  CHECK(no_token.status == 1);
  CHECK(contains(no_token.err, "absent.token"));
}

TEST_CASE("csmsctl: the default socket is the daemon's default", "[integration][csmsctl]") {
  TempDir dir("csmsctl-defaults");
  const auto expect_socket = [](const CtlRun& run, const std::filesystem::path& socket) {
    INFO(run);
    CHECK(run.status == 5);
    CHECK(run.err.starts_with("csmsctl: cannot reach csmsd at unix:" + socket.string() + ": "));
  };
  const std::string runtime = (dir / "run").string();
  const std::string data_home = (dir / "xdg-data").string();
  const std::string home = (dir / "home").string();
  // $XDG_RUNTIME_DIR wins, whatever the data directory.
  expect_socket(run_ctl({"whoami"}, {{"XDG_RUNTIME_DIR", runtime}}), dir / "run/csmsd/csmsd.sock");
  expect_socket(run_ctl({"--data-dir", (dir / "d").string(), "whoami"}, {{"XDG_RUNTIME_DIR", runtime}}),
                dir / "run/csmsd/csmsd.sock");
  // Without it, the socket lives in the data directory: --data-dir, else $XDG_DATA_HOME/csmsd, else ~/.local/share.
  expect_socket(run_ctl({"--data-dir", (dir / "d").string(), "whoami"}, {{"XDG_RUNTIME_DIR", std::nullopt}}),
                dir / "d/csmsd.sock");
  expect_socket(run_ctl({"whoami"}, {{"XDG_RUNTIME_DIR", std::nullopt}, {"XDG_DATA_HOME", data_home}}),
                dir / "xdg-data/csmsd/csmsd.sock");
  expect_socket(
      run_ctl({"whoami"}, {{"XDG_RUNTIME_DIR", std::nullopt}, {"XDG_DATA_HOME", std::nullopt}, {"HOME", home}}),
      dir / "home/.local/share/csmsd/csmsd.sock");
  // --socket beats everything.
  expect_socket(run_ctl({"--socket", (dir / "s.sock").string(), "whoami"}, {{"XDG_RUNTIME_DIR", runtime}}),
                dir / "s.sock");
}

TEST_CASE("csmsctl: credential create, list and revoke an access key", "[integration][csmsctl]") {
  Daemon daemon;
  const json::object credential = create_credential(
      daemon, {"--type", "access-key", "--role", "writer", "--project", std::string(kProject), "--description", "ci"});
  INFO("credential: " << json::serialize(credential));
  const std::string id = get_string(credential, "id");
  const std::string access_key = get_string(credential, "access_key");
  const std::string secret_key = get_string(credential, "secret_key");
  CHECK_FALSE(id.empty());
  CHECK_FALSE(access_key.empty());
  CHECK(secret_key.size() == 40);
  CHECK(get_string(credential, "type") == "access_key");
  CHECK(get_string(credential, "role") == "writer");
  CHECK(strings_of(get_array(credential, "projects")) == std::vector<std::string>{std::string(kProject)});

  const CtlRun list = ctl(daemon, {"credential", "list"});
  {
    INFO(list);
    REQUIRE(list.status == 0);
    CHECK(list.out.starts_with("ID "));
    CHECK(contains(list.out, id));
    CHECK(contains(list.out, access_key));
    CHECK(contains(list.out, kProject));
    CHECK(contains(list.out, "writer"));
    CHECK_FALSE(contains(list.out + list.err, secret_key));
  }
  const CtlRun list_json = ctl(daemon, {"credential", "list", "--json"});
  {
    INFO(list_json);
    REQUIRE(list_json.status == 0);
    CHECK_FALSE(contains(list_json.out + list_json.err, secret_key));
    CHECK_FALSE(contains(list_json.out, "secret_key"));
    const json::value listed = parse_json(list_json);
    REQUIRE(listed.is_array());
    bool found = false;
    for (const auto& item : listed.as_array()) {
      REQUIRE(item.is_object());
      if (item.as_object().at("id") == json::value(id)) found = true;
    }
    CHECK(found);
  }

  const CtlRun revoke = ctl(daemon, {"credential", "revoke", id});
  {
    INFO(revoke);
    CHECK(revoke.status == 0);
    CHECK(revoke.out == "revoked " + id + "\n");
  }
  const CtlRun after = ctl(daemon, {"credential", "list"});
  {
    INFO(after);
    CHECK(after.status == 0);
    CHECK_FALSE(contains(after.out, id));
  }
  // Revoking it again is the daemon's error, reported as "<status> <code>: <message>" with its exit status.
  const CtlRun again = ctl(daemon, {"credential", "revoke", id});
  {
    INFO(again);
    CHECK(again.status == (contains(again.err, "csmsctl: 404 ") ? 3 : 2));
    CHECK(again.out.empty());
    CHECK(std::regex_search(again.err, std::regex("^csmsctl: 4[0-9][0-9] CSMS\\.[0-9]{4}: .+")));
  }
}

TEST_CASE("csmsctl: a token credential works over TCP with --token and --token-file", "[integration][csmsctl]") {
  Daemon daemon;
  const json::object credential =
      create_credential(daemon, {"--type", "token", "--role", "reader", "--project", std::string(kProject)});
  INFO("credential: " << json::serialize(credential));
  const std::string token = get_string(credential, "token");
  CHECK(token.starts_with("csmst_"));
  CHECK(get_string(credential, "type") == "token");
  CHECK_FALSE(credential.contains("secret_key"));

  const std::string url = "http://127.0.0.1:" + std::to_string(*daemon.process().tcp_port());
  const std::filesystem::path token_file = daemon.temp_dir() / "token";
  std::ofstream(token_file) << token << "\n";
  for (const auto& presented : {std::vector<std::string>{"--token", token},
                                std::vector<std::string>{"--token-file", token_file.string()}}) {
    std::vector<std::string> args = {"--url", url};
    args.insert(args.end(), presented.begin(), presented.end());
    args.insert(args.end(), {"whoami", "--json"});
    const CtlRun run = run_ctl(args);
    INFO(run);
    REQUIRE(run.status == 0);
    const json::value caller = parse_json(run);
    REQUIRE(caller.is_object());
    CHECK(get_string(caller.as_object(), "role") == "reader");
    CHECK(strings_of(get_array(caller.as_object(), "projects")) == std::vector<std::string>{std::string(kProject)});
  }

  // Over TCP without a credential the daemon refuses: 401 CSMS.0301, exit 4 (denied).
  const CtlRun anonymous = run_ctl({"--url", url, "whoami"});
  INFO(anonymous);
  CHECK(anonymous.status == 4);
  CHECK(anonymous.err.starts_with("csmsctl: 401 CSMS.0301: "));
}

TEST_CASE("csmsctl: key status shows the first master key", "[integration][csmsctl]") {
  Daemon daemon;
  const CtlRun text = ctl(daemon, {"key", "status"});
  INFO(text);
  REQUIRE(text.status == 0);
  CHECK(text.out.starts_with("current key id: 1\n"));

  const json::object master_key = master_key_status(daemon);
  INFO("master key: " << json::serialize(master_key));
  CHECK(master_key.at("current_key_id").to_number<std::int64_t>() == 1);
  CHECK(master_key.at("source").is_string());
  CHECK(get_string(get_object(master_key, "rotation"), "state") == "idle");
}

TEST_CASE("csmsctl: key rotate --wait leaves no row under the old key", "[integration][csmsctl]") {
  Daemon daemon;
  std::vector<std::pair<std::string, std::string>> secrets;
  {
    auto client = daemon.client();
    for (int i = 0; i < 5; ++i) {
      const std::string name = unique_name("rotate");
      const std::string value = "value-" + std::to_string(i);
      create_secret(client, name, value);
      create_version(client, name, value + "-2");
      secrets.emplace_back(name, value + "-2");
    }
  }
  CHECK(sealed_rows(master_key_status(daemon), 1) > 0);

  const CtlRun rotate = ctl(daemon, {"key", "rotate", "--wait", "--json"});
  INFO(rotate);
  REQUIRE(rotate.status == 0);
  CHECK(contains(rotate.err, "rotation done"));
  const json::value rotated = parse_json(rotate);
  REQUIRE(rotated.is_object());
  CHECK(rotated.as_object().at("current_key_id").to_number<std::int64_t>() == 2);
  CHECK(sealed_rows(rotated.as_object(), 1) == 0);

  const json::object after = master_key_status(daemon);
  CHECK(after.at("current_key_id").to_number<std::int64_t>() == 2);
  CHECK(sealed_rows(after, 1) == 0);
  CHECK(sealed_rows(after, 2) > 0);
  CHECK(get_string(get_object(after, "rotation"), "state") == "idle");

  // Every value still opens, now under key 2.
  auto client = daemon.client();
  for (const auto& [name, value] : secrets) {
    CHECK(get_string(get_version(client, name, "latest"), "secret_string") == value);
  }
}
