// stages_test.cpp: CreateSecretStage (POST), UpdateSecretStage (PUT), ShowSecretStage, DeleteSecretStage (ops 12-15).
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

// "POST /v1/{project_id}/secrets/{secret_name}/stages ... Body {"name": <stage>, "version_id": "vN"} ... Response
// 200 {"stage": {"name", "version_id", "update_time", "secret_name"}}."
TEST_CASE("POST stages attaches a new stage and returns the Stage shape", "[integration][stages]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("stage-post");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  const HttpResponse r = client.post_json(stages_url(name), json::object{{"name", "blue"}, {"version_id", "v1"}});
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto body = body_object(r);
  CHECK(body.size() == 1);
  const auto& stage = get_object(body, "stage");
  check_stage_shape(stage, name);
  CHECK(get_string(stage, "name") == "blue");
  CHECK(get_string(stage, "version_id") == "v1");
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>({"SYSPREVIOUS", "blue"}));
}

// "PUT .../stages/{stage_name} with {"version_id"} (what the SDKs and Terraform call) does exactly the same."
// "Terraform uses this PUT as the create call for a new stage → PUT must upsert."
TEST_CASE("PUT stages creates or moves a stage and returns the Stage shape", "[integration][stages]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("stage-put");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  const HttpResponse r = client.put_json(stage_url(name, "green"), json::object{{"version_id", "v2"}});
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto& stage = get_object(body_object(r), "stage");
  check_stage_shape(stage, name);
  CHECK(get_string(stage, "name") == "green");
  CHECK(get_string(stage, "version_id") == "v2");
  const auto moved = put_stage(client, name, "green", "v1");
  CHECK(get_string(moved, "version_id") == "v1");
  CHECK(stage_holder(client, name, "green") == std::optional<std::string>("v1"));
}

// "13 | ShowSecretStage | GET | .../stages/{stage_name} | 200 {"stage":Stage}"
// "Missing stage must produce an error (... treats HTTP 404 as "gone")"
TEST_CASE("GET stage returns the Stage and 404 CSMS.0005 when missing", "[integration][stages]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("stage-get");
  create_secret(client, name, "one");
  const HttpResponse r = client.get(stage_url(name, "SYSCURRENT"));
  REQUIRE_STATUS(r, 200);
  const auto& stage = get_object(body_object(r), "stage");
  check_stage_shape(stage, name);
  CHECK(get_string(stage, "name") == "SYSCURRENT");
  CHECK(get_string(stage, "version_id") == "v1");
  CHECK_CSMS_ERROR(client.get(stage_url(name, "nope")), 404, "CSMS.0005");
  // A fresh secret has no SYSPREVIOUS yet.
  CHECK_CSMS_ERROR(client.get(stage_url(name, "SYSPREVIOUS")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(stage_url(unique_name("absent"), "SYSCURRENT")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(stage_url(name, "bad.stage")), 400, "CSMS.0002");
}

// "14 | DeleteSecretStage | DELETE | .../stages/{stage_name} | 204"; "DELETE of a stage ... answers 204."
TEST_CASE("DELETE stage answers 204 and the stage is gone", "[integration][stages]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("stage-del");
  create_secret(client, name, "one");
  put_stage(client, name, "blue", "v1");
  const HttpResponse r = client.del(stage_url(name, "blue"));
  REQUIRE_STATUS(r, 204);
  CHECK(r.body.empty());
  check_request_id(r);
  CHECK(stage_holder(client, name, "blue") == std::nullopt);
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>({"SYSCURRENT"}));
  CHECK_CSMS_ERROR(client.del(stage_url(name, "blue")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.del(stage_url(unique_name("absent"), "blue")), 404, "CSMS.0005");
}

// "SYSCURRENT and SYSPREVIOUS can never be deleted (400 CSMS.0105)."
TEST_CASE("deleting SYSCURRENT or SYSPREVIOUS is 400 CSMS.0105", "[integration][stages][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("stage-sys");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  CHECK_CSMS_ERROR(client.del(stage_url(name, "SYSCURRENT")), 400, "CSMS.0105");
  CHECK_CSMS_ERROR(client.del(stage_url(name, "SYSPREVIOUS")), 400, "CSMS.0105");
  CHECK(stage_owners(client, name) == std::map<std::string, std::string>{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}});
}

// api-decisions: 0002 for a stage name or version_id failing its regex or a missing required field; 0004 for
// malformed JSON or wrong types; 404 CSMS.0005 for a missing secret or version.
TEST_CASE("stage requests with invalid input", "[integration][stages][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("stage-invalid");
  create_secret(client, name, "one");
  struct Case {
    const char* what;
    json::object body;
  };
  const std::vector<Case> post_invalid = {
      {"missing name", {{"version_id", "v1"}}},
      {"missing version_id", {{"name", "blue"}}},
      {"stage name with a dot", {{"name", "a.b"}, {"version_id", "v1"}}},
      {"empty stage name", {{"name", ""}, {"version_id", "v1"}}},
      {"65-character stage name", {{"name", std::string(65, 's')}, {"version_id", "v1"}}},
      {"version_id without v", {{"name", "blue"}, {"version_id", "1"}}},
  };
  for (const auto& c : post_invalid) {
    INFO(c.what << ": " << json::serialize(c.body));
    CHECK_CSMS_ERROR(client.post_json(stages_url(name), c.body), 400, "CSMS.0002");
  }
  CHECK_CSMS_ERROR(client.put_json(stage_url(name, "blue"), json::object{}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.put_json(stage_url(name, "a.b"), json::object{{"version_id", "v1"}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.put_json(stage_url(name, "blue"), json::object{{"version_id", "x1"}}), 400, "CSMS.0002");

  CHECK_CSMS_ERROR(client.post(stages_url(name), std::string("{\"name\":")), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.post_json(stages_url(name), json::object{{"name", 7}, {"version_id", "v1"}}), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.put(stage_url(name, "blue"), std::string("[\"v1\"]")), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.put_json(stage_url(name, "blue"), json::object{{"version_id", 1}}), 400, "CSMS.0004");

  CHECK_CSMS_ERROR(client.post_json(stages_url(name), json::object{{"name", "blue"}, {"version_id", "v9"}}), 404,
                   "CSMS.0005");
  CHECK_CSMS_ERROR(client.put_json(stage_url(name, "blue"), json::object{{"version_id", "v9"}}), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.post_json(stages_url(unique_name("absent")), json::object{{"name", "blue"}, {"version_id", "v1"}}),
                   404, "CSMS.0005");
  // Nothing above created the stage.
  CHECK(stage_holder(client, name, "blue") == std::nullopt);
  CHECK(stage_owners(client, name) == std::map<std::string, std::string>{{"SYSCURRENT", "v1"}});
}

// "A secret has at most 12 distinct stages (a 13th is 400 CSMS.0203 ...)"
// api-decisions: "The 12-stage limit counts the result of the whole operation, SYSPREVIOUS included."
TEST_CASE("a 13th stage is 400 CSMS.0203 whichever operation would create it", "[integration][stages][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("stage-limit");
  create_secret(client, name, "one");
  for (int i = 1; i <= 11; ++i) post_stage(client, name, "c" + std::to_string(i), "v1");  // 12 with SYSCURRENT
  CHECK(stage_owners(client, name).size() == 12);

  CHECK_CSMS_ERROR(client.post_json(stages_url(name), json::object{{"name", "c12"}, {"version_id", "v1"}}), 400, "CSMS.0203");
  CHECK_CSMS_ERROR(client.put_json(stage_url(name, "c12"), json::object{{"version_id", "v1"}}), 400, "CSMS.0203");
  CHECK_CSMS_ERROR(
      client.post_json(versions_url(name), json::object{{"secret_string", "x"}, {"version_stages", json::array{"c12"}}}),
      400, "CSMS.0203");
  // A default new version would add SYSPREVIOUS: the 13th stage.
  CHECK_CSMS_ERROR(client.post_json(versions_url(name), json::object{{"secret_string", "x"}}), 400, "CSMS.0203");
  CHECK(list_all_versions(client, name).size() == 1);
  CHECK(stage_owners(client, name).size() == 12);

  // Moving existing stages stays allowed at the limit.
  const auto v2 = create_version(client, name, "two", std::vector<std::string>{"c1"});
  CHECK(get_string(v2, "id") == "v2");
  post_stage(client, name, "c2", "v2");
  put_stage(client, name, "c3", "v2");
  CHECK(stage_owners(client, name).size() == 12);

  // Freeing a stage makes room again.
  REQUIRE_STATUS(client.del(stage_url(name, "c11")), 204);
  post_stage(client, name, "c12", "v2");
  CHECK(stage_owners(client, name).size() == 12);
}
