// versions_test.cpp: CreateSecretVersion, ListSecretVersions, ShowSecretVersion (incl. latest), UpdateVersion (ops 8-11).
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

// "8 | CreateSecretVersion | POST | .../versions | 200 {"version_metadata":VersionMetadata}"
// "version_stages ... omitted → ["SYSCURRENT"]"; "Version ids are assigned v1, v2, v3 … in creation order."
TEST_CASE("create version returns VersionMetadata and numbers versions in order", "[integration][versions]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-create");
  const auto secret = create_secret(client, name, "one");
  const HttpResponse r = client.post_json(versions_url(name), json::object{{"secret_string", "two"}});
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto body = body_object(r);
  CHECK(body.size() == 1);
  const auto& md = get_object(body, "version_metadata");
  check_version_metadata_shape(md, name);
  CHECK(get_string(md, "id") == "v2");
  CHECK(strings_of(get_array(md, "version_stages")) == std::vector<std::string>{"SYSCURRENT"});
  CHECK(get_string(md, "kms_key_id") == get_string(secret, "kms_key_id"));
  // "expire_time absent/null when not set"
  const json::value* expire = md.if_contains("expire_time");
  CHECK((expire == nullptr || expire->is_null()));

  CHECK(get_string(create_version(client, name, "three"), "id") == "v3");
}

// "10 | ShowSecretVersion (incl. latest) | GET | .../versions/{version_id} | 200 {"version":Version}"
// "Exactly one of secret_string / secret_binary carries the value, as stored"
TEST_CASE("show version returns the Version shape with the value", "[integration][versions]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-show");
  create_secret(client, name, "{\"demo_key\":\"demo_value\"}");
  const HttpResponse r = client.get(version_url(name, "v1"));
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto body = body_object(r);
  CHECK(body.size() == 1);
  const auto& version = get_object(body, "version");
  check_version_metadata_shape(get_object(version, "version_metadata"), name);
  CHECK(get_string(get_object(version, "version_metadata"), "id") == "v1");
  CHECK(version.at("secret_string") == json::value("{\"demo_key\":\"demo_value\"}"));
  const json::value* binary = version.if_contains("secret_binary");
  CHECK((binary == nullptr || binary->is_null()));

  // A binary version reports secret_binary verbatim and no string.
  const std::string b64 = "3q2+7w==";
  const HttpResponse created = client.post_json(versions_url(name), json::object{{"secret_binary", b64}});
  REQUIRE_STATUS(created, 200);
  const auto v2 = get_version(client, name, "v2");
  CHECK(v2.at("secret_binary") == json::value(b64));
  const json::value* text = v2.if_contains("secret_string");
  CHECK((text == nullptr || text->is_null()));
}

// "latest = the existing version with the highest number." (decision 5)
TEST_CASE("latest is the highest-numbered version even when SYSCURRENT is elsewhere", "[integration][versions]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-latest");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  create_version(client, name, "three", std::vector<std::string>{"candidate"});
  CHECK(stage_holder(client, name, "SYSCURRENT") == std::optional<std::string>("v2"));
  auto latest = get_version(client, name, "latest");
  CHECK(get_string(get_object(latest, "version_metadata"), "id") == "v3");
  CHECK(latest.at("secret_string") == json::value("three"));

  put_stage(client, name, "SYSCURRENT", "v1");
  latest = get_version(client, name, "latest");
  CHECK(get_string(get_object(latest, "version_metadata"), "id") == "v3");
}

// "9 | ListSecretVersions | GET | .../versions | marker, limit | 200 {"version_metadatas":[...],"page_info":{}}"
// "Returns metadata only (no values)"; api-decisions: "versions in ascending version number"
TEST_CASE("list versions returns metadata only in ascending version number", "[integration][versions][pagination]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("ver-list");
  create_secret(client, name, "value-1");
  for (int i = 2; i <= 11; ++i) create_version(client, name, "value-" + std::to_string(i));
  const HttpResponse r = client.get(versions_url(name));
  REQUIRE_STATUS(r, 200);
  const auto body = body_object(r);
  const auto& items = get_array(body, "version_metadatas");
  std::vector<std::string> ids;
  for (const auto& item : items) {
    REQUIRE(item.is_object());
    check_version_metadata_shape(item.as_object(), name);
    ids.push_back(get_string(item.as_object(), "id"));
  }
  CHECK(ids == std::vector<std::string>{"v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11"});
  check_page_info(body, 11);
  CHECK(body.find("version_metadatas")->value().as_array().size() == 11);
}

// api-decisions: "Version ids are v1, v2, … and never reused; v01 is not v1 (404)."
// "Not found (secret, version, stage, event, tag) answers 404 with a flat body"
TEST_CASE("show version not found and invalid version ids", "[integration][versions][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-missing");
  create_secret(client, name, "v");
  CHECK_CSMS_ERROR(client.get(version_url(name, "v2")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(version_url(name, "v01")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(version_url(unique_name("absent"), "v1")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(version_url(unique_name("absent"), "latest")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(versions_url(unique_name("absent"))), 404, "CSMS.0005");
  // "version_id pattern v[0-9]{1,10}|latest"
  CHECK_CSMS_ERROR(client.get(version_url(name, "current")), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.get(version_url(name, "v12345678901")), 400, "CSMS.0002");
}

// api-decisions: 0002 for both/neither value, empty/invalid/duplicate version_stages, expire_time out of range;
// 0004 for malformed JSON and wrong types; 0204 for more than 12 version_stages; 404 for a missing secret.
TEST_CASE("create version rejects invalid input", "[integration][versions][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-invalid");
  create_secret(client, name, "v");
  struct Case {
    const char* what;
    json::object body;
  };
  json::array thirteen;
  for (int i = 0; i < 13; ++i) thirteen.emplace_back("stage-" + std::to_string(i));
  const std::vector<Case> invalid = {
      {"both values", {{"secret_string", "a"}, {"secret_binary", "AAAA"}}},
      {"neither value", {{"version_stages", json::array{"x"}}}},
      {"value too long", {{"secret_string", std::string(32769, 'x')}}},
      {"binary not base64", {{"secret_binary", "@@@"}}},
      {"empty version_stages", {{"secret_string", "a"}, {"version_stages", json::array{}}}},
      {"stage name with a dot", {{"secret_string", "a"}, {"version_stages", json::array{"a.b"}}}},
      {"65-character stage name", {{"secret_string", "a"}, {"version_stages", json::array{std::string(65, 's')}}}},
      {"duplicate stages", {{"secret_string", "a"}, {"version_stages", json::array{"dup", "dup"}}}},
      {"negative expire_time", {{"secret_string", "a"}, {"expire_time", -1}}},
      {"14-digit expire_time", {{"secret_string", "a"}, {"expire_time", 10000000000000}}},
  };
  for (const auto& c : invalid) {
    INFO(c.what << ": " << json::serialize(c.body));
    CHECK_CSMS_ERROR(client.post_json(versions_url(name), c.body), 400, "CSMS.0002");
  }
  for (const char* body : {"{\"secret_string\": ", "[]", "{\"secret_string\": 1}", "{\"secret_string\": \"a\", \"version_stages\": \"x\"}",
                           "{\"secret_string\": \"a\", \"version_stages\": [1]}", "{\"secret_string\": \"a\", \"expire_time\": \"soon\"}"}) {
    INFO("body " << body);
    CHECK_CSMS_ERROR(client.post(versions_url(name), std::string(body)), 400, "CSMS.0004");
  }
  // "a version_stages list longer than 12 is 400 CSMS.0204"
  CHECK_CSMS_ERROR(client.post_json(versions_url(name), json::object{{"secret_string", "a"}, {"version_stages", thirteen}}),
                   400, "CSMS.0204");
  CHECK_CSMS_ERROR(client.post_json(versions_url(unique_name("absent")), json::object{{"secret_string", "a"}}), 404,
                   "CSMS.0005");
  // Nothing above created a version.
  const auto versions = list_all_versions(client, name);
  REQUIRE(versions.size() == 1);
  CHECK(versions[0].first == "v1");
}

// "expire_time | int64 | no | 0–9999999999999"; api-decisions: "stored truncated to whole seconds"
TEST_CASE("create version with expire_time stores it truncated to seconds", "[integration][versions]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-expire");
  create_secret(client, name, "v");
  const HttpResponse r =
      client.post_json(versions_url(name), json::object{{"secret_string", "w"}, {"expire_time", 4102444800123}});
  REQUIRE_STATUS(r, 200);
  const auto& md = get_object(body_object(r), "version_metadata");
  CHECK(md.at("expire_time") == json::value(4102444800000));
  CHECK(get_object(get_version(client, name, "v2"), "version_metadata").at("expire_time") == json::value(4102444800000));
}

// "11 | UpdateVersion (expire_time) | PUT | .../versions/{version_id} | {"expire_time":int64} | 200
// {"version_metadata":VersionMetadata}"; "body {"expire_time": int64} required, 0–9999999999999"
TEST_CASE("update version sets expire_time", "[integration][versions]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-update");
  create_secret(client, name, "v");
  const HttpResponse r = client.put_json(version_url(name, "v1"), json::object{{"expire_time", 1729243021999}});
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto& md = get_object(body_object(r), "version_metadata");
  check_version_metadata_shape(md, name);
  CHECK(get_string(md, "id") == "v1");
  CHECK(md.at("expire_time") == json::value(1729243021000));
  CHECK(strings_of(get_array(md, "version_stages")) == std::vector<std::string>{"SYSCURRENT"});
  // Only the expiry changes: the value and stages stay.
  const auto v1 = get_version(client, name, "v1");
  CHECK(v1.at("secret_string") == json::value("v"));
  CHECK(get_object(v1, "version_metadata").at("expire_time") == json::value(1729243021000));
}

// "body {"expire_time": int64} required, 0–9999999999999"; api-decisions: a missing required field or a range failure
// is CSMS.0002, a wrong JSON type or malformed JSON CSMS.0004, a missing secret or version 404 CSMS.0005.
TEST_CASE("update version errors", "[integration][versions][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("ver-update-err");
  create_secret(client, name, "v");
  CHECK_CSMS_ERROR(client.put_json(version_url(name, "v1"), json::object{}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.put_json(version_url(name, "v1"), json::object{{"expire_time", -5}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.put_json(version_url(name, "v1"), json::object{{"expire_time", 10000000000000}}), 400,
                   "CSMS.0002");
  CHECK_CSMS_ERROR(client.put_json(version_url(name, "v1"), json::object{{"expire_time", "tomorrow"}}), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.put(version_url(name, "v1"), std::string("{")), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.put_json(version_url(name, "v9"), json::object{{"expire_time", 1729243021000}}), 404,
                   "CSMS.0005");
  CHECK_CSMS_ERROR(client.put_json(version_url(unique_name("absent"), "v1"), json::object{{"expire_time", 1729243021000}}),
                   404, "CSMS.0005");
}

// "secret_string | string | no* | 0–32768"; api-decisions: "Lengths count Unicode code points (JSON Schema
// maxLength), after JSON unescaping."
TEST_CASE("values round-trip exactly and their length counts code points", "[integration][versions]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("roundtrip");
  create_secret(client, name, "first");
  const std::vector<std::string> values = {
      std::string("nul \0 inside", 12), "quotes \" and \\ backslash", "line\nbreaks\r\ttabs", "emoji \xF0\x9F\x98\x80 and \xE2\x82\xAC",
      "{\"json\": [1, 2, {\"nested\": true}]}", "",
  };
  int n = 1;
  for (const auto& value : values) {
    INFO("value #" << n);
    const auto md = create_version(client, name, value);
    CHECK(get_version(client, name, get_string(md, "id")).at("secret_string") == json::value(value));
    ++n;
  }
  // 32768 non-BMP characters are 32768 code points (65536 UTF-16 units): allowed; one more is not.
  std::string emoji;
  for (int i = 0; i < 32768; ++i) emoji += "\xF0\x9F\x98\x80";
  const auto md = create_version(client, name, emoji);
  CHECK(get_version(client, name, get_string(md, "id")).at("secret_string") == json::value(emoji));
  CHECK_CSMS_ERROR(client.post_json(versions_url(name), json::object{{"secret_string", emoji + "\xF0\x9F\x98\x80"}}), 400,
                   "CSMS.0002");
}
