// transport_test.cpp: Unix socket and TCP listeners, keep-alive, limits, malformed and stalled clients.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness.hpp"
#include "raw_connection.hpp"

using namespace csms_it;
using csms_test::RawConnection;

namespace {

// The core lifecycle over one client: create, version, stage, read, delete.
void run_lifecycle(HttpClient& client, const std::string& name) {
  create_secret(client, name, "first");
  create_version(client, name, "second");
  put_stage(client, name, "blue", "v1");
  CHECK(get_version(client, name, "latest").at("secret_string") == json::value("second"));
  CHECK(stage_holder(client, name, "blue") == std::optional<std::string>("v1"));
  CHECK(stage_owners(client, name).size() == 3);
  REQUIRE_STATUS(client.del(stage_url(name, "blue")), 204);
  REQUIRE_STATUS(client.del(secret_url(name)), 200);
  CHECK_CSMS_ERROR(client.get(secret_url(name)), 404, "CSMS.0005");
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// Contract: `--listen` repeatable; "Once listening, it prints ... csmsd: listening on unix:/abs/path.sock and
// csmsd: listening on tcp:127.0.0.1:43567 (actual port)".
TEST_CASE("the same lifecycle works over the Unix socket and over TCP", "[integration][transport]") {
  Daemon daemon;
  REQUIRE(daemon.process().unix_socket().has_value());
  CHECK(*daemon.process().unix_socket() == daemon.socket_path());
  REQUIRE(daemon.process().tcp_port().has_value());
  CHECK(*daemon.process().tcp_host() == "127.0.0.1");
  CHECK(*daemon.process().tcp_port() != 0);

  SECTION("unix socket") {
    auto client = daemon.client();
    run_lifecycle(client, unique_name("over-unix"));
  }
  SECTION("tcp") {
    auto client = daemon.tcp_client();
    run_lifecycle(client, unique_name("over-tcp"));
  }
  SECTION("both see the same store") {
    auto unix_client = daemon.client();
    auto tcp_client = daemon.tcp_client();
    const std::string name = unique_name("both");
    create_secret(unix_client, name, "shared");
    CHECK(get_version(tcp_client, name, "v1").at("secret_string") == json::value("shared"));
  }
}

// HTTP/1.1 keep-alive: several requests on one connection.
TEST_CASE("several requests share one kept-alive connection", "[integration][transport]") {
  Daemon daemon;
  auto run = [&](HttpClient client) {
    const std::string name = unique_name("keepalive");
    create_secret(client, name, "v");
    for (int i = 0; i < 10; ++i) {
      const HttpResponse r = client.get(secret_url(name));
      REQUIRE_STATUS(r, 200);
      CHECK(r.keep_alive);
    }
    // Error responses keep the connection too.
    CHECK_CSMS_ERROR(client.get(secret_url(unique_name("absent"))), 404, "CSMS.0005");
    REQUIRE_STATUS(client.del(secret_url(name)), 200);
    REQUIRE_STATUS(client.get(secrets_url()), 200);
    CHECK(client.connections_opened() == 1);
  };
  SECTION("unix") { run(daemon.client()); }
  SECTION("tcp") { run(daemon.tcp_client()); }
}

// api-decisions: "Every response carries X-Request-Id (32 lowercase hex characters)"
TEST_CASE("every response carries a distinct X-Request-Id", "[integration][transport]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("rid");
  std::set<std::string> ids;
  const std::vector<HttpResponse> responses = {
      client.post_json(secrets_url(), json::object{{"name", name}, {"secret_string", "v"}}),
      client.get(secret_url(name)),
      client.get(secret_url(unique_name("absent"))),
      client.get("/v1/no/such/path/at/all"),
      client.post(secrets_url(), std::string("{")),
      client.del(secret_url(name)),
  };
  for (const auto& r : responses) {
    check_request_id(r);
    if (auto id = r.header("X-Request-Id")) ids.insert(*id);
  }
  CHECK(ids.size() == responses.size());
}

// api-decisions: "unknown path, or a method the path does not serve → 400 CSMS.0003"
TEST_CASE("unknown paths and unserved methods are 400 CSMS.0003", "[integration][transport][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("paths");
  create_secret(client, name, "v");
  CHECK_CSMS_ERROR(client.get("/v2/" + std::string(kProject) + "/secrets"), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.get("/v1/" + std::string(kProject) + "/nothing-here"), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.get(secret_url(name) + "/unknown"), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.get(version_url(name, "v1") + "/extra"), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.request("PATCH", secret_url(name), std::string("{}")), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.del(secrets_url()), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.get(schedule_delete_url(name)), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.put_json(stages_url(name), json::object{{"name", "x"}, {"version_id", "v1"}}), 400, "CSMS.0003");
}

// Contract: "The Unix socket is created with mode 0600".
TEST_CASE("the unix socket has mode 0600", "[integration][transport]") {
  Daemon daemon;
  struct stat st {};
  REQUIRE(::lstat(daemon.socket_path().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
}

// Contract: "the daemon refuses to start (exit 1) if the --listen unix path exists and is not a socket (it must
// not delete it)".
TEST_CASE("a regular file at the socket path is kept and startup fails with exit 1", "[integration][transport][startup]") {
  csms_test::TestDaemonOptions options;
  options.start = false;
  Daemon daemon(options);
  {
    std::ofstream out(daemon.socket_path(), std::ios::binary);
    out << "precious data, not a socket";
  }
  const bool ready = daemon.process().try_start();
  CHECK_FALSE(ready);
  if (ready) return;
  CHECK(daemon.process().exit_status() == std::optional<int>(1));
  struct stat st {};
  REQUIRE(::lstat(daemon.socket_path().c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(read_file(daemon.socket_path()) == "precious data, not a socket");
  CHECK(daemon.log().find("csmsd: ready") == std::string::npos);
  CHECK(daemon.process().stdout_text().find("csmsd: ready") == std::string::npos);
}

// Contract: "a stale socket file is replaced."
TEST_CASE("a stale socket file at the socket path is replaced", "[integration][transport][startup]") {
  csms_test::TestDaemonOptions options;
  options.start = false;
  Daemon daemon(options);
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, daemon.socket_path().c_str(), sizeof(addr.sun_path) - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    ::close(fd);  // leaves the socket file behind with nobody listening
  }
  daemon.start();
  auto client = daemon.client();
  create_secret(client, unique_name("after-stale"), "v");
  struct stat st {};
  REQUIRE(::lstat(daemon.socket_path().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
}

// Contract: "header block > 16 KiB → 431 ... with a CSMS error body {"error_code":"CSMS.0003","error_msg":...}".
TEST_CASE("a header block over 16 KiB is 431 CSMS.0003", "[integration][transport][limits]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("headers");
  create_secret(client, name, "v");

  // Well under the limit: served.
  REQUIRE_STATUS(client.request("GET", secret_url(name), std::nullopt, {{"X-Filler", std::string(8 * 1024, 'a')}}), 200);

  auto big = daemon.client();
  const HttpResponse r = big.request("GET", secret_url(name), std::nullopt, {{"X-Filler", std::string(20 * 1024, 'a')}});
  CHECK_CSMS_ERROR(r, 431, "CSMS.0003");
  // Many small headers adding up over the limit count too.
  csms_test::HeaderList many;
  for (int i = 0; i < 40; ++i) many.emplace_back("X-Filler-" + std::to_string(i), std::string(500, 'b'));
  auto many_client = daemon.client();
  CHECK_CSMS_ERROR(many_client.request("GET", secret_url(name), std::nullopt, many), 431, "CSMS.0003");
  // The daemon keeps serving.
  REQUIRE_STATUS(client.get(secret_url(name)), 200);
}

// api-decisions: "body larger than the limit (512 KiB: a 32768-character value fully escaped as surrogate pairs
// still fits) → 413 CSMS.0003".
TEST_CASE("a body over 512 KiB is 413 CSMS.0003 while a fully escaped maximal value fits", "[integration][transport][limits]") {
  Daemon daemon;
  SECTION("oversized body") {
    auto client = daemon.client();
    const std::string body = "{\"name\":\"too-big\",\"secret_string\":\"" + std::string(600 * 1024, 'x') + "\"}";
    CHECK_CSMS_ERROR(client.post(secrets_url(), body), 413, "CSMS.0003");
    auto other = daemon.client();
    CHECK_CSMS_ERROR(other.get(secret_url("too-big")), 404, "CSMS.0005");
  }
  SECTION("oversized body over TCP") {
    auto client = daemon.tcp_client();
    const std::string body = "{\"name\":\"too-big\",\"secret_string\":\"" + std::string(600 * 1024, 'x') + "\"}";
    CHECK_CSMS_ERROR(client.post(secrets_url(), body), 413, "CSMS.0003");
  }
  SECTION("declared Content-Length over the limit is refused without waiting for the body") {
    RawConnection raw(daemon.unix_endpoint());
    raw.send("POST " + secrets_url() +
             " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{");
    const HttpResponse r = raw.receive_response(std::chrono::seconds(5));
    CHECK_CSMS_ERROR(r, 413, "CSMS.0003");
  }
  SECTION("32768 escaped characters fit") {
    auto client = daemon.client();
    std::string escaped;
    std::string value;
    for (int i = 0; i < 32768; ++i) {
      escaped += "\\u00e9";
      value += "\xC3\xA9";
    }
    const std::string body = "{\"name\":\"escaped-max\",\"secret_string\":\"" + escaped + "\"}";
    REQUIRE(body.size() > 196608);
    REQUIRE_STATUS(client.post(secrets_url(), body), 200);
    CHECK(get_version(client, "escaped-max", "v1").at("secret_string") == json::value(value));
  }
  SECTION("32768 characters outside the BMP, escaped as surrogate pairs (Python's json.dumps default), fit") {
    auto client = daemon.client();
    std::string escaped;
    std::string value;
    for (int i = 0; i < 32768; ++i) {
      escaped += "\\ud83d\\ude00";
      value += "\xF0\x9F\x98\x80";
    }
    const std::string body = "{\"name\":\"surrogate-max\",\"secret_string\":\"" + escaped + "\"}";
    REQUIRE(body.size() > 393216);
    REQUIRE(body.size() < 512 * 1024);
    REQUIRE_STATUS(client.post(secrets_url(), body), 200);
    CHECK(get_version(client, "surrogate-max", "v1").at("secret_string") == json::value(value));
  }
}

// HTTP/1.1 (RFC 9112): a server must accept a chunked request body.
TEST_CASE("a chunked request body is accepted", "[integration][transport]") {
  Daemon daemon;
  const std::string name = unique_name("chunked");
  const std::string body = "{\"name\":\"" + name + "\",\"secret_string\":\"sent in chunks\"}";
  const std::string first = body.substr(0, 10);
  const std::string rest = body.substr(10);
  auto hex = [](std::size_t n) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%zx", n);
    return std::string(buf);
  };
  RawConnection raw(daemon.unix_endpoint());
  raw.send("POST " + secrets_url() +
           " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
           hex(first.size()) + "\r\n" + first + "\r\n" + hex(rest.size()) + "\r\n" + rest + "\r\n0\r\n\r\n");
  const HttpResponse r = raw.receive_response(std::chrono::seconds(5));
  REQUIRE_STATUS(r, 200);
  auto client = daemon.client();
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("sent in chunks"));
}

// Contract (brief): "malformed request line gets a 400 and the server keeps serving others".
TEST_CASE("a malformed request line gets 400 and the daemon keeps serving", "[integration][transport][errors]") {
  Daemon daemon;
  for (const char* garbage : {"THIS IS NOT HTTP\r\n\r\n", "GET\r\n\r\n", "GET /v1 HTTP/9.9\r\n\r\n", "\x16\x03\x01\x02\r\n\r\n"}) {
    INFO("request bytes: " << garbage);
    RawConnection raw(daemon.unix_endpoint());
    raw.send(garbage);
    const HttpResponse r = raw.receive_response(std::chrono::seconds(5));
    CHECK(r.status == 400);
    check_request_id(r);
  }
  auto client = daemon.client();
  create_secret(client, unique_name("after-garbage"), "v");
  auto tcp = daemon.tcp_client();
  REQUIRE_STATUS(tcp.get(secrets_url()), 200);
}

// Contract: "Idle keep-alive connections are closed after a timeout"; a silent client must not block others.
TEST_CASE("clients that connect and send nothing or half a request do not block others", "[integration][transport]") {
  Daemon daemon;
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 4; ++i) stalled.push_back(std::make_unique<RawConnection>(daemon.unix_endpoint()));
  for (int i = 0; i < 2; ++i) stalled.push_back(std::make_unique<RawConnection>(daemon.tcp_endpoint()));
  stalled.push_back(std::make_unique<RawConnection>(daemon.unix_endpoint()));
  stalled.back()->send("POST " + secrets_url() + " HTTP/1.1\r\nHost: localhost\r\nContent-Len");
  stalled.push_back(std::make_unique<RawConnection>(daemon.unix_endpoint()));
  stalled.back()->send("POST " + secrets_url() + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"na");

  const auto start = std::chrono::steady_clock::now();
  auto client = daemon.client(std::chrono::seconds(5));
  const std::string name = unique_name("not-blocked");
  create_secret(client, name, "v");
  auto tcp = daemon.tcp_client(std::chrono::seconds(5));
  REQUIRE_STATUS(tcp.get(secret_url(name)), 200);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(3));
}

// Contract: "SIGTERM/SIGINT: drains and exits 0." An idle kept-alive connection must not hold the exit until the
// idle timeout (30 s by default).
TEST_CASE("SIGTERM with an idle kept-alive connection exits 0 promptly", "[integration][transport][shutdown]") {
  Daemon daemon;
  auto client = daemon.client();
  create_secret(client, unique_name("idle-at-exit"), "v");
  REQUIRE(client.connected());
  const auto start = std::chrono::steady_clock::now();
  CHECK(daemon.process().stop(std::chrono::seconds(15)) == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}
