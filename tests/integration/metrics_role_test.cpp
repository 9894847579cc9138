// metrics_role_test.cpp: the metrics role on the real daemon: its access keys and tokens scrape /metrics and are
// refused everything else, an admin of every project still scrapes, and csmsctl creates one without projects.
#include <string>
#include <vector>

#include "ctl_runner.hpp"
#include "harness.hpp"
#include "sdk_signer.hpp"

using namespace csms_it;

namespace {

const std::string kOwn(kProject);

// The same requests through one client: by a signed access key or with an X-Auth-Token.
struct Presenter {
  HttpClient client;
  csms_test::HeaderList headers;

  HttpResponse get(const std::string& target) { return client.request("GET", target, std::nullopt, headers); }
  HttpResponse post(const std::string& target, const std::string& body) {
    return client.request("POST", target, body, headers);
  }
  HttpResponse del(const std::string& target) { return client.request("DELETE", target, std::nullopt, headers); }
};

// What a metrics credential may do, and everything it may not, against the daemon's one secret `name`.
void check_metrics_only(Presenter& metrics, const std::string& name, const std::string& other_credential_id) {
  const auto scraped = metrics.get("/metrics");
  {
    INFO(scraped.describe());
    REQUIRE(scraped.status == 200);
    CHECK(scraped.header("Content-Type") == std::optional<std::string>("text/plain; version=0.0.4; charset=utf-8"));
    CHECK(scraped.body.find("\ncsmsd_secrets 1\n") != std::string::npos);
    CHECK(scraped.body.find("the-value-metrics-must-not-read") == std::string::npos);
  }
  CHECK_STATUS(metrics.get("/healthz"), 200);
  CHECK_STATUS(metrics.get("/readyz"), 200);

  // GetSecret (ShowSecret and the value), ListSecrets, CreateSecret, on the secret's project and any other.
  CHECK_CSMS_ERROR(metrics.get(secret_url(name)), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.get(version_url(name, "latest")), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.get(secrets_url()), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.get(secrets_url(kOtherProject)), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.post(secrets_url(), R"({"name":"by-metrics","secret_string":"v"})"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.post(versions_url(name), R"({"secret_string":"v2"})"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.del(secret_url(name)), 403, "CSMS.0302");
  // The admin API, the vault, and the routes any other caller may use.
  CHECK_CSMS_ERROR(metrics.get("/v1/csmsd/credentials"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.post("/v1/csmsd/credentials", R"({"type":"token","role":"admin","projects":["*"]})"), 403,
                   "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.del("/v1/csmsd/credentials/" + other_credential_id), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.post("/v1/csmsd/backup", ""), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.get("/v1/csmsd/master-key"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.get("/v1/csmsd/whoami"), 403, "CSMS.0302");
  CHECK_CSMS_ERROR(metrics.get("/v3/projects"), 403, "CSMS.0302");
}

}  // namespace

TEST_CASE("a metrics access key and a metrics token scrape /metrics and get 403 for everything else",
          "[integration][observability][auth]") {
  Daemon daemon;
  auto admin = daemon.client();
  const std::string name = unique_name("scraped");
  create_secret(admin, name, "the-value-metrics-must-not-read");
  const auto reader = daemon.create_credential("token", "reader", {kOwn});
  const std::string reader_id(reader.at("id").as_string());

  SECTION("an access key, every request signed") {
    const auto key = daemon.create_access_key("metrics", {"*"});
    Presenter metrics{daemon.anonymous_tcp_client(), {}};
    metrics.client.set_signer(csms_test::sdk_signer(key));
    check_metrics_only(metrics, name, reader_id);
  }
  SECTION("a token") {
    const std::string token = daemon.create_token("metrics", {"*"});
    Presenter metrics{daemon.anonymous_tcp_client(), {{"X-Auth-Token", token}}};
    check_metrics_only(metrics, name, reader_id);
  }

  // Nothing it was refused happened.
  CHECK(get_version(admin, name, "latest").at("secret_string") == json::value("the-value-metrics-must-not-read"));
  CHECK_CSMS_ERROR(admin.get(secret_url("by-metrics")), 404, "CSMS.0005");
  const auto listed = body_object(admin.get("/v1/csmsd/credentials"));
  CHECK(get_array(listed, "credentials").size() == 2);  // the reader and the metrics credential
  // The refusals are counted like any request's, under the operations their paths name.
  const auto scraped = admin.get("/metrics");
  REQUIRE_STATUS(scraped, 200);
  CHECK(scraped.body.find(R"(csmsd_requests_total{operation="ListSecrets",status="403"} 2)") != std::string::npos);
  CHECK(scraped.body.find(R"(csmsd_requests_total{operation="Metrics",status="200"} 1)") != std::string::npos);
}

TEST_CASE("an admin of every project still scrapes /metrics, a project admin and a reader of * do not",
          "[integration][observability][auth]") {
  Daemon daemon;
  CHECK_STATUS(daemon.client().get("/metrics"), 200);  // the daemon's own uid on the socket
  CHECK_STATUS(daemon.tcp_client().get("/metrics"), 200);  // an admin access key of every project
  auto project_admin = daemon.anonymous_tcp_client();
  project_admin.set_signer(csms_test::sdk_signer(daemon.create_access_key("admin", {kOwn})));
  CHECK_CSMS_ERROR(project_admin.get("/metrics"), 403, "CSMS.0302");
  const std::string reader_token = daemon.create_token("reader", {"*"});
  auto reader = daemon.anonymous_tcp_client();
  CHECK_CSMS_ERROR(reader.request("GET", "/metrics", std::nullopt, {{"X-Auth-Token", reader_token}}), 403,
                   "CSMS.0302");
}

TEST_CASE("a metrics credential covers every project: other scopes are refused", "[integration][auth]") {
  Daemon daemon;
  auto admin = daemon.client();
  CHECK_CSMS_ERROR(admin.post("/v1/csmsd/credentials", R"({"type":"token","role":"metrics","projects":[")" + kOwn +
                                                           R"("]})"),
                   400, "CSMS.0002");
  const auto created = admin.post("/v1/csmsd/credentials", R"({"type":"token","role":"metrics"})");
  REQUIRE_STATUS(created, 201);
  const auto credential = get_object(body_object(created), "credential");
  CHECK(get_string(credential, "role") == "metrics");
  CHECK(strings_of(get_array(credential, "projects")) == std::vector<std::string>{"*"});
  // A project admin may not create one: it would read counts across every project.
  auto project_admin = daemon.anonymous_tcp_client();
  const std::string admin_token = daemon.create_token("admin", {kOwn});
  CHECK_CSMS_ERROR(project_admin.request("POST", "/v1/csmsd/credentials", R"({"type":"token","role":"metrics"})",
                                         {{"X-Auth-Token", admin_token}}),
                   403, "CSMS.0302");
}

TEST_CASE("csmsctl: credential create --role metrics needs no --project and the token scrapes",
          "[integration][csmsctl]") {
  Daemon daemon;
  const CtlRun created = ctl(daemon, {"credential", "create", "--type", "token", "--role", "metrics"});
  INFO(created);
  REQUIRE(created.status == 0);
  const json::value credential = parse_json(created);
  REQUIRE(credential.is_object());
  CHECK(get_string(credential.as_object(), "role") == "metrics");
  CHECK(strings_of(get_array(credential.as_object(), "projects")) == std::vector<std::string>{"*"});
  const std::string token = get_string(credential.as_object(), "token");
  auto scraper = daemon.anonymous_tcp_client();
  CHECK_STATUS(scraper.request("GET", "/metrics", std::nullopt, {{"X-Auth-Token", token}}), 200);

  // Another role still needs a project; an unknown role's message lists every role.
  const CtlRun no_project = ctl(daemon, {"credential", "create", "--type", "token", "--role", "reader"});
  CHECK(no_project.status != 0);
  CHECK(contains(no_project.err, "--project"));
  const CtlRun unknown = ctl(daemon, {"credential", "create", "--type", "token", "--role", "scraper"});
  CHECK(unknown.status != 0);
  CHECK(contains(unknown.err, "reader, writer, admin or metrics"));
  // A project for a metrics credential is the daemon's refusal.
  const CtlRun scoped =
      ctl(daemon, {"credential", "create", "--type", "token", "--role", "metrics", "--project", kOwn});
  CHECK(scoped.status != 0);
  CHECK(contains(scoped.err, "400 CSMS.0002"));
}
