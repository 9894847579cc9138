// misc_ops_test.cpp: backup/restore, GenerateRandomPassword, BatchImportSecrets, the cloud-only operations and the
// IAM project lookup, driven through api::Api in-process over a real store.
#include "api/routes.hpp"

#include "common/api_env.hpp"

#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace {

using csms::http::Method;
using csms::unit::kProject;
using csms::unit::Reply;
namespace json = boost::json;

const std::string P(kProject);
const std::string kBase = "/v1/" + P + "/secrets";

struct Env : csms::unit::ApiEnv {
  using csms::unit::ApiEnv::post;
  Reply post(const std::string& target, const json::object& body) {
    return call(Method::kPost, target, json::serialize(body));
  }
};

void check_error(const Reply& reply, unsigned status, const std::string& code) {
  INFO("status " << reply.status << " body " << reply.body);
  CHECK(reply.status == status);
  REQUIRE(reply.json.is_object());
  CHECK(reply.json.at("error_code").as_string() == code);
}

}  // namespace

TEST_CASE("backup and restore round-trip a secret through the API", "[unit][api][backup]") {
  Env env;
  REQUIRE(env.post(kBase, json::object{{"name", "db"}, {"secret_string", "one"}}).status == 200);
  REQUIRE(env.post(kBase + "/db/versions", json::object{{"secret_string", "two"}}).status == 200);
  const Reply backup = env.call(Method::kPost, kBase + "/db/backup");
  REQUIRE(backup.status == 200);
  const std::string blob(backup.json.at("secret_blob").as_string());
  check_error(env.post(kBase + "/restore", json::object{{"secret_blob", blob}}), 409, "CSMS.0101");
  REQUIRE(env.call(Method::kDelete, kBase + "/db").status == 200);
  const Reply restored = env.post(kBase + "/restore", json::object{{"secret_blob", blob}});
  REQUIRE(restored.status == 200);
  CHECK(restored.json.at("secret").at("name").as_string() == "db");
  const Reply v1 = env.call(Method::kGet, kBase + "/db/versions/v1");
  REQUIRE(v1.status == 200);
  CHECK(v1.json.at("version").at("secret_string").as_string() == "one");
  CHECK(env.call(Method::kGet, kBase + "/db/stages/SYSPREVIOUS").json.at("stage").at("version_id").as_string() == "v1");
  check_error(env.post("/v1/" + std::string(csms::unit::kOtherProject) + "/secrets/restore",
                       json::object{{"secret_blob", blob}}),
              400, "CSMS.0002");
  check_error(env.call(Method::kPost, kBase + "/missing/backup"), 404, "CSMS.0005");
}

TEST_CASE("generate-password answers 200 with the asked length and 400 for bad options", "[unit][api][password]") {
  Env env;
  const Reply reply = env.post("/v1/" + P + "/csms/generate-password", json::object{{"length", 40}});
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("password").as_string().size() == 40);
  CHECK(env.call(Method::kPost, "/v1/" + P + "/csms/generate-password").json.at("password").as_string().size() == 32);
  check_error(env.post("/v1/" + P + "/csms/generate-password", json::object{{"length", 1000}}), 400, "CSMS.0002");
}

TEST_CASE("batch import reports per-secret errors", "[unit][api][batch-import]") {
  Env env;
  const json::array secrets{json::object{{"name", "a"}, {"secret_string", "x"}},
                            json::object{{"name", "a"}, {"secret_string", "y"}}};
  const Reply reply = env.post(kBase + "/batch-import", json::object{{"secrets", secrets}, {"total", 2}});
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("success").as_int64() == 1);
  CHECK(reply.json.at("failed").as_int64() == 1);
  CHECK(reply.json.at("error_list").at(0).at("name").as_string() == "a");
}

TEST_CASE("cloud-only operations answer 400 CSMS.0003 not available offline", "[unit][api][offline]") {
  Env env;
  check_error(env.call(Method::kGet, "/v1/" + P + "/csms/grants?resource_id=x"), 400, "CSMS.0003");
  check_error(env.call(Method::kGet, "/v1/csms/agencies"), 400, "CSMS.0003");
  const Reply users = env.call(Method::kGet, "/v1/csms/users?offset=0&limit=10");
  CHECK(users.status == 400);
  CHECK(users.json.at("error").at("error_code").as_string() == "CSMS.0003");
  CHECK(env.call(Method::kGet, kBase + "/checker/config").json.at("checking_secret_strength").as_bool() == false);
}

TEST_CASE("the IAM project lookup answers one derived project for an all-projects caller", "[unit][api][iam]") {
  Env env;
  const Reply reply = env.call(Method::kGet, "/v3/projects?name=cn-north-4");
  REQUIRE(reply.status == 200);
  const auto& projects = reply.json.at("projects").as_array();
  REQUIRE(projects.size() == 1);
  CHECK(projects.at(0).at("id").as_string().size() == 32);
  CHECK(projects.at(0).at("name").as_string() == "cn-north-4");
  check_error(env.call(Method::kGet, "/v3/projects"), 400, "CSMS.0002");
}
