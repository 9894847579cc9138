// csmsctl_secrets_test.cpp: csmsctl's secret, version, stage and export/import commands against a real csmsd:
// values in and out byte for byte, the project rule, signing with an access key, and each distinct exit status.
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "ctl_runner.hpp"
#include "harness.hpp"

using namespace csms_it;

namespace {

const std::string kP(kProject);

// csmsctl on the Unix socket in kProject; `input` is its stdin.
CtlRun in_project(const Daemon& daemon, std::vector<std::string> args,
                  const std::optional<std::string>& input = std::nullopt) {
  args.insert(args.end(), {"--project", kP});
  return ctl(daemon, std::move(args), input);
}

CtlRun require_ok(const CtlRun& run) {
  INFO(run);
  REQUIRE(run.status == 0);
  return run;
}

// What `sh -c 'v=$(csmsctl ...); printf %s "$v"'` prints: the command substitution exactly as a script sees it.
std::string shell_substitution(const Daemon& daemon, const std::string& name) {
  const std::string command = "sh -c 'v=$(\"" + csmsctl_binary().string() + "\" --socket \"" +
                              daemon.socket_path().string() + "\" get " + name + " --project " + kP +
                              "); printf %s \"$v\"'";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

}  // namespace

TEST_CASE("csmsctl: every secret, version and stage command", "[integration][csmsctl]") {
  Daemon daemon(no_prune());
  const std::string name = unique_name("ctl-life");

  CHECK(require_ok(in_project(daemon, {"create", name, "--description", "first"}, "one")).out == "created " + name + "\n");
  const CtlRun shown = require_ok(in_project(daemon, {"show", name, "--json"}));
  const json::value secret = parse_json(shown);
  CHECK(get_string(secret.as_object(), "name") == name);
  CHECK(get_string(secret.as_object(), "description") == "first");
  CHECK(get_string(secret.as_object(), "state") == "ENABLED");
  CHECK(require_ok(in_project(daemon, {"show", name})).out.starts_with("name:         " + name + "\n"));

  const CtlRun listed = require_ok(in_project(daemon, {"list"}));
  CHECK(listed.out.starts_with("NAME "));
  CHECK(contains(listed.out, name));
  const json::value listed_json = parse_json(require_ok(in_project(daemon, {"list", "--json"})));
  REQUIRE(listed_json.is_array());
  CHECK(listed_json.as_array().size() == 1);

  CHECK(require_ok(in_project(daemon, {"get", name})).out == "one");
  const json::value version = parse_json(require_ok(in_project(daemon, {"get", name, "--json"})));
  CHECK(get_string(version.as_object(), "secret_string") == "one");
  CHECK(get_string(get_object(version.as_object(), "version_metadata"), "id") == "v1");

  // A second value from --value-file; it takes SYSCURRENT and v1 gets SYSPREVIOUS.
  const std::filesystem::path value_file = daemon.temp_dir() / "value";
  std::ofstream(value_file, std::ios::binary) << "two\n";
  CHECK(require_ok(in_project(daemon, {"version", "put", name, "--value-file", value_file.string()})).out == "v2\n");
  CHECK(require_ok(in_project(daemon, {"get", name})).out == "two\n");
  CHECK(require_ok(in_project(daemon, {"version", "get", name, "v1"})).out == "one");
  CHECK(require_ok(in_project(daemon, {"version", "get", name, "latest"})).out == "two\n");
  CHECK(require_ok(in_project(daemon, {"version", "get", name, "--stage", "SYSPREVIOUS"})).out == "one");
  CHECK(require_ok(in_project(daemon, {"get", name, "--version", "v1"})).out == "one");
  CHECK(require_ok(in_project(daemon, {"get", name, "--stage", "SYSPREVIOUS"})).out == "one");

  const CtlRun versions = require_ok(in_project(daemon, {"version", "list", name}));
  CHECK(versions.out.starts_with("VERSION "));
  CHECK(contains(versions.out, "SYSCURRENT"));
  CHECK(contains(versions.out, "SYSPREVIOUS"));
  const json::value versions_json = parse_json(require_ok(in_project(daemon, {"version", "list", name, "--json"})));
  REQUIRE(versions_json.is_array());
  CHECK(versions_json.as_array().size() == 2);

  // A version with its own stage leaves SYSCURRENT where it is.
  CHECK(require_ok(in_project(daemon, {"version", "put", name, "--stage", "canary"}, "three")).out == "v3\n");
  CHECK(require_ok(in_project(daemon, {"get", name})).out == "two\n");
  CHECK(require_ok(in_project(daemon, {"get", name, "--stage", "canary"})).out == "three");

  CHECK(require_ok(in_project(daemon, {"stage", "set", name, "blue", "v1"})).out == "v1\n");
  CHECK(require_ok(in_project(daemon, {"stage", "get", name, "blue"})).out == "v1\n");
  const json::value stage = parse_json(require_ok(in_project(daemon, {"stage", "set", name, "blue", "v3", "--json"})));
  CHECK(get_string(stage.as_object(), "version_id") == "v3");
  CHECK(require_ok(in_project(daemon, {"stage", "delete", name, "blue"})).out == "deleted stage blue\n");
  CHECK(in_project(daemon, {"stage", "get", name, "blue"}).status == 3);

  const std::int64_t expiry = (now_ms() / 1000 + 86400) * 1000;
  const json::value expired = parse_json(require_ok(
      in_project(daemon, {"version", "set-expiry", name, "v2", "--expire-time", std::to_string(expiry), "--json"})));
  CHECK(expired.as_object().at("expire_time").to_number<std::int64_t>() == expiry);

  CHECK(require_ok(in_project(daemon, {"update", name, "--description", "second"})).out == "updated " + name + "\n");
  CHECK(get_string(parse_json(require_ok(in_project(daemon, {"show", name, "--json"}))).as_object(), "description") ==
        "second");

  const json::value scheduled =
      parse_json(require_ok(in_project(daemon, {"schedule-delete", name, "--days", "7", "--json"})));
  CHECK(get_string(scheduled.as_object(), "state") == "PENDING_DELETE");
  CHECK(require_ok(in_project(daemon, {"restore", name})).out == "restored " + name + "\n");
  CHECK(require_ok(in_project(daemon, {"get", name})).out == "two\n");

  CHECK(require_ok(in_project(daemon, {"delete", name})).out == "deleted " + name + "\n");
  const CtlRun gone = in_project(daemon, {"get", name});
  INFO(gone);
  CHECK(gone.status == 3);
  CHECK(gone.out.empty());
  CHECK(gone.err.starts_with("csmsctl: 404 CSMS.0005: "));
}

TEST_CASE("csmsctl: $(csmsctl get NAME) gives a script the value", "[integration][csmsctl]") {
  Daemon daemon;
  const std::string name = unique_name("ctl-subst");
  const std::string value = "p@ss w0rd 'quoted' \"double\" $HOME `tick` \\ ünïcödé";
  require_ok(in_project(daemon, {"create", name}, value));
  CHECK(shell_substitution(daemon, name) == value);
  // The bare output adds nothing: a value with a trailing newline prints it, and $(...) strips it as usual.
  require_ok(in_project(daemon, {"version", "put", name}, value + "\n"));
  CHECK(require_ok(in_project(daemon, {"get", name})).out == value + "\n");
  CHECK(shell_substitution(daemon, name) == value);
}

TEST_CASE("csmsctl: a binary value goes in and out unchanged with --binary", "[integration][csmsctl]") {
  Daemon daemon;
  const std::string name = unique_name("ctl-binary");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  bytes += bytes;  // every byte value, twice, so the base64 tail is exercised too
  bytes.pop_back();
  require_ok(in_project(daemon, {"create", name, "--binary"}, bytes));
  const CtlRun out = require_ok(in_project(daemon, {"get", name, "--binary"}));
  CHECK(out.out.size() == bytes.size());
  CHECK(out.out == bytes);
  // Without --binary the stored base64 text is printed; --json shows it as secret_binary.
  const json::value version = parse_json(require_ok(in_project(daemon, {"get", name, "--json"})));
  CHECK(get_string(version.as_object(), "secret_binary") == require_ok(in_project(daemon, {"get", name})).out);

  const std::filesystem::path file = daemon.temp_dir() / "blob";
  std::ofstream(file, std::ios::binary) << bytes.substr(0, 255);
  require_ok(in_project(daemon, {"version", "put", name, "--binary", "--value-file", file.string()}));
  CHECK(require_ok(in_project(daemon, {"version", "get", name, "latest", "--binary"})).out == bytes.substr(0, 255));
}

TEST_CASE("csmsctl: the project comes from --project, CSMSD_PROJECT or a one-project credential",
          "[integration][csmsctl]") {
  Daemon daemon;
  const std::string name = unique_name("ctl-project");
  // The Unix socket covers every project, so csmsctl cannot guess one: a usage error before any change.
  const CtlRun guess = ctl(daemon, {"create", name}, "v");
  INFO(guess);
  CHECK(guess.status == 2);
  CHECK(contains(guess.err, "--project"));

  const CtlRun from_env = run_ctl({"--socket", daemon.socket_path().string(), "create", name},
                                  {{"CSMSD_PROJECT", kP}}, std::chrono::seconds(60), std::string("v"));
  INFO(from_env);
  CHECK(from_env.status == 0);
  CHECK(require_ok(in_project(daemon, {"get", name})).out == "v");

  // A token of one project needs no --project.
  const std::string token = daemon.create_token("reader", {kP});
  const std::string url = "http://127.0.0.1:" + std::to_string(*daemon.process().tcp_port());
  const CtlRun by_token = run_ctl({"--url", url, "--token", token, "get", name});
  INFO(by_token);
  CHECK(by_token.status == 0);
  CHECK(by_token.out == "v");
}

TEST_CASE("csmsctl: requests signed with an access key", "[integration][csmsctl]") {
  Daemon daemon;
  const std::string name = unique_name("ctl-aksk");
  const auto key = daemon.create_access_key("writer", {kP});
  const std::string url = "http://127.0.0.1:" + std::to_string(*daemon.process().tcp_port());
  const std::filesystem::path sk_file = daemon.temp_dir() / "sk";
  std::ofstream(sk_file) << key.secret_key << "\n";

  const CtlRun created = run_ctl({"--url", url, "--access-key", key.access_key, "--secret-key-file", sk_file.string(),
                                  "create", name},
                                 {}, std::chrono::seconds(60), std::string("signed value"));
  INFO(created);
  CHECK(created.status == 0);
  const CtlRun read = run_ctl({"--url", url, "get", name},
                              {{"CSMSD_ACCESS_KEY", key.access_key}, {"CSMSD_SECRET_KEY", key.secret_key}});
  INFO(read);
  CHECK(read.status == 0);
  CHECK(read.out == "signed value");

  // A wrong secret key does not verify: 401, exit 4.
  const CtlRun wrong = run_ctl({"--url", url, "get", name},
                               {{"CSMSD_ACCESS_KEY", key.access_key}, {"CSMSD_SECRET_KEY", key.secret_key + "x"}});
  INFO(wrong);
  CHECK(wrong.status == 4);
  CHECK(wrong.err.starts_with("csmsctl: 401 CSMS.0301: "));
}

TEST_CASE("csmsctl: each kind of failure has its own exit status", "[integration][csmsctl]") {
  Daemon daemon;
  const std::string name = unique_name("ctl-exit");
  require_ok(in_project(daemon, {"create", name}, "v"));
  const auto expect = [](const CtlRun& run, int status, std::string_view error_start) {
    INFO(run);
    CHECK(run.status == status);
    CHECK(run.out.empty());
    CHECK(run.err.starts_with(error_start));
  };
  // 3: not found.
  expect(in_project(daemon, {"get", "no-such-secret"}), 3, "csmsctl: 404 CSMS.0005: ");
  expect(in_project(daemon, {"version", "get", name, "v9"}), 3, "csmsctl: 404 CSMS.0005: ");
  // 2: the daemon refuses the input (400), or csmsctl refuses the command line.
  expect(in_project(daemon, {"create", "bad.name"}, "v"), 2, "csmsctl: 400 CSMS.");
  expect(in_project(daemon, {"schedule-delete", name, "--days", "3"}), 2, "csmsctl: 400 CSMS.");
  expect(in_project(daemon, {"get", name, "--version", "v1", "--stage", "SYSCURRENT"}), 2, "csmsctl: get: ");
  expect(in_project(daemon, {"create", name, "--value", "on-the-command-line"}), 2, "csmsctl: create: unknown option");
  // 4: denied (a reader cannot write; no credential over TCP).
  const std::string url = "http://127.0.0.1:" + std::to_string(*daemon.process().tcp_port());
  const std::string reader = daemon.create_token("reader", {kP});
  expect(run_ctl({"--url", url, "--token", reader, "create", unique_name("ctl-denied")}, {}, std::chrono::seconds(60),
                 std::string("v")),
         4, "csmsctl: 403 CSMS.0302: ");
  expect(run_ctl({"--url", url, "get", name, "--project", kP}), 4, "csmsctl: 401 CSMS.0301: ");
  // 1: anything else, e.g. a name that is taken (409).
  expect(in_project(daemon, {"create", name}, "again"), 1, "csmsctl: 409 CSMS.0101: ");
  // 5: nobody listens.
  expect(run_ctl({"--socket", (daemon.temp_dir() / "absent.sock").string(), "get", name, "--project", kP}), 5,
         "csmsctl: cannot reach csmsd at unix:");
}

TEST_CASE("csmsctl: export and import round trip a project's current values", "[integration][csmsctl]") {
  Daemon daemon;
  const std::vector<std::pair<std::string, std::string>> texts = {
      {unique_name("ctl-exp"), "plain"},
      {unique_name("ctl-exp"), "it's 'quoted'\nand two lines\n"},
      {unique_name("ctl-exp"), ""},
  };
  for (const auto& [name, value] : texts) {
    require_ok(in_project(daemon, {"create", name, "--description", "about " + name}, value));
  }
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  const std::string binary_name = unique_name("ctl-exp-bin");
  require_ok(in_project(daemon, {"create", binary_name, "--binary"}, bytes));

  // Plaintext only on request.
  const CtlRun refused = in_project(daemon, {"export"});
  INFO(refused);
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "--plaintext"));
  // env cannot carry a binary value.
  CHECK(in_project(daemon, {"export", "--format", "env", "--plaintext"}).status == 2);

  const std::filesystem::path file = daemon.temp_dir() / "export.json";
  require_ok(in_project(daemon, {"export", "--plaintext", "--output", file.string()}));
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  // --output never overwrites.
  CHECK(in_project(daemon, {"export", "--plaintext", "--output", file.string()}).status == 2);

  const std::string other(kOtherProject);
  const CtlRun imported =
      require_ok(ctl(daemon, {"import", "--plaintext", file.string(), "--project", other}));
  CHECK(contains(imported.out, "created " + binary_name + "\n"));
  for (const auto& [name, value] : texts) {
    CHECK(require_ok(ctl(daemon, {"get", name, "--project", other})).out == value);
  }
  CHECK(require_ok(ctl(daemon, {"get", binary_name, "--binary", "--project", other})).out == bytes);
  const json::value described = parse_json(require_ok(ctl(daemon, {"show", texts[0].first, "--json", "--project", other})));
  CHECK(get_string(described.as_object(), "description") == "about " + texts[0].first);

  // env: text values only, in sh quoting; importing again adds a version to an existing secret.
  require_ok(in_project(daemon, {"delete", binary_name}));
  const CtlRun env = require_ok(in_project(daemon, {"export", "--format", "env", "--plaintext"}));
  CHECK(contains(env.out, texts[0].first + "='plain'\n"));
  CHECK(contains(env.out, texts[1].first + "='it'\\''s '\\''quoted'\\''\nand two lines\n'\n"));
  require_ok(ctl(daemon, {"version", "put", texts[0].first, "--project", other}, "changed"));
  const CtlRun env_import =
      require_ok(ctl(daemon, {"import", "--format", "env", "--plaintext", "--project", other}, env.out));
  CHECK(contains(env_import.out, "updated " + texts[0].first + "\n"));
  for (const auto& [name, value] : texts) {
    CHECK(require_ok(ctl(daemon, {"get", name, "--project", other})).out == value);
  }
}
