// api_test.cpp: api::Api::handle driven in-process (no sockets) over a real service: shapes, errors, validation.
#include "api/routes.hpp"

#include "common/api_env.hpp"

#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>
#include <string>
#include <vector>

namespace {

using csms::http::Method;
using csms::unit::method_name;
using csms::unit::kProject;
namespace json = boost::json;

const std::string P(kProject);
const std::string kBase = "/v1/" + P + "/secrets";

using csms::unit::Reply;

struct ApiEnv : csms::unit::ApiEnv {
  /// Creates a secret through the API; fails the test unless it answers 200.
  json::object create_secret(const std::string& name, const std::string& value = "value-1") {
    const auto reply = post(kBase, json::serialize(json::object{{"name", name}, {"secret_string", value}}));
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    return reply.json.at("secret").as_object();
  }

  json::object create_version(const std::string& name, const json::object& body) {
    const auto reply = post(kBase + "/" + name + "/versions", json::serialize(body));
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    return reply.json.at("version_metadata").as_object();
  }
};

std::set<std::string> keys_of(const json::value& value) {
  std::set<std::string> keys;
  for (const auto& entry : value.as_object()) keys.emplace(entry.key());
  return keys;
}

/// A flat CSMS error body with both fields.
void check_error(const Reply& reply, unsigned status, const std::string& code) {
  INFO("status " << reply.status << " body " << reply.body);
  CHECK(reply.status == status);
  REQUIRE(reply.json.is_object());
  const auto& object = reply.json.as_object();
  CHECK(object.size() == 2);
  REQUIRE(object.contains("error_code"));
  REQUIRE(object.contains("error_msg"));
  CHECK(object.at("error_code").as_string() == code);
  REQUIRE(object.at("error_msg").is_string());
  CHECK_FALSE(object.at("error_msg").as_string().empty());
}

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes

TEST_CASE("CreateSecret answers 200 with the full Secret object", "[unit][api][secrets]") {
  ApiEnv env;
  const auto reply = env.post(kBase, R"({"name":"shape","secret_string":"s3cr3t","description":"d"})");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(reply.content_type == "application/json;charset=UTF-8");
  CHECK(keys_of(reply.json) == std::set<std::string>{"secret"});
  const auto& secret = reply.json.at("secret");
  CHECK(keys_of(secret) == std::set<std::string>{"id", "name", "state", "kms_key_id", "description", "create_time",
                                                 "update_time", "scheduled_delete_time", "secret_type",
                                                 "auto_rotation", "rotation_period", "rotation_config",
                                                 "rotation_time", "next_rotation_time", "event_subscriptions",
                                                 "enterprise_project_id", "rotation_func_urn"});
  CHECK(secret.at("name").as_string() == "shape");
  CHECK(secret.at("state").as_string() == "ENABLED");
  CHECK(secret.at("description").as_string() == "d");
  CHECK(secret.at("id").as_string().size() == 36);
  CHECK(secret.at("kms_key_id").as_string() == csms::domain::SecretService::default_kms_key_id(P));
  CHECK(secret.at("create_time").as_int64() == env.time.now);
  CHECK(secret.at("update_time").as_int64() == env.time.now);
  CHECK(secret.at("create_time").as_int64() % 1000 == 0);
  CHECK(secret.at("scheduled_delete_time").is_null());
  CHECK(secret.at("secret_type").as_string() == "COMMON");
  CHECK(secret.at("auto_rotation").as_bool() == false);
  CHECK(secret.at("rotation_period").is_null());
  CHECK(secret.at("event_subscriptions").as_array().empty());
  CHECK(secret.at("enterprise_project_id").as_string() == "0");
  CHECK(reply.body.find("s3cr3t") == std::string::npos);  // the value is never echoed

  const auto shown = env.get(kBase + "/shape");
  REQUIRE(shown.status == 200);
  CHECK(shown.json.at("secret") == secret);
}

TEST_CASE("ListSecrets answers secrets and page_info", "[unit][api][secrets]") {
  ApiEnv env;
  for (const char* name : {"c", "a", "b"}) env.create_secret(name);
  auto reply = env.get(kBase + "?limit=2");
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"secrets", "page_info"});
  const auto& secrets = reply.json.at("secrets").as_array();
  REQUIRE(secrets.size() == 2);
  CHECK(secrets[0].at("name").as_string() == "a");
  CHECK(secrets[1].at("name").as_string() == "b");
  const auto& page = reply.json.at("page_info");
  CHECK(keys_of(page) == std::set<std::string>{"next_marker", "previous_marker", "current_count"});
  CHECK(page.at("next_marker").as_string() == "b");
  CHECK(page.at("previous_marker").as_string() == "a");
  CHECK(page.at("current_count").to_number<std::int64_t>() == 2);

  reply = env.get(kBase + "?limit=2&marker=b");
  REQUIRE(reply.status == 200);
  REQUIRE(reply.json.at("secrets").as_array().size() == 1);
  CHECK(reply.json.at("secrets").at(0).at("name").as_string() == "c");
  CHECK(reply.json.at("page_info").at("next_marker").is_null());
  CHECK(reply.json.at("page_info").at("previous_marker").as_string() == "c");

  reply = env.get(kBase + "?marker=c");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secrets").as_array().empty());
  CHECK(reply.json.at("page_info").at("next_marker").is_null());
  CHECK(reply.json.at("page_info").at("previous_marker").is_null());
  CHECK(reply.json.at("page_info").at("current_count").to_number<std::int64_t>() == 0);
}

TEST_CASE("ListSecrets defaults to 50 per page", "[unit][api][secrets]") {
  ApiEnv env;
  for (int i = 0; i < 51; ++i) env.create("s" + std::to_string(100 + i));
  auto reply = env.get(kBase);
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secrets").as_array().size() == 50);
  CHECK(reply.json.at("page_info").at("next_marker").as_string() == "s149");
  reply = env.get(kBase + "?limit=");
  CHECK(reply.json.at("secrets").as_array().size() == 50);
  reply = env.get(kBase + "?limit=1000");
  CHECK(reply.json.at("secrets").as_array().size() == 51);
  CHECK(reply.json.at("page_info").at("next_marker").is_null());
}

TEST_CASE("ListSecrets filters by event_name", "[unit][api][secrets]") {
  ApiEnv env;
  REQUIRE(env.post(kBase, R"({"name":"sub","secret_string":"v","event_subscriptions":["ev1"]})").status == 200);
  env.create_secret("plain");
  const auto reply = env.get(kBase + "?event_name=ev1");
  REQUIRE(reply.status == 200);
  REQUIRE(reply.json.at("secrets").as_array().size() == 1);
  CHECK(reply.json.at("secrets").at(0).at("name").as_string() == "sub");
  CHECK(reply.json.at("secrets").at(0).at("event_subscriptions").at(0).as_string() == "ev1");
  check_error(env.get(kBase + "?event_name=bad.name"), 400, "CSMS.0002");
}

TEST_CASE("ListSecrets limit and marker are validated", "[unit][api][secrets]") {
  ApiEnv env;
  env.create_secret("x");
  const std::string query = GENERATE(as<std::string>{}, "limit=0", "limit=1001", "limit=abc", "limit=-1",
                                     "limit=1.5", "limit=1e2", "limit=%205", "limit=5x", "limit=99999999999999999999",
                                     "marker=a.b", "marker=" + std::string(65, 'm'), "marker=%zz");
  INFO(query);
  check_error(env.get(kBase + "?" + query), 400, "CSMS.0002");
}

TEST_CASE("ListSecrets accepts limit 1 and 1000 and ignores unknown query parameters", "[unit][api][secrets]") {
  ApiEnv env;
  env.create_secret("x");
  env.create_secret("y");
  auto reply = env.get(kBase + "?limit=1&unknown=1");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secrets").as_array().size() == 1);
  CHECK(reply.json.at("page_info").at("next_marker").as_string() == "x");
  reply = env.get(kBase + "?limit=1000");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secrets").as_array().size() == 2);
}

TEST_CASE("UpdateSecret changes the given fields and answers the Secret", "[unit][api][secrets]") {
  ApiEnv env;
  const auto created = env.create_secret("upd");
  env.time.advance(std::chrono::seconds(3));
  auto reply = env.put(kBase + "/upd", R"({"description":"new","kms_key_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"})");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secret").at("description").as_string() == "new");
  CHECK(reply.json.at("secret").at("kms_key_id").as_string() == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  CHECK(reply.json.at("secret").at("update_time").as_int64() == created.at("create_time").as_int64() + 3000);
  CHECK(reply.json.at("secret").at("id") == created.at("id"));

  // Terraform sends description "" and event_subscriptions [].
  reply = env.put(kBase + "/upd", R"({"description":"","event_subscriptions":[]})");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secret").at("description").as_string() == "");
  // An empty body changes nothing.
  CHECK(env.put(kBase + "/upd", "").status == 200);
  CHECK(env.put(kBase + "/upd", "{}").status == 200);

  check_error(env.put(kBase + "/upd", R"({"kms_key_id":"nope"})"), 400, "CSMS.0002");
  check_error(env.put(kBase + "/upd", R"({"description":5})"), 400, "CSMS.0004");
  check_error(env.put(kBase + "/upd", R"({"auto_rotation":true})"), 400, "CSMS.0002");
  check_error(env.put(kBase + "/upd", R"({"rotation_period":"1h"})"), 400, "CSMS.0002");
  check_error(env.put(kBase + "/upd", "[]"), 400, "CSMS.0004");
  check_error(env.put(kBase + "/missing", "{}"), 404, "CSMS.0005");
}

TEST_CASE("DeleteSecret answers 200 with an empty body, then 404", "[unit][api][secrets]") {
  ApiEnv env;
  env.create_secret("gone");
  const auto reply = env.del(kBase + "/gone");
  CHECK(reply.status == 200);
  CHECK(reply.body.empty());
  check_error(env.get(kBase + "/gone"), 404, "CSMS.0005");
  check_error(env.del(kBase + "/gone"), 404, "CSMS.0005");
}

TEST_CASE("a taken name is 409 CSMS.0101", "[unit][api][secrets]") {
  ApiEnv env;
  env.create_secret("taken");
  check_error(env.post(kBase, R"({"name":"taken","secret_string":"x"})"), 409, "CSMS.0101");
  // Case-sensitive: another spelling is another secret.
  CHECK(env.post(kBase, R"({"name":"Taken","secret_string":"x"})").status == 200);
}

// ---------------------------------------------------------------------------------------------------------------
// CreateSecret field validation

struct FieldCase {
  std::string name;
  std::string body;
  unsigned status;
  std::string code;  // empty for 200
};

std::string create_body(const std::string& extra_json_fields) {
  return R"({"name":"f",)" + extra_json_fields + "}";
}

std::vector<FieldCase> create_secret_cases() {
  const std::string e = "\xC3\xA9";              // é, 2 bytes
  const std::string key = "\xF0\x9F\x94\x91";    // 🔑, 4 bytes
  std::vector<FieldCase> cases{
      // name
      {"name missing", R"({"secret_string":"v"})", 400, "CSMS.0002"},
      {"name null", R"({"name":null,"secret_string":"v"})", 400, "CSMS.0002"},
      {"name empty", R"({"name":"","secret_string":"v"})", 400, "CSMS.0002"},
      {"name with a dot", R"({"name":"a.b","secret_string":"v"})", 400, "CSMS.0002"},
      {"name with a space", R"({"name":"a b","secret_string":"v"})", 400, "CSMS.0002"},
      {"name non-ASCII", R"({"name":")" + e + R"(","secret_string":"v"})", 400, "CSMS.0002"},
      {"name 65 characters", R"({"name":")" + std::string(65, 'n') + R"(","secret_string":"v"})", 400, "CSMS.0002"},
      {"name 64 characters", R"({"name":")" + std::string(64, 'n') + R"(","secret_string":"v"})", 200, ""},
      {"name of every allowed character", R"({"name":"aZ09_-","secret_string":"v"})", 200, ""},
      {"name a number", R"({"name":42,"secret_string":"v"})", 400, "CSMS.0004"},
      {"name an array", R"({"name":["a"],"secret_string":"v"})", 400, "CSMS.0004"},
      // kms_key_id
      {"kms_key_id lowercase UUID", create_body(R"("secret_string":"v","kms_key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f")"), 200, ""},
      {"kms_key_id uppercase", create_body(R"("secret_string":"v","kms_key_id":"0D0466B0-E727-4D9C-B35D-F84BB474A37F")"), 400, "CSMS.0002"},
      {"kms_key_id without dashes", create_body(R"("secret_string":"v","kms_key_id":"0d0466b0e7274d9cb35df84bb474a37f")"), 400, "CSMS.0002"},
      {"kms_key_id garbage", create_body(R"("secret_string":"v","kms_key_id":"nope")"), 400, "CSMS.0002"},
      {"kms_key_id empty", create_body(R"("secret_string":"v","kms_key_id":"")"), 400, "CSMS.0002"},
      {"kms_key_id a number", create_body(R"("secret_string":"v","kms_key_id":1)"), 400, "CSMS.0004"},
      // description: code points, not bytes
      {"description 2048 ASCII", create_body(R"("secret_string":"v","description":")" + std::string(2048, 'd') + "\""), 200, ""},
      {"description 2049 ASCII", create_body(R"("secret_string":"v","description":")" + std::string(2049, 'd') + "\""), 400, "CSMS.0002"},
      {"description 2048 two-byte characters", create_body(R"("secret_string":"v","description":")" + repeat(e, 2048) + "\""), 200, ""},
      {"description 2049 two-byte characters", create_body(R"("secret_string":"v","description":")" + repeat(e, 2049) + "\""), 400, "CSMS.0002"},
      {"description 2048 four-byte characters", create_body(R"("secret_string":"v","description":")" + repeat(key, 2048) + "\""), 200, ""},
      {"description 2048 escaped characters", create_body(R"("secret_string":"v","description":")" + repeat("\\u00e9", 2048) + "\""), 200, ""},
      {"description 2049 escaped characters", create_body(R"("secret_string":"v","description":")" + repeat("\\u00e9", 2049) + "\""), 400, "CSMS.0002"},
      {"description a number", create_body(R"("secret_string":"v","description":5)"), 400, "CSMS.0004"},
      {"description null", create_body(R"("secret_string":"v","description":null)"), 200, ""},
      // the value
      {"neither value", create_body(R"("description":"x")"), 400, "CSMS.0002"},
      {"both values", create_body(R"("secret_string":"v","secret_binary":"QQ==")"), 400, "CSMS.0002"},
      {"both null", create_body(R"("secret_string":null,"secret_binary":null)"), 400, "CSMS.0002"},
      {"null string with a binary", create_body(R"("secret_string":null,"secret_binary":"QQ==")"), 200, ""},
      {"empty string value", create_body(R"("secret_string":"")"), 200, ""},
      {"secret_string 32768 ASCII", create_body(R"("secret_string":")" + std::string(32768, 's') + "\""), 200, ""},
      {"secret_string 32769 ASCII", create_body(R"("secret_string":")" + std::string(32769, 's') + "\""), 400, "CSMS.0002"},
      {"secret_string 32768 two-byte", create_body(R"("secret_string":")" + repeat(e, 32768) + "\""), 200, ""},
      {"secret_string 32769 two-byte", create_body(R"("secret_string":")" + repeat(e, 32769) + "\""), 400, "CSMS.0002"},
      {"secret_string 32768 four-byte", create_body(R"("secret_string":")" + repeat(key, 32768) + "\""), 200, ""},
      {"secret_string 32768 escaped", create_body(R"("secret_string":")" + repeat("\\u0041", 32768) + "\""), 200, ""},
      {"secret_string 32769 escaped", create_body(R"("secret_string":")" + repeat("\\u0041", 32769) + "\""), 400, "CSMS.0002"},
      {"secret_string a number", create_body(R"("secret_string":5)"), 400, "CSMS.0004"},
      {"secret_string an object", create_body(R"("secret_string":{"a":1})"), 400, "CSMS.0004"},
      {"secret_binary padded", create_body(R"("secret_binary":"QQ==")"), 200, ""},
      {"secret_binary unpadded length", create_body(R"("secret_binary":"QQ=")"), 400, "CSMS.0002"},
      {"secret_binary url alphabet", create_body(R"("secret_binary":"QQ-_")"), 400, "CSMS.0002"},
      {"secret_binary not base64", create_body(R"("secret_binary":"not base64!")"), 400, "CSMS.0002"},
      {"secret_binary padding inside", create_body(R"("secret_binary":"QQ==QQ==")"), 400, "CSMS.0002"},
      {"secret_binary 32768 characters", create_body(R"("secret_binary":")" + std::string(32768, 'A') + "\""), 200, ""},
      {"secret_binary 32772 characters", create_body(R"("secret_binary":")" + std::string(32772, 'A') + "\""), 400, "CSMS.0002"},
      {"secret_binary a boolean", create_body(R"("secret_binary":true)"), 400, "CSMS.0004"},
      // other fields
      {"secret_type legacy RDS", create_body(R"("secret_string":"v","secret_type":"RDS")"), 400, "CSMS.0002"},
      {"secret_type COMMON", create_body(R"("secret_string":"v","secret_type":"COMMON")"), 200, ""},
      {"secret_type RDS-FG without rotation_config", create_body(R"("secret_string":"v","secret_type":"RDS-FG")"), 400, "CSMS.0002"},
      {"secret_type RDS-FG with rotation_config",
       create_body(R"("secret_string":"v","secret_type":"RDS-FG","rotation_config":"{\"InstanceId\":\"i\",\"SecretSubType\":\"SingleUser\"}")"),
       200, ""},
      {"rotation_config with an unknown SecretSubType",
       create_body(R"("secret_string":"v","secret_type":"GaussDB-FG","rotation_config":"{\"InstanceId\":\"i\",\"SecretSubType\":\"Other\"}")"),
       400, "CSMS.0002"},
      {"rotation_config not JSON", create_body(R"("secret_string":"v","rotation_config":"not json")"), 400, "CSMS.0002"},
      {"rotation_config longer than 1024",
       create_body(R"("secret_string":"v","rotation_config":"{\"k\":\")" + std::string(1020, 'x') + R"(\"}")"), 400,
       "CSMS.0002"},
      {"auto_rotation not a boolean", create_body(R"("secret_string":"v","auto_rotation":"yes")"), 400, "CSMS.0004"},
      {"auto_rotation without period", create_body(R"("secret_string":"v","auto_rotation":true)"), 400, "CSMS.0002"},
      {"auto_rotation with period", create_body(R"("secret_string":"v","auto_rotation":true,"rotation_period":"6h")"), 200, ""},
      {"rotation_period too short", create_body(R"("secret_string":"v","rotation_period":"5h")"), 400, "CSMS.0002"},
      {"event_subscriptions two", create_body(R"("secret_string":"v","event_subscriptions":["a","b"])"), 400, "CSMS.0002"},
      {"event_subscriptions bad name", create_body(R"("secret_string":"v","event_subscriptions":["a.b"])"), 400, "CSMS.0002"},
      {"event_subscriptions not an array", create_body(R"("secret_string":"v","event_subscriptions":"ev")"), 400, "CSMS.0004"},
      {"event_subscriptions of numbers", create_body(R"("secret_string":"v","event_subscriptions":[1])"), 400, "CSMS.0004"},
      {"event_subscriptions empty", create_body(R"("secret_string":"v","event_subscriptions":[])"), 200, ""},
      {"enterprise_project_id empty", create_body(R"("secret_string":"v","enterprise_project_id":"")"), 400, "CSMS.0002"},
      {"enterprise_project_id 37", create_body(R"("secret_string":"v","enterprise_project_id":")" + std::string(37, 'e') + "\""), 400, "CSMS.0002"},
      {"unknown fields are ignored", create_body(R"("secret_string":"v","future_field":{"x":[1,2,3]},"other":null)"), 200, ""},
  };
  return cases;
}

TEST_CASE("CreateSecret validates every field", "[unit][api][validation]") {
  const FieldCase c = GENERATE(from_range(create_secret_cases()));
  INFO(c.name);
  ApiEnv env;
  const auto reply = env.post(kBase, c.body);
  if (c.code.empty()) {
    INFO(reply.body);
    CHECK(reply.status == 200);
  } else {
    check_error(reply, c.status, c.code);
    // A refused create leaves nothing behind.
    CHECK(env.store->database().execAndGet("SELECT count(*) FROM secrets").getInt() == 0);
  }
}

TEST_CASE("values come back as they were sent", "[unit][api][versions]") {
  ApiEnv env;
  const std::string text = "multi\nline \"quoted\" \xC3\xA9\xF0\x9F\x94\x91 \\ end";
  REQUIRE(env.post(kBase, json::serialize(json::object{{"name", "txt"}, {"secret_string", text}})).status == 200);
  auto reply = env.get(kBase + "/txt/versions/latest");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("version").at("secret_string").as_string() == text);
  CHECK(reply.json.at("version").at("secret_binary").is_null());

  REQUIRE(env.post(kBase, R"({"name":"bin","secret_binary":"AAEC/w=="})").status == 200);
  reply = env.get(kBase + "/bin/versions/v1");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("version").at("secret_binary").as_string() == "AAEC/w==");
  CHECK(reply.json.at("version").at("secret_string").is_null());

  // An escaped NUL survives.
  REQUIRE(env.post(kBase, R"({"name":"nul","secret_string":"a\u0000b"})").status == 200);
  reply = env.get(kBase + "/nul/versions/latest");
  CHECK(reply.json.at("version").at("secret_string").as_string() == std::string("a\0b", 3));
}

// ---------------------------------------------------------------------------------------------------------------
// Malformed requests

TEST_CASE("malformed JSON bodies are 400 CSMS.0004", "[unit][api][validation]") {
  ApiEnv env;
  env.create_secret("target");
  const std::string body = GENERATE(as<std::string>{}, "", "   ", "{", "[]", "\"str\"", "42", "null", "true",
                                    R"({"name":"x",})", "{'name':'x'}", R"({"name":"x","secret_string":"v"} extra)",
                                    R"({"name":"x","secret_string":"v"}{})");
  INFO("body: " << body);
  check_error(env.post(kBase, body), 400, "CSMS.0004");
  check_error(env.post(kBase + "/target/versions", body), 400, "CSMS.0004");
  check_error(env.post(kBase + "/target/stages", body), 400, "CSMS.0004");
  check_error(env.put(kBase + "/target/stages/A", body), 400, "CSMS.0004");
  check_error(env.put(kBase + "/target/versions/v1", body), 400, "CSMS.0004");
}

TEST_CASE("malformed bodies that may be empty are still refused when present", "[unit][api][validation]") {
  ApiEnv env;
  env.create_secret("target");
  const std::string body = GENERATE(as<std::string>{}, "{", "[]", "42", "\"x\"");
  check_error(env.put(kBase + "/target", body), 400, "CSMS.0004");
  check_error(env.post(kBase + "/target/scheduled-deleted-tasks/create", body), 400, "CSMS.0004");
}

std::string deep_body(std::size_t depth) {
  // depth counts the outer object too.
  return R"({"name":"deep","secret_string":"v","nest":)" + std::string(depth - 1, '[') +
         std::string(depth - 1, ']') + "}";
}

TEST_CASE("nesting deeper than 32 levels is 400 CSMS.0004", "[unit][api][validation]") {
  ApiEnv env;
  check_error(env.post(kBase, deep_body(33)), 400, "CSMS.0004");
  check_error(env.post(kBase, deep_body(5000)), 400, "CSMS.0004");
  CHECK(env.post(kBase, deep_body(32)).status == 200);
}

TEST_CASE("invalid UTF-8 in a body is 400 CSMS.0004", "[unit][api][validation]") {
  ApiEnv env;
  const std::string bad = GENERATE(as<std::string>{}, "\xFF", "\xC0\xAF", "\xE2\x82", "\x80", "\xF8\x88\x80\x80\x80");
  check_error(env.post(kBase, "{\"name\":\"u\",\"secret_string\":\"a" + bad + "b\"}"), 400, "CSMS.0004");
  check_error(env.post(kBase, "{\"name\":\"u\",\"secret_string\":\"v\",\"desc" + bad + "\":1}"), 400, "CSMS.0004");
  CHECK(env.store->database().execAndGet("SELECT count(*) FROM secrets").getInt() == 0);
}

TEST_CASE("unknown paths and methods are 400 CSMS.0003", "[unit][api][routing]") {
  ApiEnv env;
  env.create_secret("known");
  const auto [method, target] = GENERATE(table<Method, std::string>({
      {Method::kGet, "/"},
      {Method::kGet, ""},
      {Method::kGet, "/v1"},
      {Method::kGet, "/v1/" + P},
      {Method::kGet, "/v2/" + P + "/secrets"},
      {Method::kGet, "/v1/" + P + "/unknown"},
      {Method::kGet, "/v1/" + P + "/secrets/known/unknown"},
      {Method::kGet, "/v1/" + P + "/secrets/known/versions/v1/extra"},
      {Method::kGet, "/v1/" + P + "/secrets/known/backup"},
      {Method::kGet, "/v1/" + P + "/csms/no-such-resource"},
      {Method::kPut, "/v1/" + P + "/secrets"},
      {Method::kDelete, "/v1/" + P + "/secrets"},
      {Method::kPost, "/v1/" + P + "/secrets/known"},
      {Method::kOther, "/v1/" + P + "/secrets/known"},
      {Method::kDelete, "/v1/" + P + "/secrets/known/versions/v1"},
      {Method::kGet, "/v1/" + P + "/secrets/known/stages"},
      {Method::kGet, "/v1/" + P + "/secrets/known/scheduled-deleted-tasks/create"},
      {Method::kGet, "/v1/" + P + "/secrets/%zz"},
      {Method::kGet, "/v1/" + P + "/secrets/known%"},
  }));
  INFO(method_name(method) << " " << target);
  check_error(env.call(method, target), 400, "CSMS.0003");
}

TEST_CASE("an invalid project_id is 400 CSMS.0002", "[unit][api][routing]") {
  ApiEnv env;
  const std::string project = GENERATE(as<std::string>{}, std::string(31, 'p'), std::string(65, 'p'),
                                       std::string(31, 'p') + ".", std::string(31, 'p') + "%2F");
  INFO(project);
  check_error(env.get("/v1/" + project + "/secrets"), 400, "CSMS.0002");
  check_error(env.post("/v1/" + project + "/secrets", R"({"name":"x","secret_string":"v"})"), 400, "CSMS.0002");
}

TEST_CASE("a malformed query string is 400 CSMS.0002", "[unit][api][routing]") {
  ApiEnv env;
  check_error(env.get(kBase + "?limit=%zz"), 400, "CSMS.0002");
  check_error(env.get(kBase + "?%=1"), 400, "CSMS.0002");
}

TEST_CASE("invalid secret names in the path are 400 CSMS.0002", "[unit][api][routing]") {
  ApiEnv env;
  const std::string name = GENERATE(as<std::string>{}, "a.b", "a%2Fb", "a%20b", std::string(65, 'n'), "%C3%A9");
  INFO(name);
  check_error(env.get(kBase + "/" + name), 400, "CSMS.0002");
  check_error(env.del(kBase + "/" + name), 400, "CSMS.0002");
  check_error(env.put(kBase + "/" + name, "{}"), 400, "CSMS.0002");
  check_error(env.get(kBase + "/" + name + "/versions"), 400, "CSMS.0002");
  check_error(env.get(kBase + "/" + name + "/versions/latest"), 400, "CSMS.0002");
  check_error(env.get(kBase + "/" + name + "/stages/SYSCURRENT"), 400, "CSMS.0002");
  check_error(env.post(kBase + "/" + name + "/versions", R"({"secret_string":"v"})"), 400, "CSMS.0002");
  check_error(env.post(kBase + "/" + name + "/scheduled-deleted-tasks/create", ""), 400, "CSMS.0002");
}

TEST_CASE("a percent-encoded valid name reaches the secret", "[unit][api][routing]") {
  ApiEnv env;
  env.create_secret("abc");
  const auto reply = env.get(kBase + "/%61%62c");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secret").at("name").as_string() == "abc");
}

TEST_CASE("missing resources are 404 CSMS.0005 with a flat body", "[unit][api][routing]") {
  ApiEnv env;
  env.create_secret("here");
  check_error(env.get(kBase + "/absent"), 404, "CSMS.0005");
  check_error(env.get(kBase + "/absent/versions"), 404, "CSMS.0005");
  check_error(env.get(kBase + "/absent/versions/latest"), 404, "CSMS.0005");
  check_error(env.get(kBase + "/here/versions/v2"), 404, "CSMS.0005");
  check_error(env.put(kBase + "/here/versions/v2", R"({"expire_time":0})"), 404, "CSMS.0005");
  check_error(env.get(kBase + "/here/stages/NOPE"), 404, "CSMS.0005");
  check_error(env.del(kBase + "/here/stages/NOPE"), 404, "CSMS.0005");
  check_error(env.post(kBase + "/absent/versions", R"({"secret_string":"v"})"), 404, "CSMS.0005");
  check_error(env.post(kBase + "/absent/scheduled-deleted-tasks/create", ""), 404, "CSMS.0005");
  check_error(env.post(kBase + "/absent/scheduled-deleted-tasks/cancel", ""), 404, "CSMS.0005");
  // Another project does not see it.
  check_error(env.get("/v1/" + std::string(csms::unit::kOtherProject) + "/secrets/here"), 404, "CSMS.0005");
}

// ---------------------------------------------------------------------------------------------------------------
// Versions

TEST_CASE("CreateSecretVersion answers version_metadata, ShowSecretVersion answers version", "[unit][api][versions]") {
  ApiEnv env;
  env.create_secret("ver", "one");
  env.time.advance(std::chrono::seconds(1));
  auto reply = env.post(kBase + "/ver/versions", R"({"secret_string":"two"})");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"version_metadata"});
  const json::value metadata = reply.json.at("version_metadata");
  CHECK(keys_of(metadata) ==
        std::set<std::string>{"id", "create_time", "expire_time", "kms_key_id", "secret_name", "version_stages"});
  CHECK(metadata.at("id").as_string() == "v2");
  CHECK(metadata.at("create_time").as_int64() == env.time.now);
  CHECK(metadata.at("expire_time").is_null());
  CHECK(metadata.at("secret_name").as_string() == "ver");
  CHECK(metadata.at("kms_key_id").as_string() == csms::domain::SecretService::default_kms_key_id(P));
  CHECK(metadata.at("version_stages") == json::array{"SYSCURRENT"});
  CHECK(reply.body.find("two") == std::string::npos);

  reply = env.get(kBase + "/ver/versions/latest");
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"version"});
  CHECK(keys_of(reply.json.at("version")) ==
        std::set<std::string>{"version_metadata", "secret_string", "secret_binary"});
  CHECK(reply.json.at("version").at("version_metadata") == metadata);
  CHECK(reply.json.at("version").at("secret_string").as_string() == "two");

  reply = env.get(kBase + "/ver/versions/v1");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("version").at("secret_string").as_string() == "one");
  CHECK(reply.json.at("version").at("version_metadata").at("version_stages") == json::array{"SYSPREVIOUS"});
}

TEST_CASE("ShowSecretVersion validates the version id", "[unit][api][versions]") {
  ApiEnv env;
  env.create_secret("vid");
  const auto [version, status, code] = GENERATE(table<std::string, unsigned, std::string>({
      {"v1", 200, ""},
      {"latest", 200, ""},
      {"v%31", 200, ""},
      {"v01", 404, "CSMS.0005"},
      {"v0", 404, "CSMS.0005"},
      {"v2", 404, "CSMS.0005"},
      {"v9999999999", 404, "CSMS.0005"},
      {"v12345678901", 400, "CSMS.0002"},
      {"v", 400, "CSMS.0002"},
      {"V1", 400, "CSMS.0002"},
      {"1", 400, "CSMS.0002"},
      {"LATEST", 400, "CSMS.0002"},
      {"v1.0", 400, "CSMS.0002"},
  }));
  INFO(version);
  const auto reply = env.get(kBase + "/vid/versions/" + version);
  if (code.empty()) {
    CHECK(reply.status == 200);
  } else {
    check_error(reply, status, code);
  }
}

TEST_CASE("ListSecretVersions pages with markers", "[unit][api][versions]") {
  ApiEnv env;
  env.create_secret("lv");
  env.create_version("lv", {{"secret_string", "2"}});
  env.create_version("lv", {{"secret_string", "3"}});
  auto reply = env.get(kBase + "/lv/versions?limit=2");
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"version_metadatas", "page_info"});
  const auto& versions = reply.json.at("version_metadatas").as_array();
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].at("id").as_string() == "v1");
  CHECK(versions[1].at("id").as_string() == "v2");
  CHECK(versions[0].as_object().contains("secret_string") == false);
  CHECK(reply.json.at("page_info").at("next_marker").as_string() == "v2");
  CHECK(reply.json.at("page_info").at("previous_marker").as_string() == "v1");

  reply = env.get(kBase + "/lv/versions?marker=v2&limit=2");
  REQUIRE(reply.status == 200);
  REQUIRE(reply.json.at("version_metadatas").as_array().size() == 1);
  CHECK(reply.json.at("version_metadatas").at(0).at("id").as_string() == "v3");
  CHECK(reply.json.at("page_info").at("next_marker").is_null());

  reply = env.get(kBase + "/lv/versions?marker=latest");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("version_metadatas").as_array().empty());
  CHECK(reply.json.at("page_info").at("next_marker").is_null());
  CHECK(reply.json.at("page_info").at("previous_marker").is_null());

  const std::string bad = GENERATE(as<std::string>{}, "marker=v01", "marker=v0", "marker=x", "marker=v",
                                   "marker=v12345678901", "limit=0", "limit=1001", "limit=x", "limit=-5");
  INFO(bad);
  check_error(env.get(kBase + "/lv/versions?" + bad), 400, "CSMS.0002");
}

struct VersionBodyCase {
  std::string name;
  std::string body;
  unsigned status;
  std::string code;
};

std::string names_json(std::size_t count, const std::string& prefix = "N") {
  std::string out = "[";
  for (std::size_t i = 1; i <= count; ++i) out += (i > 1 ? ",\"" : "\"") + prefix + std::to_string(i) + "\"";
  return out + "]";
}

std::vector<VersionBodyCase> version_body_cases() {
  return {
      {"default stages", R"({"secret_string":"v"})", 200, ""},
      {"version_stages empty", R"({"secret_string":"v","version_stages":[]})", 400, "CSMS.0002"},
      {"version_stages empty name", R"({"secret_string":"v","version_stages":[""]})", 400, "CSMS.0002"},
      {"version_stages bad name", R"({"secret_string":"v","version_stages":["a.b"]})", 400, "CSMS.0002"},
      {"version_stages 65 chars", R"({"secret_string":"v","version_stages":[")" + std::string(65, 's') + "\"]}", 400,
       "CSMS.0002"},
      {"version_stages duplicates", R"({"secret_string":"v","version_stages":["A","A"]})", 400, "CSMS.0002"},
      {"version_stages 13 entries", R"({"secret_string":"v","version_stages":)" + names_json(13) + "}", 400,
       "CSMS.0204"},
      {"version_stages 12 new entries on a secret with SYSCURRENT",
       R"({"secret_string":"v","version_stages":)" + names_json(12) + "}", 400, "CSMS.0203"},
      {"version_stages 11 new entries", R"({"secret_string":"v","version_stages":)" + names_json(11) + "}", 200, ""},
      {"version_stages a string", R"({"secret_string":"v","version_stages":"SYSCURRENT"})", 400, "CSMS.0004"},
      {"version_stages of numbers", R"({"secret_string":"v","version_stages":[1]})", 400, "CSMS.0004"},
      {"version_stages null", R"({"secret_string":"v","version_stages":null})", 200, ""},
      {"expire_time negative", R"({"secret_string":"v","expire_time":-1})", 400, "CSMS.0002"},
      {"expire_time 0", R"({"secret_string":"v","expire_time":0})", 200, ""},
      {"expire_time maximum", R"({"secret_string":"v","expire_time":9999999999999})", 200, ""},
      {"expire_time above maximum", R"({"secret_string":"v","expire_time":10000000000000})", 400, "CSMS.0002"},
      {"expire_time beyond int64", R"({"secret_string":"v","expire_time":18446744073709551615})", 400, "CSMS.0002"},
      {"expire_time fraction", R"({"secret_string":"v","expire_time":1.5})", 400, "CSMS.0002"},
      {"expire_time a string", R"({"secret_string":"v","expire_time":"123"})", 400, "CSMS.0004"},
      {"expire_time a boolean", R"({"secret_string":"v","expire_time":true})", 400, "CSMS.0004"},
      {"no value", R"({"version_stages":["A"]})", 400, "CSMS.0002"},
      {"both values", R"({"secret_string":"v","secret_binary":"QQ=="})", 400, "CSMS.0002"},
      {"secret_string 32769", R"({"secret_string":")" + std::string(32769, 'x') + "\"}", 400, "CSMS.0002"},
      {"secret_binary invalid", R"({"secret_binary":"***"})", 400, "CSMS.0002"},
  };
}

TEST_CASE("CreateSecretVersion validates its body", "[unit][api][validation]") {
  const VersionBodyCase c = GENERATE(from_range(version_body_cases()));
  INFO(c.name);
  ApiEnv env;
  env.create_secret("cv");
  const auto reply = env.post(kBase + "/cv/versions", c.body);
  if (c.code.empty()) {
    INFO(reply.body);
    CHECK(reply.status == 200);
    CHECK(env.stored_versions("cv").size() == 2);
  } else {
    check_error(reply, c.status, c.code);
    CHECK(env.stored_versions("cv").size() == 1);
  }
}

TEST_CASE("expire_time is stored truncated to whole seconds", "[unit][api][versions]") {
  ApiEnv env;
  env.create_secret("exp");
  auto metadata = env.create_version("exp", {{"secret_string", "v"}, {"expire_time", 1'700'000'000'999}});
  CHECK(metadata.at("expire_time").as_int64() == 1'700'000'000'000);
  metadata = env.create_version("exp", {{"secret_string", "v"}, {"expire_time", 9'999'999'999'999}});
  CHECK(metadata.at("expire_time").as_int64() == 9'999'999'999'000);

  auto reply = env.put(kBase + "/exp/versions/v1", R"({"expire_time":1800000000500})");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"version_metadata"});
  CHECK(reply.json.at("version_metadata").at("id").as_string() == "v1");
  CHECK(reply.json.at("version_metadata").at("expire_time").as_int64() == 1'800'000'000'000);
  CHECK(env.stored_version("exp", 1)->expire_time == std::optional<std::int64_t>(1'800'000'000'000));

  reply = env.put(kBase + "/exp/versions/latest", R"({"expire_time":5})");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("version_metadata").at("id").as_string() == "v3");
  CHECK(reply.json.at("version_metadata").at("expire_time").as_int64() == 0);
}

TEST_CASE("UpdateVersion requires expire_time in range", "[unit][api][validation]") {
  ApiEnv env;
  env.create_secret("uv");
  const auto [body, code] = GENERATE(table<std::string, std::string>({
      {"{}", "CSMS.0002"},
      {R"({"expire_time":null})", "CSMS.0002"},
      {R"({"expire_time":-1})", "CSMS.0002"},
      {R"({"expire_time":10000000000000})", "CSMS.0002"},
      {R"({"expire_time":"1"})", "CSMS.0004"},
      {"", "CSMS.0004"},
  }));
  INFO(body);
  check_error(env.put(kBase + "/uv/versions/v1", body), 400, code);
  check_error(env.put(kBase + "/uv/versions/v01", R"({"expire_time":1})"), 404, "CSMS.0005");
  check_error(env.put(kBase + "/uv/versions/x", R"({"expire_time":1})"), 400, "CSMS.0002");
}

// ---------------------------------------------------------------------------------------------------------------
// Stages

TEST_CASE("stages: create, move, show and delete", "[unit][api][stages]") {
  ApiEnv env;
  env.create_secret("stg", "one");
  env.create_version("stg", {{"secret_string", "two"}});
  env.time.advance(std::chrono::seconds(5));

  auto reply = env.post(kBase + "/stg/stages", R"({"name":"A","version_id":"v1"})");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"stage"});
  CHECK(keys_of(reply.json.at("stage")) == std::set<std::string>{"name", "version_id", "update_time", "secret_name"});
  CHECK(reply.json.at("stage").at("name").as_string() == "A");
  CHECK(reply.json.at("stage").at("version_id").as_string() == "v1");
  CHECK(reply.json.at("stage").at("update_time").as_int64() == env.time.now);
  CHECK(reply.json.at("stage").at("secret_name").as_string() == "stg");

  // PUT does the same: it moves the stage.
  reply = env.put(kBase + "/stg/stages/A", R"({"version_id":"v2"})");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("stage").at("version_id").as_string() == "v2");
  reply = env.get(kBase + "/stg/stages/A");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("stage").at("version_id").as_string() == "v2");
  reply = env.get(kBase + "/stg/versions/v1");
  CHECK(reply.json.at("version").at("version_metadata").at("version_stages") == json::array{"SYSPREVIOUS"});

  // PUT creates a stage that does not exist yet (Terraform's create call).
  reply = env.put(kBase + "/stg/stages/B", R"({"version_id":"v1"})");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("stage").at("name").as_string() == "B");

  reply = env.del(kBase + "/stg/stages/A");
  CHECK(reply.status == 204);
  CHECK(reply.body.empty());
  check_error(env.get(kBase + "/stg/stages/A"), 404, "CSMS.0005");
  check_error(env.del(kBase + "/stg/stages/A"), 404, "CSMS.0005");
  check_error(env.del(kBase + "/stg/stages/SYSCURRENT"), 400, "CSMS.0105");
  check_error(env.del(kBase + "/stg/stages/SYSPREVIOUS"), 400, "CSMS.0105");
}

TEST_CASE("moving SYSCURRENT by POST gives the former holder SYSPREVIOUS", "[unit][api][stages]") {
  ApiEnv env;
  env.create_secret("cur");
  env.create_version("cur", {{"secret_string", "two"}, {"version_stages", json::array{"PENDING"}}});
  const auto reply = env.post(kBase + "/cur/stages", R"({"name":"SYSCURRENT","version_id":"v2"})");
  REQUIRE(reply.status == 200);
  CHECK(env.get(kBase + "/cur/stages/SYSPREVIOUS").json.at("stage").at("version_id").as_string() == "v1");
  CHECK(env.get(kBase + "/cur/stages/SYSCURRENT").json.at("stage").at("version_id").as_string() == "v2");
}

TEST_CASE("stage requests are validated", "[unit][api][validation]") {
  ApiEnv env;
  env.create_secret("sv");
  const auto [method, path, body, status, code] =
      GENERATE(table<Method, std::string, std::string, unsigned, std::string>({
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"v"})", 404, "CSMS.0005"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"v999"})", 404, "CSMS.0005"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"v01"})", 404, "CSMS.0005"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"v)" + std::string(63, '9') + "\"}", 404,
           "CSMS.0005"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"v)" + std::string(64, '9') + "\"}", 400,
           "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"x1"})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":""})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"v1a"})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":"latest"})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":"A","version_id":1})", 400, "CSMS.0004"},
          {Method::kPost, "/sv/stages", R"({"name":"A"})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"version_id":"v1"})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":"a.b","version_id":"v1"})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":"","version_id":"v1"})", 400, "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":")" + std::string(65, 's') + R"(","version_id":"v1"})", 400,
           "CSMS.0002"},
          {Method::kPost, "/sv/stages", R"({"name":true,"version_id":"v1"})", 400, "CSMS.0004"},
          {Method::kPut, "/sv/stages/a.b", R"({"version_id":"v1"})", 400, "CSMS.0002"},
          {Method::kPut, "/sv/stages/A", R"({})", 400, "CSMS.0002"},
          {Method::kPut, "/sv/stages/A", R"({"version_id":"v2"})", 404, "CSMS.0005"},
          {Method::kGet, "/sv/stages/a.b", "", 400, "CSMS.0002"},
          {Method::kDelete, "/sv/stages/a.b", "", 400, "CSMS.0002"},
      }));
  INFO(method_name(method) << " " << path << " " << body);
  check_error(env.call(method, kBase + path, body), status, code);
  CHECK(env.store->database().execAndGet("SELECT count(*) FROM stages").getInt() == 1);
}

TEST_CASE("a 13th stage is 400 CSMS.0203", "[unit][api][stages]") {
  ApiEnv env;
  env.create_secret("full");
  for (int i = 1; i <= 11; ++i) {
    const auto reply = env.put(kBase + "/full/stages/S" + std::to_string(i), R"({"version_id":"v1"})");
    REQUIRE(reply.status == 200);
  }
  check_error(env.put(kBase + "/full/stages/S12", R"({"version_id":"v1"})"), 400, "CSMS.0203");
  check_error(env.post(kBase + "/full/stages", R"({"name":"S12","version_id":"v1"})"), 400, "CSMS.0203");
  // A new version would bring SYSPREVIOUS as the 13th stage.
  check_error(env.post(kBase + "/full/versions", R"({"secret_string":"v"})"), 400, "CSMS.0203");
}

// ---------------------------------------------------------------------------------------------------------------
// Scheduled deletion

TEST_CASE("recovery_window_in_days: default 30, range 7 to 30", "[unit][api][deletion]") {
  const auto [body, days, code] = GENERATE(table<std::string, int, std::string>({
      {"", 30, ""},
      {"{}", 30, ""},
      {R"({"recovery_window_in_days":null})", 30, ""},
      {R"({"recovery_window_in_days":7})", 7, ""},
      {R"({"recovery_window_in_days":30})", 30, ""},
      {R"({"recovery_window_in_days":6})", 0, "CSMS.0002"},
      {R"({"recovery_window_in_days":31})", 0, "CSMS.0002"},
      {R"({"recovery_window_in_days":0})", 0, "CSMS.0002"},
      {R"({"recovery_window_in_days":-7})", 0, "CSMS.0002"},
      {R"({"recovery_window_in_days":7.5})", 0, "CSMS.0002"},
      {R"({"recovery_window_in_days":"7"})", 0, "CSMS.0004"},
  }));
  INFO("body: " << body);
  ApiEnv env;
  env.create_secret("del");
  env.time.advance(std::chrono::seconds(2));
  const auto reply = env.post(kBase + "/del/scheduled-deleted-tasks/create", body);
  if (code.empty()) {
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    const auto& secret = reply.json.at("secret");
    CHECK(secret.at("state").as_string() == "PENDING_DELETE");
    CHECK(secret.at("scheduled_delete_time").as_int64() == env.time.now + days * 86'400'000LL);
  } else {
    check_error(reply, 400, code);
    CHECK(env.get(kBase + "/del").json.at("secret").at("state").as_string() == "ENABLED");
  }
}

TEST_CASE("a secret pending deletion: what is refused and what still works", "[unit][api][deletion]") {
  ApiEnv env;
  env.create_secret("pend");
  REQUIRE(env.post(kBase + "/pend/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status == 200);

  check_error(env.post(kBase + "/pend/scheduled-deleted-tasks/create", ""), 400, "CSMS.0107");
  check_error(env.post(kBase + "/pend/versions", R"({"secret_string":"v"})"), 400, "CSMS.0103");
  check_error(env.get(kBase + "/pend/versions/latest"), 400, "CSMS.0103");
  check_error(env.get(kBase + "/pend/versions/v1"), 400, "CSMS.0103");
  check_error(env.put(kBase + "/pend/versions/v1", R"({"expire_time":1})"), 400, "CSMS.0103");
  check_error(env.put(kBase + "/pend", R"({"description":"x"})"), 400, "CSMS.0103");
  check_error(env.post(kBase + "/pend/stages", R"({"name":"A","version_id":"v1"})"), 400, "CSMS.0103");
  check_error(env.put(kBase + "/pend/stages/A", R"({"version_id":"v1"})"), 400, "CSMS.0103");
  check_error(env.del(kBase + "/pend/stages/A"), 400, "CSMS.0103");

  CHECK(env.get(kBase + "/pend").status == 200);
  CHECK(env.get(kBase).json.at("secrets").as_array().size() == 1);
  CHECK(env.get(kBase + "/pend/versions").status == 200);
  CHECK(env.get(kBase + "/pend/stages/SYSCURRENT").status == 200);

  const auto reply = env.post(kBase + "/pend/scheduled-deleted-tasks/cancel", "");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secret").at("state").as_string() == "ENABLED");
  CHECK(reply.json.at("secret").at("scheduled_delete_time").is_null());
  check_error(env.post(kBase + "/pend/scheduled-deleted-tasks/cancel", ""), 400, "CSMS.0108");
  CHECK(env.get(kBase + "/pend/versions/latest").status == 200);
}

TEST_CASE("a secret pending deletion can be deleted at once", "[unit][api][deletion]") {
  ApiEnv env;
  env.create_secret("now");
  REQUIRE(env.post(kBase + "/now/scheduled-deleted-tasks/create", "").status == 200);
  CHECK(env.del(kBase + "/now").status == 200);
  check_error(env.get(kBase + "/now"), 404, "CSMS.0005");
}

// ---------------------------------------------------------------------------------------------------------------
// Transport-level answers

TEST_CASE("transport errors and internal errors render CSMS bodies", "[unit][api][errors]") {
  ApiEnv env;
  auto response = env.api.transport_error(csms::http::TransportError::kHeaderTooLarge, "id", env.peer);
  CHECK(response.status == 431);
  auto body = json::parse(std::string(response.body.begin(), response.body.end()));
  CHECK(body.at("error_code").as_string() == "CSMS.0003");
  response = env.api.transport_error(csms::http::TransportError::kBodyTooLarge, "id", env.peer);
  CHECK(response.status == 413);
  body = json::parse(std::string(response.body.begin(), response.body.end()));
  CHECK(body.at("error_code").as_string() == "CSMS.0003");
  response = env.api.transport_error(csms::http::TransportError::kMalformedRequest, "id", env.peer);
  CHECK(response.status == 400);
  body = json::parse(std::string(response.body.begin(), response.body.end()));
  CHECK(body.at("error_code").as_string() == "CSMS.0003");
  response = env.api.internal_error("id");
  CHECK(response.status == 500);
  body = json::parse(std::string(response.body.begin(), response.body.end()));
  CHECK(body.at("error_code").as_string() == "CSMS.0001");
  CHECK(body.at("error_msg").is_string());
}

TEST_CASE("a value that no longer decrypts is 500 CSMS.0001 without internals", "[unit][api][errors]") {
  ApiEnv env;
  env.create_secret("broken", "one");
  env.store->database().exec("UPDATE versions SET sealed_value = x'00112233'");
  const auto reply = env.get(kBase + "/broken/versions/latest");
  check_error(reply, 500, "CSMS.0001");
  CHECK(reply.body.find("one") == std::string::npos);
}

TEST_CASE("the route table serves every operation of the reference, the IAM project lookup, the admin API and probes",
          "[unit][api][routing]") {
  ApiEnv env;
  std::set<std::string> routes;
  env.api.router().for_each([&](Method method, const std::vector<std::string>& segments, const auto&) {
    std::string path;
    for (const auto& segment : segments) path += "/" + segment;
    routes.insert(method_name(method) + " " + path);
  });
  const std::string s = "/v1/{project_id}/secrets";
  CHECK(routes == std::set<std::string>{
                      "POST " + s,
                      "GET " + s,
                      "GET " + s + "/{secret_name}",
                      "PUT " + s + "/{secret_name}",
                      "DELETE " + s + "/{secret_name}",
                      "POST " + s + "/{secret_name}/scheduled-deleted-tasks/create",
                      "POST " + s + "/{secret_name}/scheduled-deleted-tasks/cancel",
                      "POST " + s + "/{secret_name}/versions",
                      "GET " + s + "/{secret_name}/versions",
                      "GET " + s + "/{secret_name}/versions/{version_id}",
                      "PUT " + s + "/{secret_name}/versions/{version_id}",
                      "POST " + s + "/{secret_name}/stages",
                      "PUT " + s + "/{secret_name}/stages/{stage_name}",
                      "GET " + s + "/{secret_name}/stages/{stage_name}",
                      "DELETE " + s + "/{secret_name}/stages/{stage_name}",
                      "POST /v1/{project_id}/csms/events",
                      "GET /v1/{project_id}/csms/events",
                      "GET /v1/{project_id}/csms/events/{event_name}",
                      "PUT /v1/{project_id}/csms/events/{event_name}",
                      "DELETE /v1/{project_id}/csms/events/{event_name}",
                      "GET /v1/{project_id}/csms/notification-records",
                      "POST " + s + "/{secret_name}/rotate",
                      "GET /v1/{project_id}/csms/tasks",
                      "POST /v1/{project_id}/csms/{secret_id}/tags",
                      "DELETE /v1/{project_id}/csms/{secret_id}/tags/{key}",
                      "GET /v1/{project_id}/csms/{secret_id}/tags",
                      "POST /v1/{project_id}/csms/{secret_id}/tags/action",
                      "GET /v1/{project_id}/csms/tags",
                      "POST /v1/{project_id}/csms/resource_instances/action",
                      "POST " + s + "/{secret_name}/backup",
                      "POST " + s + "/restore",
                      "POST /v1/{project_id}/csms/generate-password",
                      "POST " + s + "/batch-import",
                      "POST /v1/csms/agencies",
                      "GET /v1/csms/agencies",
                      "GET /v1/csms/function-templates",
                      "POST /v1/{project_id}/csms/grants",
                      "GET /v1/{project_id}/csms/grants",
                      "PUT /v1/{project_id}/csms/grants",
                      "DELETE /v1/{project_id}/csms/grants",
                      "GET /v1/csms/users",
                      "GET /v1/csms/users/{user_id}",
                      "POST /v1/csms/users/change-password",
                      "POST " + s + "/checker/check",
                      "GET " + s + "/checker/config",
                      "POST " + s + "/checker/config",
                      "GET /v3/projects",
                      "POST /v1/csmsd/credentials",
                      "GET /v1/csmsd/credentials",
                      "DELETE /v1/csmsd/credentials/{credential_id}",
                      "GET /v1/csmsd/master-key",
                      "POST /v1/csmsd/master-key/rotate",
                      "POST /v1/csmsd/backup",
                      "GET /v1/csmsd/whoami",
                      "GET /healthz",
                      "GET /readyz",
                      "GET /metrics",
                  });
}

}  // namespace
