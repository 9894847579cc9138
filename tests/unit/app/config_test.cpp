// config_test.cpp: the option table, the config file parser, layer precedence, packaging/csmsd.conf and reload plans.
#include "app/config_file.hpp"
#include "app/option_table.hpp"
#include "app/options.hpp"
#include "app/reload.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using csms::app::OptionDef;

/// A private directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "csmsd-config-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file) << text;
    return file;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

csms::app::ParseResult parse(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                             fs::path default_config = "/nonexistent/csmsd.conf") {
  csms::app::ParseInputs inputs;
  inputs.args = std::move(args);
  inputs.getenv = [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  inputs.default_config = std::move(default_config);
  return csms::app::parse_options(inputs);
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& error : errors) out += error + "\n";
  return out;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool mentions(const std::vector<std::string>& errors, const std::string& needle) {
  for (const auto& error : errors) {
    if (error.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the option table has unique names and every entry is complete", "[unit][app][config]") {
  std::set<std::string_view> names;
  for (const OptionDef& option : csms::app::option_table()) {
    INFO(option.name);
    CHECK(names.insert(option.name).second);
    CHECK(option.apply != nullptr);
    CHECK(option.repeatable == (option.clear != nullptr));
    CHECK_FALSE(option.help.empty());
    CHECK(option.sources != 0);
  }
  CHECK(csms::app::env_name(*csms::app::find_option("data-dir")) == "CSMSD_DATA_DIR");
  CHECK(csms::app::find_option("log-level")->reloadable);
  CHECK(csms::app::find_option("audit-log")->reloadable);
  CHECK_FALSE(csms::app::find_option("data-dir")->reloadable);
}

TEST_CASE("every default written in the table is what the options start with", "[unit][app][config]") {
  // Applying each written default to a fresh Options must leave it unchanged: the help text and csmsd.conf cannot
  // promise a default the code does not have.
  const csms::app::Options fresh;
  for (const OptionDef& option : csms::app::option_table()) {
    if (option.default_text.empty()) continue;
    INFO(option.name << " = " << option.default_text);
    csms::app::Options applied;
    CHECK(option.apply(option.default_text, applied).empty());
    CHECK(applied.prune_interval == fresh.prune_interval);
    CHECK(applied.prune_grace == fresh.prune_grace);
    CHECK(applied.idle_timeout == fresh.idle_timeout);
    CHECK(applied.event_check_interval == fresh.event_check_interval);
    CHECK(applied.hook_timeout == fresh.hook_timeout);
    CHECK(applied.allow_remote_tcp == fresh.allow_remote_tcp);
    CHECK(applied.default_peers == fresh.default_peers);
    CHECK(applied.socket_mode == fresh.socket_mode);
    CHECK(applied.log_level == fresh.log_level);
    CHECK(applied.reseal_batch_rows == fresh.reseal_batch_rows);
    CHECK(applied.max_connections == fresh.max_connections);
    CHECK(applied.master_key.kind == fresh.master_key.kind);
    CHECK(applied.master_key.file == fresh.master_key.file);
    CHECK(applied.store == fresh.store);
    CHECK(applied.store_pool_size == fresh.store_pool_size);
  }
}

TEST_CASE("packaging csmsd.conf lists every file key once with the table's default", "[unit][app][config]") {
  const std::string text = read_text(CSMS_PACKAGED_CONFIG);
  REQUIRE_FALSE(text.empty());
  // Key lines are "#key = default" (no space after '#'); prose comments are "# ...".
  const std::regex key_line(R"(^#([a-z][a-z0-9-]*) =(?: (.*))?$)");
  std::map<std::string, std::string> listed;
  std::istringstream lines(text);
  std::string line;
  std::string uncommented;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (!std::regex_match(line, match, key_line)) continue;
    INFO(line);
    CHECK(listed.emplace(match[1].str(), match[2].str()).second);
    if (match[2].length() > 0) uncommented += line.substr(1) + "\n";
  }
  for (const OptionDef& option : csms::app::option_table()) {
    if ((option.sources & csms::app::kFromFile) == 0) continue;
    INFO(option.name);
    const auto it = listed.find(std::string(option.name));
    REQUIRE(it != listed.end());
    CHECK(it->second == option.default_text);
    listed.erase(it);
  }
  INFO("keys in csmsd.conf that the table does not know");
  CHECK(listed.empty());

  // Uncommenting every default changes nothing.
  ScratchDir dir;
  const fs::path file = dir.write("defaults.conf", uncommented);
  const auto with_file = parse({"--config", file.string(), "--data-dir", "/tmp/x"});
  INFO(joined(with_file.errors));
  CHECK(with_file.errors.empty());
  const auto without = parse({"--data-dir", "/tmp/x"});
  CHECK(with_file.options.prune_grace == without.options.prune_grace);
  CHECK(with_file.options.log_level == without.options.log_level);
  CHECK(with_file.options.socket_mode == without.options.socket_mode);
  CHECK(with_file.options.max_connections == without.options.max_connections);
}

TEST_CASE("the config file parser reads keys, values, comments and repeatable keys", "[unit][app][config]") {
  const auto parsed = csms::app::parse_config_text(
      "# a comment\n"
      "\n"
      "   log-level   =   debug   \r\n"
      "  # indented comment\n"
      "listen = unix:/tmp/a.sock\n"
      "listen=127.0.0.1:0\n"
      "notify-webhook = http://127.0.0.1:9/hook#frag\n",
      "test.conf");
  INFO(joined(parsed.errors));
  CHECK(parsed.errors.empty());
  REQUIRE(parsed.settings.size() == 4);
  CHECK(parsed.settings[0].option->name == "log-level");
  CHECK(parsed.settings[0].value == "debug");
  CHECK(parsed.settings[0].line == 3);
  CHECK(parsed.settings[2].value == "127.0.0.1:0");
  CHECK(parsed.settings[3].value == "http://127.0.0.1:9/hook#frag");
}

TEST_CASE("the config file parser reports every bad line with file and line", "[unit][app][config]") {
  const auto parsed = csms::app::parse_config_text(
      "log-level = info\n"
      "no equals sign here\n"
      "bogus-key = 1\n"
      "help = true\n"
      "log-level = debug\n"
      "config = /etc/other.conf\n",
      "my.conf");
  const std::string all = joined(parsed.errors);
  INFO(all);
  REQUIRE(parsed.errors.size() == 5);
  CHECK(parsed.errors[0].starts_with("my.conf:2: expected 'key = value'"));
  CHECK(parsed.errors[1] == "my.conf:3: unknown key 'bogus-key'");
  CHECK(parsed.errors[2].starts_with("my.conf:4: 'help' cannot be set"));
  CHECK(parsed.errors[3] == "my.conf:5: 'log-level' given again (first on line 1)");
  CHECK(parsed.errors[4].starts_with("my.conf:6: 'config' cannot be set"));
}

TEST_CASE("errors of the file, the environment and the flags are all reported at once", "[unit][app][config]") {
  ScratchDir dir;
  const fs::path file = dir.write("bad.conf",
                                  "prune-interval = soon\n"
                                  "socket-mode = 0777\n"
                                  "what = ever\n"
                                  "allow-remote-tcp = maybe\n");
  const auto result = parse({"--config", file.string(), "--threads", "0", "--nope"},
                            {{"CSMSD_HOOK_TIMEOUT", "-5s"}, {"CSMSD_LOG_LEVEL", "chatty"}});
  const std::string all = joined(result.errors);
  INFO(all);
  CHECK(result.errors.size() == 8);
  CHECK(mentions(result.errors, file.string() + ":1: prune-interval: expected a positive duration"));
  CHECK(mentions(result.errors, file.string() + ":2: socket-mode: expected an octal mode"));
  CHECK(mentions(result.errors, file.string() + ":3: unknown key 'what'"));
  CHECK(mentions(result.errors, file.string() + ":4: allow-remote-tcp: expected true or false"));
  CHECK(mentions(result.errors, "CSMSD_HOOK_TIMEOUT: expected a positive duration"));
  CHECK(mentions(result.errors, "CSMSD_LOG_LEVEL: expected debug"));
  CHECK(mentions(result.errors, "--threads: expected 1 to 256"));
  CHECK(mentions(result.errors, "unknown argument '--nope'"));
}

TEST_CASE("precedence is defaults, then the file, then the environment, then flags", "[unit][app][config]") {
  ScratchDir dir;
  const fs::path file = dir.write("csmsd.conf",
                                  "prune-interval = 5m\n"
                                  "prune-grace = 2h\n"
                                  "idle-timeout = 7s\n"
                                  "hook-timeout = 3s\n"
                                  "data-dir = /srv/from-file\n");
  const auto result = parse({"--config", file.string(), "--idle-timeout", "9s"},
                            {{"CSMSD_PRUNE_GRACE", "3h"}, {"CSMSD_IDLE_TIMEOUT", "8s"}});
  INFO(joined(result.errors));
  REQUIRE(result.errors.empty());
  const auto& options = result.options;
  CHECK(options.prune_interval == 5min);         // file over default
  CHECK(options.prune_grace == 3h);              // environment over file
  CHECK(options.idle_timeout == 9s);             // flag over environment and file
  CHECK(options.hook_timeout == 3s);             // file
  CHECK(options.event_check_interval == 1min);   // default
  CHECK(options.data_dir == fs::path("/srv/from-file"));
  CHECK(options.audit_log == fs::path("/srv/from-file/audit.log"));
  CHECK(options.config_file == file);
  CHECK(options.settings.at("idle-timeout") == "9s");
  CHECK(options.settings.count("event-check-interval") == 0);
}

TEST_CASE("a repeatable key given at a higher level replaces the lower level's list", "[unit][app][config]") {
  ScratchDir dir;
  const fs::path file = dir.write("csmsd.conf",
                                  "listen = unix:/tmp/one.sock\n"
                                  "listen = unix:/tmp/two.sock\n");
  SECTION("the file's values add up") {
    const auto result = parse({"--config", file.string()});
    INFO(joined(result.errors));
    REQUIRE(result.options.listens.size() == 2);
    CHECK_FALSE(result.options.listens_defaulted);
  }
  SECTION("the environment replaces them; blanks separate its values") {
    const auto result = parse({"--config", file.string()}, {{"CSMSD_LISTEN", "127.0.0.1:1  unix:/tmp/three.sock"}});
    INFO(joined(result.errors));
    REQUIRE(result.options.listens.size() == 2);
    CHECK(std::holds_alternative<csms::app::TcpListen>(result.options.listens[0]));
    CHECK(std::get<csms::app::UnixListen>(result.options.listens[1]).path == fs::path("/tmp/three.sock"));
  }
  SECTION("flags replace both") {
    const auto result = parse({"--config", file.string(), "--listen", "unix:/tmp/four.sock"},
                              {{"CSMSD_LISTEN", "127.0.0.1:1"}});
    REQUIRE(result.options.listens.size() == 1);
    CHECK(std::get<csms::app::UnixListen>(result.options.listens[0]).path == fs::path("/tmp/four.sock"));
  }
}

TEST_CASE("switches take true or false in the file and the environment", "[unit][app][config]") {
  ScratchDir dir;
  const fs::path file = dir.write("csmsd.conf", "allow-remote-tcp = yes\nno-default-peers = true\n");
  auto result = parse({"--config", file.string()});
  INFO(joined(result.errors));
  CHECK(result.options.allow_remote_tcp);
  CHECK_FALSE(result.options.default_peers);
  result = parse({"--config", file.string()}, {{"CSMSD_ALLOW_REMOTE_TCP", "false"}});
  CHECK_FALSE(result.options.allow_remote_tcp);
  // A flag switch still only turns the option on.
  result = parse({"--config", file.string(), "--allow-remote-tcp"}, {{"CSMSD_ALLOW_REMOTE_TCP", "0"}});
  CHECK(result.options.allow_remote_tcp);
}

TEST_CASE("which config file is read", "[unit][app][config]") {
  ScratchDir dir;
  const fs::path default_file = dir.write("default.conf", "log-level = error\n");
  const fs::path other_file = dir.write("other.conf", "log-level = warning\n");
  SECTION("the default file when it exists") {
    const auto result = parse({}, {}, default_file);
    CHECK(result.errors.empty());
    CHECK(result.options.log_level == csms::log::Level::kError);
    CHECK(result.options.config_file == default_file);
  }
  SECTION("no file and no error when the default file does not exist") {
    const auto result = parse({}, {}, dir.path() / "absent.conf");
    CHECK(result.errors.empty());
    CHECK(result.options.config_file.empty());
    CHECK(result.options.log_level == csms::log::Level::kInfo);
  }
  SECTION("CSMSD_CONFIG over the default, --config over CSMSD_CONFIG") {
    CHECK(parse({}, {{"CSMSD_CONFIG", other_file.string()}}, default_file).options.log_level ==
          csms::log::Level::kWarning);
    CHECK(parse({"--config", default_file.string()}, {{"CSMSD_CONFIG", other_file.string()}}).options.log_level ==
          csms::log::Level::kError);
  }
  SECTION("a named file that does not exist is an error") {
    const auto result = parse({"--config", (dir.path() / "missing.conf").string()});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].find("missing.conf: cannot read") != std::string::npos);
  }
  SECTION("--config none reads no file, not even the default") {
    const auto result = parse({"--config", "none"}, {}, default_file);
    CHECK(result.errors.empty());
    CHECK(result.options.config_file.empty());
    CHECK(result.options.log_level == csms::log::Level::kInfo);
  }
}

TEST_CASE("help, version and config are not file keys, and help and version not variables", "[unit][app][config]") {
  const auto result = parse({}, {{"CSMSD_HELP", "true"}, {"CSMSD_VERSION", "true"}});
  CHECK_FALSE(result.options.show_help);
  CHECK_FALSE(result.options.show_version);
  CHECK(parse({"-h"}).options.show_help);
}

TEST_CASE("the usage text is generated from the table", "[unit][app][config]") {
  const std::string text = csms::app::usage();
  for (const OptionDef& option : csms::app::option_table()) {
    if ((option.sources & csms::app::kFromFlag) == 0) continue;
    INFO(option.name);
    CHECK(text.find("--" + std::string(option.name)) != std::string::npos);
  }
  CHECK(text.find("(default 24h)") != std::string::npos);
  CHECK(text.find("CSMSD_DATA_DIR") != std::string::npos);
}

TEST_CASE("a reload applies log-level and audit-log and refuses other changes", "[unit][app][config]") {
  ScratchDir dir;
  const fs::path file = dir.write("csmsd.conf", "log-level = info\nprune-grace = 1h\n");
  const auto before = parse({"--config", file.string(), "--data-dir", "/tmp/d"});
  REQUIRE(before.errors.empty());
  dir.write("csmsd.conf", "log-level = debug\nprune-grace = 2h\naudit-log = /tmp/d/other.log\nthreads = 3\n");
  const auto after = parse({"--config", file.string(), "--data-dir", "/tmp/d"});
  REQUIRE(after.errors.empty());
  const auto plan = csms::app::plan_reload(before.options, after.options);
  REQUIRE(plan.apply.size() == 2);
  CHECK(plan.apply[0].name == "log-level");
  CHECK(plan.apply[0].from == "info");
  CHECK(plan.apply[0].to == "debug");
  CHECK(plan.apply[1].name == "audit-log");
  CHECK(plan.apply[1].from == "(default)");
  REQUIRE(plan.refuse.size() == 2);
  CHECK(plan.refuse[0].name == "prune-grace");
  CHECK(plan.refuse[1].name == "threads");
  CHECK(csms::app::plan_reload(after.options, after.options).apply.empty());
}

TEST_CASE("a reload that changes the store logs where it points, never its password", "[unit][app][config]") {
  ScratchDir dir;
  const fs::path file = dir.write("csmsd.conf", "store = postgresql://csmsd:hunter2@db1.example:5432/vault\n");
  const auto before = parse({"--config", file.string(), "--data-dir", "/tmp/d"});
  REQUIRE(before.errors.empty());
  dir.write("csmsd.conf", "store = host=db2.example password=swordfish dbname=vault\n");
  const auto after = parse({"--config", file.string(), "--data-dir", "/tmp/d"});
  REQUIRE(after.errors.empty());
  const auto plan = csms::app::plan_reload(before.options, after.options);
  REQUIRE(plan.refuse.size() == 1);
  CHECK(plan.refuse[0].name == "store");
  CHECK(plan.refuse[0].from == "host=db1.example port=5432 dbname=vault");
  CHECK(plan.refuse[0].to == "host=db2.example dbname=vault");
  CHECK(plan.apply.empty());
}
