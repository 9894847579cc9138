// iam_projects_test.cpp: IAM GET /v3/projects?name=REGION, which an SDK without a project id calls to find one.
#include <string>

#include "harness.hpp"

using namespace csms_it;

namespace {

HttpClient signed_client(const Daemon& daemon, const csms_test::AccessKey& key) {
  auto client = daemon.anonymous_tcp_client();
  client.set_signer(csms_test::sdk_signer(key));
  return client;
}

// The SDK core reads projects[0].id and fails unless exactly one project is listed.
std::vector<std::string> project_ids(const HttpResponse& response, std::string_view region) {
  INFO("response: " << response.describe());
  REQUIRE(response.status == 200);
  std::vector<std::string> ids;
  for (const auto& project : get_array(body_object(response), "projects")) {
    ids.push_back(get_string(project.as_object(), "id"));
    CHECK(get_string(project.as_object(), "name") == region);
  }
  return ids;
}

}  // namespace

// csms-api.md 5.3: "the SDK first calls IAM GET {iam_endpoint}/v3/projects?name=<region_id> ... and takes
// projects[0].id (fails on 0 or >1 results)".
TEST_CASE("an access key scoped to one project is told that project, and it then works for CSMS calls",
          "[integration][iam]") {
  Daemon daemon;
  auto client = signed_client(daemon, daemon.create_access_key("writer", {std::string(kProject)}));
  const auto ids = project_ids(client.get("/v3/projects?name=cn-north-4"), "cn-north-4");
  REQUIRE(ids == std::vector<std::string>{std::string(kProject)});
  const std::string name = unique_name("iam");
  REQUIRE_STATUS(client.post_json(secrets_url(ids[0]), json::object{{"name", name}, {"secret_string", "v"}}), 200);
}

TEST_CASE("a caller of every project gets a stable id derived from the region, usable as a project",
          "[integration][iam]") {
  Daemon daemon;
  auto client = signed_client(daemon, daemon.create_access_key("admin", {"*"}));
  const auto north = project_ids(client.get("/v3/projects?name=cn-north-4"), "cn-north-4");
  REQUIRE(north.size() == 1);
  CHECK(north[0].size() == 32);
  CHECK(north[0].find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(project_ids(client.get("/v3/projects?name=cn-north-4"), "cn-north-4") == north);
  const auto south = project_ids(client.get("/v3/projects?name=ap-southeast-1"), "ap-southeast-1");
  REQUIRE(south.size() == 1);
  CHECK(south[0] != north[0]);
  // The same answer on the Unix socket (the daemon's own user is admin of every project).
  auto local = daemon.client();
  CHECK(project_ids(local.get("/v3/projects?name=cn-north-4"), "cn-north-4") == north);
  CHECK_STATUS(client.get(secrets_url(north[0])), 200);
}

TEST_CASE("a key of two projects gets both (the SDK then asks for an explicit project id)", "[integration][iam]") {
  Daemon daemon;
  auto client = signed_client(daemon, daemon.create_access_key(
                                          "reader", {std::string(kOtherProject), std::string(kProject)}));
  const auto ids = project_ids(client.get("/v3/projects?name=eu-west-101"), "eu-west-101");
  CHECK(ids.size() == 2);
}

TEST_CASE("the IAM project lookup needs authentication and a region name", "[integration][iam]") {
  Daemon daemon;
  CHECK_CSMS_ERROR(daemon.anonymous_tcp_client().get("/v3/projects?name=cn-north-4"), 401, "CSMS.0301");
  auto client = daemon.tcp_client();
  CHECK_CSMS_ERROR(client.get("/v3/projects"), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.get("/v3/projects?name=a%20b"), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post("/v3/projects"), 400, "CSMS.0003");
}
