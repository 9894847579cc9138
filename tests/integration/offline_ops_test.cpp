// offline_ops_test.cpp: the cloud-only operations (agencies 32-33, function templates 34, grants 36-39, users 40-42,
// strength checker 44-46) answer why they are not available offline, or their local truth.
#include <string>

#include "harness.hpp"

using namespace csms_it;

namespace {

const std::string kBase = "/v1/" + std::string(kProject);

// 400 CSMS.0003 whose message says the operation is not available offline; the body is flat or nested.
void check_not_offline(const HttpResponse& response, bool nested = false) {
  INFO("response: " << response.describe());
  CHECK(response.status == 400);
  check_request_id(response);
  auto body = body_object(response);
  if (nested) {
    REQUIRE(body.size() == 1);
    body = get_object(body, "error");
  }
  CHECK(body.size() == 2);
  CHECK(get_string(body, "error_code") == "CSMS.0003");
  CHECK(get_string(body, "error_msg").find("not available offline") != std::string::npos);
}

}  // namespace

// "32/33 Agencies (no project in path)", "34 ShowSecretFunctionTemplates"
TEST_CASE("agencies and function templates are not available offline", "[integration][offline]") {
  Daemon daemon;
  auto client = daemon.client();
  check_not_offline(client.post_json("/v1/csms/agencies", json::object{{"secret_type", "RDS-FG"}}));
  check_not_offline(client.get("/v1/csms/agencies?secret_type=RDS-FG"));
  check_not_offline(client.get("/v1/csms/function-templates?secret_type=RDS-FG&secret_sub_type=SingleUser&engine=mysql"));
}

// "36-39 Grants (/v1/{project_id}/csms/grants)"
TEST_CASE("grants are not available offline", "[integration][offline]") {
  Daemon daemon;
  auto client = daemon.client();
  const json::object grant{{"resource_id", "s1"}, {"type", "SECRET"}, {"grantee_type", "0"}, {"grantee_target_id", "u"}};
  check_not_offline(client.post_json(kBase + "/csms/grants", grant));
  check_not_offline(client.get(kBase + "/csms/grants?resource_id=s1"));
  check_not_offline(client.put_json(kBase + "/csms/grants?resource_id=s1", grant));
  check_not_offline(client.del(kBase + "/csms/grants?resource_id=s1&grantee_user=u"));
  // Project scoping still applies: another project's key is refused before anything else.
  auto stranger = daemon.anonymous_tcp_client();
  stranger.set_signer(csms_test::sdk_signer(daemon.create_access_key("admin", {std::string(kOtherProject)})));
  CHECK_CSMS_ERROR(stranger.get(kBase + "/csms/grants?resource_id=s1"), 403, "CSMS.0302");
}

// "40-42 Users (no project in path)"; ListUsers uses the nested error body.
TEST_CASE("the user directory is not available offline", "[integration][offline]") {
  Daemon daemon;
  auto client = daemon.client();
  check_not_offline(client.get("/v1/csms/users?offset=0&limit=10"), true);
  check_not_offline(client.get("/v1/csms/users/some-user"));
  check_not_offline(client.post_json("/v1/csms/users/change-password",
                                     json::object{{"password", "a"}, {"old_password", "b"}}));
  CHECK_CSMS_ERROR(daemon.anonymous_tcp_client().get("/v1/csms/users/some-user"), 401, "CSMS.0301");
}

// "44-46 Secret-strength checker"
TEST_CASE("the strength checker is off offline: its config reads false and cannot be turned on",
          "[integration][offline]") {
  Daemon daemon;
  auto client = daemon.client();
  check_not_offline(client.post_json(kBase + "/secrets/checker/check",
                                     json::object{{"type", "password"}, {"data", json::object{}}}));
  const HttpResponse shown = client.get(kBase + "/secrets/checker/config");
  REQUIRE_STATUS(shown, 200);
  CHECK(body_object(shown) == json::object{{"checking_secret_strength", false}});
  const HttpResponse off = client.post_json(kBase + "/secrets/checker/config",
                                            json::object{{"checking_secret_strength", false}});
  REQUIRE_STATUS(off, 200);
  CHECK(body_object(off) == json::object{{"checking_secret_strength", false}});
  check_not_offline(client.post_json(kBase + "/secrets/checker/config", json::object{{"checking_secret_strength", true}}));
  CHECK_CSMS_ERROR(client.post_json(kBase + "/secrets/checker/config", json::object{}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(kBase + "/secrets/checker/config",
                                    json::object{{"checking_secret_strength", "yes"}}),
                   400, "CSMS.0004");
}
