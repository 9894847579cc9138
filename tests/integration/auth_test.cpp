// auth_test.cpp: every request is authenticated and authorized (docs/auth.md): TCP callers need a valid signature
// or token, roles and projects limit them, revocation is immediate, Unix peers are recognised by uid.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.hpp"
#include "sdk_signer.hpp"

using namespace csms_it;

namespace {

const std::string kOwn(kProject);
const std::string kOther(kOtherProject);

HttpClient signed_client(const Daemon& daemon, const csms_test::AccessKey& key, std::chrono::seconds offset = {}) {
  auto client = daemon.anonymous_tcp_client();
  client.set_signer(csms_test::sdk_signer(key, offset));
  return client;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Sends one GET (or POST with a body) over the Unix socket from a child process running as `uid`, and returns the
// HTTP status line's code, or -1 when the child could not connect.
int status_as_uid(const std::filesystem::path& socket_path, uid_t uid, const std::string& method, const std::string& target,
                  const std::string& body = "") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    int code = -1;
    if (::setgid(uid) == 0 && ::setuid(uid) == 0) {
      const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
      if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        const std::string request = method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                                    "Content-Type: application/json\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n" + body;
        (void)!::write(fd, request.data(), request.size());
        char reply[64] = {};
        if (::read(fd, reply, sizeof reply - 1) > 12) code = std::atoi(reply + 9);
      }
    }
    (void)!::write(pipe_fds[1], &code, sizeof code);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  int code = -1;
  (void)!::read(pipe_fds[0], &code, sizeof code);
  ::close(pipe_fds[0]);
  int ignored = 0;
  ::waitpid(child, &ignored, 0);
  return code;
}

}  // namespace

TEST_CASE("an unsigned or wrongly signed TCP request gets 401 CSMS.0301", "[integration][auth]") {
  Daemon daemon;
  auto anonymous = daemon.anonymous_tcp_client();
  CHECK_CSMS_ERROR(anonymous.get(secrets_url()), 401, "CSMS.0301");
  CHECK_CSMS_ERROR(anonymous.post(secrets_url(), R"({"name":"x","secret_string":"y"})"), 401, "CSMS.0301");
  // Authentication comes before routing: an unknown path tells an anonymous caller nothing.
  CHECK_CSMS_ERROR(anonymous.get("/v1/nothing/here"), 401, "CSMS.0301");

  auto key = daemon.create_access_key("writer", {kOwn});
  auto good = signed_client(daemon, key);
  REQUIRE_STATUS(good.get(secrets_url()), 200);

  auto wrong_sk = signed_client(daemon, {key.access_key, key.secret_key + "x"});
  CHECK_CSMS_ERROR(wrong_sk.get(secrets_url()), 401, "CSMS.0301");
  auto unknown_ak = signed_client(daemon, {"CSMSAAAAAAAAAAAAAAAA", key.secret_key});
  CHECK_CSMS_ERROR(unknown_ak.get(secrets_url()), 401, "CSMS.0301");
  auto stale = signed_client(daemon, key, std::chrono::minutes(-16));
  CHECK_CSMS_ERROR(stale.get(secrets_url()), 401, "CSMS.0301");
  auto early = signed_client(daemon, key, std::chrono::minutes(16));
  CHECK_CSMS_ERROR(early.get(secrets_url()), 401, "CSMS.0301");
  auto slightly_off = signed_client(daemon, key, std::chrono::minutes(14));
  CHECK_STATUS(slightly_off.get(secrets_url()), 200);

  // A signature made for one project's X-Project-Id does not serve another project's path.
  CHECK_CSMS_ERROR(good.request("GET", secrets_url(), std::nullopt, {{"X-Project-Id", kOther}}), 401, "CSMS.0301");
  // A garbage Authorization header is a 401, not a crash or a 400.
  CHECK_CSMS_ERROR(anonymous.request("GET", secrets_url(), std::nullopt, {{"Authorization", "SDK-HMAC-SHA256 junk"}}),
                   401, "CSMS.0301");
  CHECK_CSMS_ERROR(anonymous.request("GET", secrets_url(), std::nullopt, {{"X-Auth-Token", "csmst_not-a-token"}}), 401,
                   "CSMS.0301");
}

TEST_CASE("a reader's write gets 403 and another project's key sees nothing of this project", "[integration][auth]") {
  Daemon daemon;
  auto admin = daemon.client();
  const std::string name = unique_name("guarded");
  create_secret(admin, name, "the-guarded-value");

  auto reader = signed_client(daemon, daemon.create_access_key("reader", {kOwn}));
  CHECK(get_version(reader, name, "latest").at("secret_string") == json::value("the-guarded-value"));
  CHECK_CSMS_ERROR(reader.post(secrets_url(), R"({"name":"new-one","secret_string":"v"})"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(reader.post(versions_url(name), R"({"secret_string":"v2"})"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(reader.put(stage_url(name, "X"), R"({"version_id":"v1"})"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(reader.del(secret_url(name)), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(reader.get("/v1/csmsd/credentials"), 403, "CSMS.0302");

  auto stranger = signed_client(daemon, daemon.create_access_key("admin", {kOther}));
  CHECK_CSMS_ERROR(stranger.get(secrets_url()), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(stranger.get(secret_url(name)), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(stranger.get(version_url(name, "latest")), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(stranger.del(secret_url(name)), 403, "CSMS.0302");
  const auto mine = stranger.get(secrets_url(kOther));
  REQUIRE_STATUS(mine, 200);
  CHECK(get_array(body_object(mine), "secrets").empty());
  // Its admin role does not reach credentials of this project, nor the vault's master key.
  const auto listed = stranger.get("/v1/csmsd/credentials");
  REQUIRE_STATUS(listed, 200);
  for (const auto& credential : get_array(body_object(listed), "credentials")) {
    CHECK(strings_of(credential.as_object().at("projects").as_array()) == std::vector<std::string>{kOther});
  }
  CHECK_CSMS_ERROR(stranger.post("/v1/csmsd/credentials", R"({"type":"token","role":"admin","projects":["*"]})"), 403,
                   "CSMS.0302");
  CHECK_CSMS_ERROR(stranger.get("/v1/csmsd/master-key"), 403, "CSMS.0302");
  CHECK(get_version(admin, name, "latest").at("secret_string") == json::value("the-guarded-value"));
}

TEST_CASE("tokens work through X-Auth-Token and revocation takes effect on the next request", "[integration][auth]") {
  Daemon daemon;
  const auto credential = daemon.create_credential("token", "writer", {kOwn});
  const std::string token(credential.at("token").as_string());
  const std::string id(credential.at("id").as_string());
  auto client = daemon.anonymous_tcp_client();
  const csms_test::HeaderList with_token{{"X-Auth-Token", token}};
  REQUIRE_STATUS(client.request("POST", secrets_url(), R"({"name":"by-token","secret_string":"v"})", with_token), 200);
  REQUIRE(client.connected());

  auto admin = daemon.client();
  REQUIRE_STATUS(admin.del("/v1/csmsd/credentials/" + id), 204);
  // Same kept-alive connection, very next request.
  CHECK_CSMS_ERROR(client.request("GET", secrets_url(), std::nullopt, with_token), 401, "CSMS.0301");
  CHECK_CSMS_ERROR(admin.del("/v1/csmsd/credentials/" + id), 404, "CSMS.0005");

  const auto key = daemon.create_access_key("writer", {kOwn});
  auto signer = signed_client(daemon, key);
  REQUIRE_STATUS(signer.get(secrets_url()), 200);
  const auto listed = body_object(admin.get("/v1/csmsd/credentials"));
  std::string key_id;
  for (const auto& entry : get_array(listed, "credentials")) {
    const auto& object = entry.as_object();
    CHECK_FALSE(object.contains("secret_key"));
    CHECK_FALSE(object.contains("token"));
    if (object.at("access_key") == json::value(key.access_key)) key_id = std::string(object.at("id").as_string());
  }
  REQUIRE_FALSE(key_id.empty());
  REQUIRE_STATUS(admin.del("/v1/csmsd/credentials/" + key_id), 204);
  CHECK_CSMS_ERROR(signer.get(secrets_url()), 401, "CSMS.0301");
}

TEST_CASE("credentials survive a restart and secret keys are not stored in plaintext", "[integration][auth]") {
  Daemon daemon;
  const auto key = daemon.create_access_key("writer", {kOwn});
  const std::string token = daemon.create_token("reader", {kOwn});
  daemon.restart();
  auto client = signed_client(daemon, key);
  REQUIRE_STATUS(client.get(secrets_url()), 200);
  auto by_token = daemon.anonymous_tcp_client();
  CHECK_STATUS(by_token.request("GET", secrets_url(), std::nullopt, {{"X-Auth-Token", token}}), 200);
  daemon.stop();
  for (const auto& entry : std::filesystem::directory_iterator(daemon.data_dir())) {
    const std::string bytes = read_file(entry.path());
    INFO(entry.path());
    CHECK(bytes.find(key.secret_key) == std::string::npos);
    CHECK(bytes.find(token) == std::string::npos);
  }
}

TEST_CASE("the daemon's own user needs no key on the Unix socket, another uid is refused unless configured",
          "[integration][auth]") {
  if (::getuid() != 0) {
    WARN("not root: cannot connect as another uid here; the own-user half still runs");
  }
  const uid_t nobody = 65534;
  csms_test::TestDaemonOptions options;
  options.extra_args = {"--socket-mode", "0666", "--peer", "uid:" + std::to_string(nobody + 1) + "=writer"};
  options.start = false;
  Daemon daemon(options);
  // The temp directory is private; others must be able to reach the socket inside it.
  ::chmod(daemon.temp_dir().path().c_str(), 0711);
  daemon.start();
  auto own = daemon.client();
  REQUIRE_STATUS(own.get(secrets_url()), 200);
  REQUIRE_STATUS(own.get("/v1/csmsd/master-key"), 200);
  if (::getuid() != 0) return;
  CHECK(status_as_uid(daemon.socket_path(), nobody, "GET", secrets_url()) == 401);
  daemon.stop();

  options.extra_args = {"--socket-mode", "0666", "--peer", "uid:" + std::to_string(nobody) + "=reader:" + kOwn};
  options.start = true;
  Daemon configured(options);
  ::chmod(configured.temp_dir().path().c_str(), 0711);
  configured.restart();
  CHECK(status_as_uid(configured.socket_path(), nobody, "GET", secrets_url()) == 200);
  CHECK(status_as_uid(configured.socket_path(), nobody, "GET", secrets_url(kOther)) == 403);
  CHECK(status_as_uid(configured.socket_path(), nobody, "POST", secrets_url(), R"({"name":"n","secret_string":"v"})") ==
        403);
}

TEST_CASE("the audit log has one line per request and no secret value, key or token", "[integration][auth]") {
  Daemon daemon;
  auto admin = daemon.client();
  const auto key = daemon.create_access_key("writer", {kOwn});
  const std::string token = daemon.create_token("reader", {kOwn});
  auto client = signed_client(daemon, key);
  const std::string name = unique_name("audited");
  create_secret(client, name, "audited-secret-value-1");
  create_version(client, name, "audited-secret-value-2");
  put_stage(client, name, "AUDITSTAGE", "v1");
  get_version(client, name, "v2");
  auto by_token = daemon.anonymous_tcp_client();
  CHECK_STATUS(by_token.request("GET", secret_url(name), std::nullopt, {{"X-Auth-Token", token}}), 200);
  CHECK_CSMS_ERROR(daemon.anonymous_tcp_client().get(secrets_url()), 401, "CSMS.0301");
  CHECK_CSMS_ERROR(client.del(secret_url(name, kOther)), 403, "CSMS.0302");
  daemon.stop();

  const std::string text = read_file(daemon.data_dir() / "audit.log");
  std::vector<json::object> records;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line).as_object());
  // 2 credential creations + 4 signed calls + 1 token call + 1 anonymous + 1 forbidden.
  REQUIRE(records.size() == 9);
  CHECK(records[0].at("operation") == json::value("CreateCredential"));
  CHECK(records[0].at("caller_kind") == json::value("unix_peer"));
  CHECK(records[2].at("operation") == json::value("CreateSecret"));
  CHECK(records[2].at("caller_kind") == json::value("access_key"));
  CHECK(records[2].at("caller_id") == json::value(key.access_key));
  CHECK(records[2].at("secret_name") == json::value(name));
  CHECK(records[2].at("status") == json::value(200));
  CHECK(records[3].at("version_id") == json::value("v2"));
  CHECK(records[4].at("stage_name") == json::value("AUDITSTAGE"));
  CHECK(records[6].at("caller_kind") == json::value("token"));
  CHECK(records[7].at("caller_kind") == json::value("anonymous"));
  CHECK(records[7].at("error_code") == json::value("CSMS.0301"));
  CHECK(records[8].at("error_code") == json::value("CSMS.0302"));
  for (const auto& record : records) {
    CHECK(record.contains("time"));
    CHECK(record.contains("request_id"));
  }
  CHECK(text.find("audited-secret-value") == std::string::npos);
  CHECK(text.find(key.secret_key) == std::string::npos);
  CHECK(text.find(token) == std::string::npos);
}

TEST_CASE("SIGHUP reopens the audit log after logrotate moved it", "[integration][auth]") {
  Daemon daemon;
  auto admin = daemon.client();
  REQUIRE_STATUS(admin.get(secrets_url()), 200);
  std::filesystem::rename(daemon.data_dir() / "audit.log", daemon.data_dir() / "audit.log.1");
  daemon.process().send_signal(SIGHUP);
  REQUIRE(poll_until([&] { return std::filesystem::exists(daemon.data_dir() / "audit.log"); }, std::chrono::seconds(5)));
  REQUIRE_STATUS(admin.get(secret_url("absent-after-rotate")), 404);
  daemon.stop();
  CHECK(read_file(daemon.data_dir() / "audit.log.1").find("\"ListSecrets\"") != std::string::npos);
  CHECK(read_file(daemon.data_dir() / "audit.log").find("\"ShowSecret\"") != std::string::npos);
}

TEST_CASE("master key rotation completes while requests are served and every value stays readable",
          "[integration][auth][rotation]") {
  auto options = no_prune();
  // Small batches stretch the rotation over many transactions, so requests land between them.
  options.extra_args.insert(options.extra_args.end(), {"--reseal-batch-rows", "2"});
  Daemon daemon(options);
  auto client = daemon.client();
  std::vector<std::pair<std::string, std::string>> values;
  for (int i = 0; i < 60; ++i) {
    const std::string name = unique_name("rotated");
    create_secret(client, name, "value-" + std::to_string(i) + "-a");
    create_version(client, name, "value-" + std::to_string(i) + "-b");
    values.emplace_back(name, "value-" + std::to_string(i) + "-b");
  }
  const auto key = daemon.create_access_key("writer", {kOwn});
  const auto before = body_object(client.get("/v1/csmsd/master-key"));
  CHECK(get_object(before, "master_key").at("current_key_id") == json::value(1));

  const auto rotated = client.post("/v1/csmsd/master-key/rotate");
  REQUIRE_STATUS(rotated, 202);
  CHECK(get_object(body_object(rotated), "master_key").at("current_key_id") == json::value(2));
  // Requests keep being served, and keep returning the right values, while rows move to the new key.
  auto reader = signed_client(daemon, key);
  std::size_t served_during = 0;
  bool finished = false;
  for (int round = 0; round < 400 && !finished; ++round) {
    const auto& [name, value] = values[static_cast<std::size_t>(round) % values.size()];
    CHECK(get_version(reader, name, "latest").at("secret_string") == json::value(value));
    create_version(reader, name, value);
    const auto status = get_object(body_object(client.get("/v1/csmsd/master-key")), "master_key");
    finished = get_object(status, "rotation").at("state") == json::value("idle");
    // "running" with 0 rows left is the last step: the old key is retired by the next batch.
    if (!finished && get_object(status, "rotation").at("remaining_rows").as_int64() > 0) ++served_during;
  }
  REQUIRE(poll_until(
      [&] {
        const auto status = get_object(body_object(client.get("/v1/csmsd/master-key")), "master_key");
        return get_object(status, "rotation").at("state") == json::value("idle");
      },
      std::chrono::seconds(30)));
  CHECK(served_during > 0);
  const auto after = get_object(body_object(client.get("/v1/csmsd/master-key")), "master_key");
  CHECK(after.at("current_key_id") == json::value(2));
  const auto keys = get_array(after, "keys");
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].as_object().at("key_id") == json::value(2));
  for (const auto& [name, value] : values) {
    CHECK(get_version(client, name, "latest").at("secret_string") == json::value(value));
    CHECK(get_version(client, name, "v1").at("secret_string").as_string().starts_with("value-"));
  }
  // The access key's secret key was re-sealed too, and everything survives a restart on the new key.
  daemon.restart();
  auto again = signed_client(daemon, key);
  for (const auto& [name, value] : values) {
    CHECK(get_version(again, name, "latest").at("secret_string") == json::value(value));
  }
}

TEST_CASE("a wrong master key stops the daemon with a clear message", "[integration][auth]") {
  csms_test::TestDaemonOptions options;
  Daemon daemon(options);
  auto client = daemon.client();
  create_secret(client, "sealed", "v");
  daemon.stop();
  // Another vault's key file in place of this one's.
  {
    csms_test::TestDaemonOptions other_options;
    Daemon other(other_options);
    other.stop();
    std::filesystem::copy_file(other.data_dir() / "master.key", daemon.data_dir() / "master.key",
                               std::filesystem::copy_options::overwrite_existing);
  }
  CHECK_FALSE(daemon.process().try_start());
  CHECK(daemon.process().exit_status() == std::optional<int>(1));
  CHECK(daemon.log().find("the master key does not open this vault") != std::string::npos);
}

TEST_CASE("an explicit --peer rule for the daemon's own uid narrows it instead of being shadowed by the default",
          "[integration][auth]") {
  csms_test::TestDaemonOptions options;
  options.extra_args = {"--peer", "uid:" + std::to_string(::getuid()) + "=reader:" + kOwn};
  Daemon daemon(options);
  auto own = daemon.client();
  CHECK_STATUS(own.get(secrets_url()), 200);
  CHECK_CSMS_ERROR(own.post(secrets_url(), R"({"name":"n","secret_string":"v"})"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(own.get(secrets_url(kOther)), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(own.get("/v1/csmsd/master-key"), 403, "CSMS.0302");
}

TEST_CASE("requests refused before routing are audited too, and a repeated query key is refused",
          "[integration][auth]") {
  Daemon daemon;
  auto client = daemon.client();
  // 431: the header block alone is over the limit.
  const auto oversized = client.request("GET", secrets_url(), std::nullopt, {{"X-Padding", std::string(20000, 'a')}});
  CHECK(oversized.status == 431);
  client = daemon.client();
  // The signature covers the sorted query but a handler reads the first value: a repeated key is not served.
  CHECK_CSMS_ERROR(client.get(secrets_url() + "?limit=1&limit=2"), 400, "CSMS.0002");
  daemon.stop();
  const std::string text = read_file(daemon.data_dir() / "audit.log");
  CHECK(text.find("\"status\":431") != std::string::npos);
  CHECK(text.find("\"operation\":\"ListSecrets\",\"project_id\":\"" + kOwn + "\",\"status\":400") != std::string::npos);
}

TEST_CASE("a passphrase vault starts from a passphrase on a descriptor and refuses a wrong one",
          "[integration][auth][master_key]") {
  csms_test::TestDaemonOptions options;
  options.extra_args = {"--master-key", "passphrase-fd:0"};
  options.start = false;
  Daemon daemon(options);
  const auto write_passphrase = [&](const std::string& text) {
    const auto file = daemon.temp_dir() / "passphrase";
    std::ofstream(file, std::ios::trunc) << text << "\n";
    daemon.process().set_stdin_file(file);
  };
  write_passphrase("correct horse battery staple");
  daemon.start();
  auto client = daemon.client();
  create_secret(client, "behind-a-passphrase", "passphrase-protected");
  CHECK(get_object(body_object(client.get("/v1/csmsd/master-key")), "master_key").at("source") ==
        json::value("passphrase"));
  daemon.stop();
  CHECK_FALSE(std::filesystem::exists(daemon.data_dir() / "master.key"));

  write_passphrase("wrong horse");
  CHECK_FALSE(daemon.process().try_start());
  CHECK(daemon.process().exit_status() == std::optional<int>(1));
  CHECK(daemon.log().find("the master key does not open this vault") != std::string::npos);

  write_passphrase("correct horse battery staple");
  daemon.start();
  auto again = daemon.client();
  CHECK(get_version(again, "behind-a-passphrase", "latest").at("secret_string") == json::value("passphrase-protected"));
}

TEST_CASE("the master key can come from a systemd credential", "[integration][auth][master_key]") {
  csms_test::TestDaemonOptions options;
  options.start = false;
  Daemon daemon(options);
  // First start on a key file, then move the key into a credential directory as systemd would provide it.
  daemon.start();
  auto client = daemon.client();
  create_secret(client, "moved-key", "still-readable");
  daemon.stop();
  const auto credentials = daemon.temp_dir() / "credentials";
  std::filesystem::create_directories(credentials);
  std::filesystem::rename(daemon.data_dir() / "master.key", credentials / "csmsd-master-key");
  daemon.process().args().insert(daemon.process().args().end(), {"--master-key", "credential"});
  CHECK_FALSE(daemon.process().try_start());  // $CREDENTIALS_DIRECTORY is not set yet
  CHECK(daemon.log().find("CREDENTIALS_DIRECTORY") != std::string::npos);
  ::setenv("CREDENTIALS_DIRECTORY", credentials.c_str(), 1);
  daemon.start();
  ::unsetenv("CREDENTIALS_DIRECTORY");
  auto again = daemon.client();
  CHECK(get_version(again, "moved-key", "latest").at("secret_string") == json::value("still-readable"));
  CHECK(get_object(body_object(again.get("/v1/csmsd/master-key")), "master_key").at("source") ==
        json::value("systemd-credential"));
}
