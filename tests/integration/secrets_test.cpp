// secrets_test.cpp: CreateSecret, ListSecrets, ShowSecret, UpdateSecret and DeleteSecret (csms-api.md ops 1-5).
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

// "1 | CreateSecret | POST | /v1/{project_id}/secrets | ... | 200 {"secret":Secret}"
// "Creates version v1 tagged SYSCURRENT"
TEST_CASE("create secret returns the Secret shape and creates v1 as SYSCURRENT", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("create-shape");
  const auto before = now_ms();
  const HttpResponse r = client.post_json(
      secrets_url(), json::object{{"name", name}, {"secret_string", "hunter2"}, {"description", "db password"}});
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  CHECK(r.header("Content-Type") == std::optional<std::string>("application/json;charset=UTF-8"));
  const auto body = body_object(r);
  CHECK(body.size() == 1);
  const auto& secret = get_object(body, "secret");
  check_secret_shape(secret, name);
  CHECK(get_string(secret, "state") == "ENABLED");
  CHECK(get_string(secret, "description") == "db password");
  // "secret_type ... enum COMMON (default)"
  CHECK(get_string(secret, "secret_type") == "COMMON");
  // "scheduled_delete_time is null when no deletion is scheduled"
  CHECK(secret.at("scheduled_delete_time").is_null());
  CHECK(secret.at("create_time").as_int64() >= before / 1000 * 1000);
  CHECK(secret.at("update_time") == secret.at("create_time"));

  const auto versions = list_all_versions(client, name);
  REQUIRE(versions.size() == 1);
  CHECK(versions[0].first == "v1");
  CHECK(versions[0].second == std::vector<std::string>{"SYSCURRENT"});
  const auto v1 = get_version(client, name, "v1");
  CHECK(v1.at("secret_string") == json::value("hunter2"));
  CHECK(stage_holder(client, name, "SYSCURRENT") == std::optional<std::string>("v1"));
}

// "kms_key_id ... omitted → the project's default CMK"; api-decisions: "when omitted at creation it is the
// project's default key id, a UUID derived from the project id so that it stays stable."
TEST_CASE("create secret without kms_key_id uses one stable default key per project", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const auto a = create_secret(client, unique_name("kms-default-a"), "x");
  const auto b = create_secret(client, unique_name("kms-default-b"), "y");
  CHECK(get_string(a, "kms_key_id") == get_string(b, "kms_key_id"));
  CHECK(get_string(a, "id") != get_string(b, "id"));

  const std::string explicit_key = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
  const auto c = create_secret_with(
      client, json::object{{"name", unique_name("kms-explicit")}, {"secret_string", "z"}, {"kms_key_id", explicit_key}});
  CHECK(get_string(c, "kms_key_id") == explicit_key);
}

// "secret_binary | string | no* | 0–32768; base64 text of binary data"; api-decisions: "secret_binary must be
// standard base64 (RFC 4648, padded); it is stored and returned verbatim."
TEST_CASE("create secret with secret_binary returns it verbatim", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("binary");
  const std::string b64 = "AAECAwQFBgcICf/+/fz7+g==";
  create_secret_with(client, json::object{{"name", name}, {"secret_binary", b64}});
  const auto v1 = get_version(client, name, "v1");
  CHECK(v1.at("secret_binary") == json::value(b64));
  const json::value* s = v1.if_contains("secret_string");
  CHECK((s == nullptr || s->is_null()));
}

// api-decisions: "a field or path/query parameter fails its regex, range or enum; a required field is missing; both
// or neither of secret_string/secret_binary → 400 CSMS.0002"
TEST_CASE("create secret rejects invalid input with CSMS.0002", "[integration][secrets][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string ok = unique_name("valid");
  struct Case {
    const char* what;
    json::object body;
  };
  const std::vector<Case> cases = {
      {"name with a dot", {{"name", "has.dot"}, {"secret_string", "v"}}},
      {"name with a space", {{"name", "has space"}, {"secret_string", "v"}}},
      {"empty name", {{"name", ""}, {"secret_string", "v"}}},
      {"65-character name", {{"name", std::string(65, 'a')}, {"secret_string", "v"}}},
      {"missing name", {{"secret_string", "v"}}},
      {"both values", {{"name", ok}, {"secret_string", "v"}, {"secret_binary", "AAAA"}}},
      {"neither value", {{"name", ok}}},
      {"32769-character value", {{"name", ok}, {"secret_string", std::string(32769, 'x')}}},
      {"secret_binary not base64", {{"name", ok}, {"secret_binary", "not base64!"}}},
      {"kms_key_id not a UUID", {{"name", ok}, {"secret_string", "v"}, {"kms_key_id", "my-key"}}},
      {"legacy secret_type RDS", {{"name", ok}, {"secret_string", "v"}, {"secret_type", "RDS"}}},
      {"2049-character description", {{"name", ok}, {"secret_string", "v"}, {"description", std::string(2049, 'd')}}},
  };
  for (const auto& c : cases) {
    INFO(c.what << ": " << json::serialize(c.body));
    CHECK_CSMS_ERROR(client.post_json(secrets_url(), c.body), 400, "CSMS.0002");
  }
  // None of the rejected requests created the secret.
  CHECK_CSMS_ERROR(client.get(secret_url(ok)), 404, "CSMS.0005");
}

// "Values: exactly one of secret_string / secret_binary, each at most 32768 characters."
// api-decisions: "Lengths count Unicode code points ... after JSON unescaping."
TEST_CASE("create secret accepts a value of exactly 32768 code points", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("max-value");
  std::string value;
  for (int i = 0; i < 32768; ++i) value += "\xC3\xA9";  // U+00E9, two UTF-8 bytes each
  create_secret(client, name, value);
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value(value));

  std::string too_long = value + "\xC3\xA9";
  CHECK_CSMS_ERROR(client.post_json(secrets_url(), json::object{{"name", unique_name("over")}, {"secret_string", too_long}}),
                   400, "CSMS.0002");
}

// api-decisions: "body is not valid JSON, not an object, or a field has the wrong JSON type → 400 CSMS.0004"
TEST_CASE("create secret rejects malformed bodies with CSMS.0004", "[integration][secrets][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  for (const char* body : {"{\"name\": \"a\", ", "not json", "[1,2,3]", "\"a string\"", "{\"name\": 42, \"secret_string\": \"v\"}",
                           "{\"name\": \"ok-name\", \"secret_string\": 7}",
                           "{\"name\": \"ok-name\", \"secret_string\": \"v\", \"description\": []}"}) {
    INFO("body " << body);
    CHECK_CSMS_ERROR(client.post(secrets_url(), std::string(body)), 400, "CSMS.0004");
  }
  CHECK_CSMS_ERROR(client.get(secret_url("ok-name")), 404, "CSMS.0005");
}

// "409 | CSMS.0101 | The secret name already exists. | Create/restore/import with a taken name"
// "Names are case-sensitive"
TEST_CASE("create secret with a taken name is 409 CSMS.0101 and names are case-sensitive", "[integration][secrets][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("Dup");
  const auto first = create_secret(client, name, "original");
  const HttpResponse again = client.post_json(secrets_url(), json::object{{"name", name}, {"secret_string", "other"}});
  CHECK_CSMS_ERROR(again, 409, "CSMS.0101");
  // The first secret is untouched.
  CHECK(get_string(get_secret(client, name), "id") == get_string(first, "id"));
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("original"));
  CHECK(list_all_versions(client, name).size() == 1);

  // Another case is another name.
  std::string lower = name;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  create_secret(client, lower, "lowercase");
  CHECK(get_version(client, lower, "v1").at("secret_string") == json::value("lowercase"));
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("original"));
}

// "3 | ShowSecret | GET | .../secrets/{secret_name} | 200 {"secret":Secret}"
// "Not found (secret, version, stage, event, tag) answers 404 with a flat body {"error_code": "CSMS.0005", ...}"
TEST_CASE("show secret returns what create returned and 404 CSMS.0005 when missing", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("show");
  const auto created = create_secret(client, name, "v");
  const auto shown = get_secret(client, name);
  check_secret_shape(shown, name);
  CHECK(shown == created);
  CHECK_CSMS_ERROR(client.get(secret_url(unique_name("absent"))), 404, "CSMS.0005");
  // "secret_name ^[a-zA-Z0-9_-]{1,64}$" in the path
  CHECK_CSMS_ERROR(client.get(secret_url("bad.name")), 400, "CSMS.0002");
  // api-decisions: "project_id in the path: ^[a-zA-Z0-9_-]{32,64}$"
  CHECK_CSMS_ERROR(client.get(secret_url(name, "0123456789abcdef0123456789abcde")), 400, "CSMS.0002");
}

// "4 | UpdateSecret | PUT | .../secrets/{secret_name} | UpdateSecretRequestBody | 200 {"secret":Secret}"
// "Not updatable: name, secret_type, rotation_config, enterprise_project_id."
TEST_CASE("update secret changes description and kms_key_id only", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("update");
  const auto created = create_secret_with(client, json::object{{"name", name}, {"secret_string", "v"}, {"description", "old"}});
  const std::string new_key = "11111111-2222-3333-4444-555555555555";
  const HttpResponse r = client.put_json(secret_url(name),
                                         json::object{{"description", "new"}, {"kms_key_id", new_key}, {"name", "ignored-name"}});
  REQUIRE_STATUS(r, 200);
  const auto& updated = get_object(body_object(r), "secret");
  check_secret_shape(updated, name);
  CHECK(get_string(updated, "description") == "new");
  CHECK(get_string(updated, "kms_key_id") == new_key);
  CHECK(get_string(updated, "name") == name);
  CHECK(get_string(updated, "id") == get_string(created, "id"));
  CHECK(updated.at("create_time") == created.at("create_time"));
  CHECK(updated.at("update_time").as_int64() >= created.at("update_time").as_int64());
  CHECK(get_secret(client, name) == updated);
  CHECK_CSMS_ERROR(client.get(secret_url("ignored-name")), 404, "CSMS.0005");
  // The value is not touched by an update.
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("v"));
  // "kms_key_id ... only versions created afterwards use the new key, older versions keep theirs"
  const auto v2 = create_version(client, name, "v2");
  CHECK(get_string(v2, "kms_key_id") == new_key);
  CHECK(get_string(get_object(get_version(client, name, "v1"), "version_metadata"), "kms_key_id") ==
        get_string(created, "kms_key_id"));
}

// api-decisions error table: 0002 for regex/range failures, 0004 for wrong JSON types, 404 CSMS.0005 when missing.
TEST_CASE("update secret errors", "[integration][secrets][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("update-err");
  create_secret(client, name, "v");
  CHECK_CSMS_ERROR(client.put_json(secret_url(name), json::object{{"kms_key_id", "nope"}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.put_json(secret_url(name), json::object{{"description", std::string(2049, 'x')}}), 400,
                   "CSMS.0002");
  CHECK_CSMS_ERROR(client.put(secret_url(name), std::string("{\"description\": ")), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.put_json(secret_url(name), json::object{{"description", 5}}), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.put_json(secret_url(unique_name("absent")), json::object{{"description", "x"}}), 404,
                   "CSMS.0005");
}

// "5 | DeleteSecret (immediate) | DELETE | ... | 200, empty body"
// "Immediate DELETE removes everything at once, 200, irreversible."
TEST_CASE("delete secret answers 200 with an empty body and removes versions and stages", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("delete");
  create_secret(client, name, "first");
  create_version(client, name, "second");
  put_stage(client, name, "custom", "v1");

  const HttpResponse r = client.del(secret_url(name));
  REQUIRE_STATUS(r, 200);
  CHECK(r.body.empty());
  check_request_id(r);

  CHECK_CSMS_ERROR(client.get(secret_url(name)), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(versions_url(name)), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(version_url(name, "v1")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(stage_url(name, "custom")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.del(secret_url(name)), 404, "CSMS.0005");

  // The name is free again and starts from scratch.
  create_secret(client, name, "reborn");
  const auto versions = list_all_versions(client, name);
  REQUIRE(versions.size() == 1);
  CHECK(versions[0].first == "v1");
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("reborn"));
  CHECK(stage_holder(client, name, "custom") == std::nullopt);
}

// "2 | ListSecrets | GET | /v1/{project_id}/secrets | limit, marker | 200 {"secrets":[...],"page_info":{}}"
// api-decisions: "Secrets are listed in ascending byte order of name"
TEST_CASE("list secrets returns Secret objects in ascending byte order of name", "[integration][secrets][pagination]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::vector<std::string> names = {"b-list", "Z-list", "a-list", "_list", "9-list", "-list", "B-list"};
  for (const auto& n : names) create_secret(client, n, "v");
  const HttpResponse r = client.get(secrets_url());
  REQUIRE_STATUS(r, 200);
  const auto body = body_object(r);
  const auto& secrets = get_array(body, "secrets");
  std::vector<std::string> listed;
  for (const auto& s : secrets) {
    REQUIRE(s.is_object());
    check_secret_shape(s.as_object(), get_string(s.as_object(), "name"));
    listed.push_back(get_string(s.as_object(), "name"));
  }
  CHECK(listed == std::vector<std::string>{"-list", "9-list", "B-list", "Z-list", "_list", "a-list", "b-list"});
  check_page_info(body, names.size());
  CHECK(get_object(body, "page_info").at("next_marker").is_null());
}

// "Every list response has page_info"; "a page past the end is an empty array"
TEST_CASE("list secrets of an empty project is an empty array with page_info", "[integration][secrets][pagination]") {
  Daemon daemon;
  auto client = daemon.client();
  const HttpResponse r = client.get(secrets_url());
  REQUIRE_STATUS(r, 200);
  const auto body = body_object(r);
  CHECK(get_array(body, "secrets").empty());
  check_page_info(body, 0);
  CHECK(get_object(body, "page_info").at("next_marker").is_null());
  CHECK(get_object(body, "page_info").at("previous_marker").is_null());
}

// api-decisions: "Unknown body fields are ignored (Terraform and newer SDKs send more than older daemons know)";
// "null counts as absent."
TEST_CASE("unknown body fields are ignored and null counts as absent", "[integration][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("lenient");
  const auto secret = create_secret_with(client, json::object{{"name", name},
                                                              {"secret_string", "v"},
                                                              {"secret_binary", nullptr},
                                                              {"description", nullptr},
                                                              {"kms_key_id", nullptr},
                                                              {"some_future_field", json::object{{"x", 1}}},
                                                              {"enterprise_project_id", "0"}});
  check_secret_shape(secret, name);
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("v"));
  const HttpResponse v = client.post_json(
      versions_url(name), json::object{{"secret_string", "w"}, {"version_stages", nullptr}, {"unknown", true}});
  REQUIRE_STATUS(v, 200);
  // version_stages null = omitted = ["SYSCURRENT"]
  CHECK(strings_of(get_array(get_object(body_object(v), "version_metadata"), "version_stages")) ==
        std::vector<std::string>{"SYSCURRENT"});
  REQUIRE_STATUS(client.put_json(secret_url(name), json::object{{"description", "d"}, {"whatever", "x"}}), 200);
}

// "secret_name ^[a-zA-Z0-9_-]{1,64}$; stage_name ^[a-zA-Z0-9_-]{1,64}$"; api-decisions: "project_id in the path:
// ^[a-zA-Z0-9_-]{32,64}$"; "a field or path/query parameter fails its regex ... → 400 CSMS.0002".
TEST_CASE("path parameters failing their regex are CSMS.0002 on every operation", "[integration][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string good = unique_name("path-params");
  create_secret(client, good, "v");
  const json::object stage_body{{"name", "blue"}, {"version_id", "v1"}};
  const std::string long_name(65, 'n');
  const std::string short_project(31, 'a');
  const std::string long_project(65, 'a');

  for (const std::string& bad : {std::string("bad.name"), std::string("bad%20name"), long_name}) {
    INFO("secret name " << bad);
    CHECK_CSMS_ERROR(client.get(secret_url(bad)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.put_json(secret_url(bad), json::object{{"description", "x"}}), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.del(secret_url(bad)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.post_json(schedule_delete_url(bad), json::object{{"recovery_window_in_days", 7}}), 400,
                     "CSMS.0002");
    CHECK_CSMS_ERROR(client.post(cancel_delete_url(bad)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.post_json(versions_url(bad), json::object{{"secret_string", "x"}}), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.get(versions_url(bad)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.get(version_url(bad, "v1")), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.put_json(version_url(bad, "v1"), json::object{{"expire_time", 0}}), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.post_json(stages_url(bad), stage_body), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.put_json(stage_url(bad, "blue"), json::object{{"version_id", "v1"}}), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.get(stage_url(bad, "blue")), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.del(stage_url(bad, "blue")), 400, "CSMS.0002");
  }
  for (const std::string& project : {short_project, long_project, std::string(31, 'a') + "."}) {
    INFO("project " << project);
    CHECK_CSMS_ERROR(client.get(secrets_url(project)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.post_json(secrets_url(project), json::object{{"name", "p"}, {"secret_string", "x"}}), 400,
                     "CSMS.0002");
    CHECK_CSMS_ERROR(client.get(secret_url(good, project)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.get(version_url(good, "v1", project)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.get(stage_url(good, "SYSCURRENT", project)), 400, "CSMS.0002");
  }
  // A 64-character project id is valid.
  REQUIRE_STATUS(client.get(secrets_url(std::string(64, 'b'))), 200);
  for (const std::string& stage : {std::string("bad.stage"), std::string(65, 's')}) {
    INFO("stage " << stage);
    CHECK_CSMS_ERROR(client.put_json(stage_url(good, stage), json::object{{"version_id", "v1"}}), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.get(stage_url(good, stage)), 400, "CSMS.0002");
    CHECK_CSMS_ERROR(client.del(stage_url(good, stage)), 400, "CSMS.0002");
  }
  CHECK_CSMS_ERROR(client.put_json(version_url(good, "one"), json::object{{"expire_time", 0}}), 400, "CSMS.0002");
  // Nothing changed.
  CHECK(stage_owners(client, good) == std::map<std::string, std::string>{{"SYSCURRENT", "v1"}});
}
