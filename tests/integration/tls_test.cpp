// tls_test.cpp: TLS on TCP listeners (--tls-cert/--tls-key): handshake, trust, plain clients, start-up errors, drain.
#include <chrono>
#include <string>
#include <vector>

#include "harness.hpp"
#include "raw_connection.hpp"
#include "sdk_signer.hpp"
#include "temp_dir.hpp"
#include "test_ca.hpp"

using namespace csms_it;
using csms_test::RawConnection;
using csms_test::TempDir;
using csms_test::TestCaFiles;

namespace {

// Any project id of the right shape: the point is the transport, not the data.
constexpr const char* kListTarget = "/v1/0123456789abcdef0123456789abcdef/secrets";

csms_test::TestDaemonOptions tls_options(const TestCaFiles& ca) {
  csms_test::TestDaemonOptions options;
  options.extra_args = {"--tls-cert", ca.server_chain.string(), "--tls-key", ca.server_key.string()};
  return options;
}

Endpoint tls_endpoint(Daemon& daemon, const std::filesystem::path& ca_file) {
  Endpoint endpoint = daemon.tcp_endpoint();
  endpoint.tls_ca_file = ca_file;
  return endpoint;
}

// An HTTP answer from the API through TLS: these clients present no credentials, so the API itself answers
// 401 CSMS.0301 with its request id.
void check_api_answer(const HttpResponse& response) {
  INFO("response: " << response.describe());
  CHECK(response.status == 401);
  check_request_id(response);
  const json::value body = response.json();
  REQUIRE(body.is_object());
  CHECK(body.as_object().at("error_code") == json::value("CSMS.0301"));
}

}  // namespace

TEST_CASE("a TLS listener reports tls: and answers a client that trusts its CA", "[integration][transport][tls]") {
  TempDir ca_dir("csmsd-ca");
  const TestCaFiles ca = csms_test::make_test_ca(ca_dir.path());
  Daemon daemon(tls_options(ca));
  CHECK(daemon.process().tcp_tls());
  const std::string out = daemon.process().stdout_text();
  INFO("stdout: " << out);
  CHECK(out.find("csmsd: listening on tls:127.0.0.1:" + std::to_string(*daemon.process().tcp_port()) + "\n") !=
        std::string::npos);
  CHECK(out.find("listening on tcp:") == std::string::npos);

  HttpClient client(tls_endpoint(daemon, ca.ca_cert));
  for (int i = 0; i < 3; ++i) check_api_answer(client.get(kListTarget));
  // A signed request over the same TLS listener is served.
  HttpClient signed_client(tls_endpoint(daemon, ca.ca_cert));
  signed_client.set_signer(csms_test::sdk_signer(daemon.create_access_key("reader", {"0123456789abcdef0123456789abcdef"})));
  CHECK(signed_client.get(kListTarget).status == 200);
  // The Unix socket stays plain HTTP.
  auto unix_client = daemon.client();
  check_request_id(unix_client.get(kListTarget));
}

TEST_CASE("a TLS client that does not trust the CA fails the handshake", "[integration][transport][tls]") {
  TempDir ca_dir("csmsd-ca");
  const TestCaFiles ca = csms_test::make_test_ca(ca_dir.path());
  TempDir other_dir("csmsd-ca-other");
  const TestCaFiles other = csms_test::make_test_ca(other_dir.path(), "unrelated");
  Daemon daemon(tls_options(ca));

  HttpClient untrusting(tls_endpoint(daemon, other.ca_cert));
  CHECK_THROWS_WITH(untrusting.get(kListTarget), Catch::Contains("TLS handshake") && Catch::Contains("failed"));
  CHECK_FALSE(untrusting.connected());
  // The daemon is unaffected.
  HttpClient trusting(tls_endpoint(daemon, ca.ca_cert));
  check_api_answer(trusting.get(kListTarget));
}

TEST_CASE("plain HTTP on a TLS port gets no HTTP answer and the daemon keeps serving", "[integration][transport][tls]") {
  TempDir ca_dir("csmsd-ca");
  const TestCaFiles ca = csms_test::make_test_ca(ca_dir.path());
  Daemon daemon(tls_options(ca));
  {
    RawConnection raw(daemon.tcp_endpoint());
    raw.send(std::string("GET ") + kListTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(raw.wait_closed(std::chrono::seconds(5)));
    INFO("received: " << raw.pending());
    CHECK_FALSE(raw.pending().starts_with("HTTP/"));
  }
  {
    // A client that connects and says nothing holds only its own connection.
    RawConnection silent(daemon.tcp_endpoint());
    HttpClient client(tls_endpoint(daemon, ca.ca_cert), std::chrono::seconds(5));
    check_api_answer(client.get(kListTarget));
  }
  HttpClient client(tls_endpoint(daemon, ca.ca_cert));
  check_api_answer(client.get(kListTarget));
}

TEST_CASE("TLS start-up errors stop the daemon with exit 1 and name the file", "[integration][transport][tls][startup]") {
  TempDir ca_dir("csmsd-ca");
  const TestCaFiles ca = csms_test::make_test_ca(ca_dir.path());
  TempDir other_dir("csmsd-ca-other");
  const TestCaFiles other = csms_test::make_test_ca(other_dir.path(), "unrelated");
  csms_test::TestDaemonOptions options;
  options.start = false;
  std::string named;
  SECTION("a missing key file") {
    named = (ca_dir / "no-such.key").string();
    options.extra_args = {"--tls-cert", ca.server_chain.string(), "--tls-key", named};
  }
  SECTION("a missing certificate file") {
    named = (ca_dir / "no-such.pem").string();
    options.extra_args = {"--tls-cert", named, "--tls-key", ca.server_key.string()};
  }
  SECTION("a key that does not belong to the certificate") {
    named = other.server_key.string();
    options.extra_args = {"--tls-cert", ca.server_chain.string(), "--tls-key", named};
  }
  SECTION("a certificate file that holds no certificate") {
    named = ca.server_key.string();
    options.extra_args = {"--tls-cert", named, "--tls-key", ca.server_key.string()};
  }
  Daemon daemon(options);
  const bool ready = daemon.process().try_start();
  INFO("stderr: " << daemon.log());
  CHECK_FALSE(ready);
  if (ready) return;
  CHECK(daemon.process().exit_status() == std::optional<int>(1));
  CHECK(daemon.log().find(named) != std::string::npos);
  CHECK(daemon.process().stdout_text().find("csmsd: listening") == std::string::npos);
  // The key's PEM body never reaches the log.
  CHECK(daemon.log().find("PRIVATE KEY") == std::string::npos);
}

TEST_CASE("SIGTERM drains a kept-alive TLS connection and exits 0 promptly", "[integration][transport][tls][shutdown]") {
  TempDir ca_dir("csmsd-ca");
  const TestCaFiles ca = csms_test::make_test_ca(ca_dir.path());
  Daemon daemon(tls_options(ca));
  HttpClient client(tls_endpoint(daemon, ca.ca_cert));
  const HttpResponse first = client.get(kListTarget);
  check_api_answer(first);
  REQUIRE(first.keep_alive);
  REQUIRE(client.connected());
  // Another connection still in its handshake: a drain must not wait for it either.
  RawConnection handshaking(daemon.tcp_endpoint());
  const auto start = std::chrono::steady_clock::now();
  CHECK(daemon.process().stop(std::chrono::seconds(15)) == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK_THROWS(client.get(kListTarget));
}
