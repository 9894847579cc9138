// tags_test.cpp: the tag operations 16 to 21 through api::Api in-process: shapes, limits, patterns, error bodies.
#include "api/routes.hpp"
#include "api/tag_validation.hpp"

#include "common/api_env.hpp"

#include <unistd.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

using csms::http::Method;
using csms::unit::kProject;
using csms::unit::Reply;
namespace json = boost::json;

const std::string P(kProject);
const std::string kSecrets = "/v1/" + P + "/secrets";
const std::string kCsms = "/v1/" + P + "/csms";
const std::string kUnknownId = "00000000-0000-4000-8000-000000000000";

struct TagEnv : csms::unit::ApiEnv {
  /// Creates a secret through the API and returns its id.
  std::string create_secret(const std::string& name) {
    const auto reply = post(kSecrets, json::serialize(json::object{{"name", name}, {"secret_string", "v"}}));
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    return std::string(reply.json.at("secret").at("id").as_string());
  }

  std::string tags_path(const std::string& id) { return kCsms + "/" + id + "/tags"; }

  Reply batch(const std::string& id, const std::string& action, const json::array& tags) {
    return post(tags_path(id) + "/action", json::serialize(json::object{{"action", action}, {"tags", tags}}));
  }

  /// Sets tags with tags/action create; fails the test unless it answers 204.
  void set_tags(const std::string& id, const json::array& tags) {
    const auto reply = batch(id, "create", tags);
    INFO(reply.body);
    REQUIRE(reply.status == 204);
    CHECK(reply.body.empty());
  }

  /// The secret's tags as key=value strings, in the order listed.
  std::vector<std::string> tags_of(const std::string& id) {
    const auto reply = get(tags_path(id));
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    std::vector<std::string> out;
    for (const auto& tag : reply.json.at("tags").as_array()) {
      out.push_back(std::string(tag.at("key").as_string()) + "=" + std::string(tag.at("value").as_string()));
    }
    return out;
  }

  Reply instances(const json::object& body) {
    return post(kCsms + "/resource_instances/action", json::serialize(body));
  }

  /// Names of the secrets a filter returns, in order.
  std::vector<std::string> filter_names(json::object body) {
    body["action"] = "filter";
    const auto reply = instances(body);
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    std::vector<std::string> names;
    for (const auto& resource : reply.json.at("resources").as_array()) {
      names.emplace_back(resource.at("resource_name").as_string());
    }
    return names;
  }

  std::int64_t count(json::object body) {
    body["action"] = "count";
    const auto reply = instances(body);
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    CHECK(reply.json.at("resources").is_null());
    return reply.json.at("total_count").as_int64();
  }
};

json::object tag(const std::string& key, const std::string& value) { return json::object{{"key", key}, {"value", value}}; }

std::set<std::string> keys_of(const json::value& value) {
  std::set<std::string> keys;
  for (const auto& entry : value.as_object()) keys.emplace(entry.key());
  return keys;
}

/// The nested error body of the tag operations: {"error": {"error_code", "error_msg"}}.
void check_nested_error(const Reply& reply, unsigned status, const std::string& code) {
  INFO("status " << reply.status << " body " << reply.body);
  CHECK(reply.status == status);
  REQUIRE(reply.json.is_object());
  CHECK(keys_of(reply.json) == std::set<std::string>{"error"});
  const auto& error = reply.json.at("error");
  CHECK(keys_of(error) == std::set<std::string>{"error_code", "error_msg"});
  CHECK(error.at("error_code").as_string() == code);
  CHECK_FALSE(error.at("error_msg").as_string().empty());
}

/// Not found is flat on the tag routes too (csms-api.md decision 7).
void check_flat_not_found(const Reply& reply) {
  INFO("status " << reply.status << " body " << reply.body);
  CHECK(reply.status == 404);
  REQUIRE(reply.json.is_object());
  CHECK(keys_of(reply.json) == std::set<std::string>{"error_code", "error_msg"});
  CHECK(reply.json.at("error_code").as_string() == "CSMS.0005");
}

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Patterns

TEST_CASE("tag keys follow the published pattern", "[unit][api][tags][validation]") {
  using csms::api::validate::is_tag_key;
  const std::vector<std::string> valid{"a", "env", "k_.:=+-@", "a b", "Umgebung-ü", "环境", "٣",
                                       "x_sys_", repeat("k", 128), repeat("é", 128)};
  for (const std::string& key : valid) {
    INFO(key);
    CHECK(is_tag_key(key));
  }
  const std::vector<std::string> invalid{"", " lead", "trail ", " ", "_sys_x", "_sys_", "a/b", "a#b", "a\tb", "a\"b",
                                         "a\\b", "a,b", repeat("k", 129), repeat("é", 129), "\xC3\x28", "\xED\xA0\x80"};
  for (const std::string& key : invalid) {
    INFO(key);
    CHECK_FALSE(is_tag_key(key));
  }
}

TEST_CASE("tag values follow the published pattern", "[unit][api][tags][validation]") {
  using csms::api::validate::is_tag_value;
  const std::vector<std::string> valid{"", "prod", "a/b", " padded ", "_sys_ok", "v_.:/=+-@", "值", repeat("v", 255)};
  for (const std::string& value : valid) {
    INFO(value);
    CHECK(is_tag_value(value));
  }
  const std::vector<std::string> invalid{"a#b", "a\tb", "a*b", "a\\b", repeat("v", 256), "\xC3"};
  for (const std::string& value : invalid) {
    INFO(value);
    CHECK_FALSE(is_tag_value(value));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Operations 16 to 19

TEST_CASE("a new secret has no tags and an empty sys_tags list", "[unit][api][tags]") {
  TagEnv env;
  const auto id = env.create_secret("fresh");
  const auto reply = env.get(env.tags_path(id));
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"tags", "sys_tags"});
  CHECK(reply.json.at("tags").as_array().empty());
  CHECK(reply.json.at("sys_tags").as_array().empty());
}

TEST_CASE("CreateSecretTag answers 204 and a second create on the key replaces its value", "[unit][api][tags]") {
  TagEnv env;
  const auto id = env.create_secret("single");
  auto reply = env.post(env.tags_path(id), R"({"tag":{"key":"env","value":"dev"}})");
  INFO(reply.body);
  CHECK(reply.status == 204);
  CHECK(reply.body.empty());
  CHECK(env.tags_of(id) == std::vector<std::string>{"env=dev"});
  reply = env.post(env.tags_path(id), R"({"tag":{"key":"env","value":"prod"}})");
  CHECK(reply.status == 204);
  // A value is optional: the empty value.
  reply = env.post(env.tags_path(id), R"({"tag":{"key":"bare"}})");
  CHECK(reply.status == 204);
  CHECK(env.tags_of(id) == std::vector<std::string>{"bare=", "env=prod"});
  const auto listed = env.get(env.tags_path(id));
  CHECK(keys_of(listed.json.at("tags").as_array().at(0)) == std::set<std::string>{"key", "value"});
}

TEST_CASE("DeleteSecretTag answers 204, and 404 flat CSMS.0005 for a key the secret lacks", "[unit][api][tags]") {
  TagEnv env;
  const auto id = env.create_secret("deltag");
  env.set_tags(id, json::array{tag("env", "dev"), tag("team", "a b")});
  auto reply = env.del(env.tags_path(id) + "/env");
  INFO(reply.body);
  CHECK(reply.status == 204);
  CHECK(reply.body.empty());
  CHECK(env.tags_of(id) == std::vector<std::string>{"team=a b"});
  // The key is percent-decoded from the path.
  reply = env.del(env.tags_path(id) + "/team");
  CHECK(reply.status == 204);
  check_flat_not_found(env.del(env.tags_path(id) + "/team"));
  check_flat_not_found(env.del(env.tags_path(id) + "/never"));
}

TEST_CASE("a percent-encoded key with spaces and non-ASCII letters round-trips", "[unit][api][tags]") {
  TagEnv env;
  const auto id = env.create_secret("unicode");
  env.set_tags(id, json::array{tag("cost center", "财务"), tag("环境", "prod")});
  CHECK(env.tags_of(id) == std::vector<std::string>{"cost center=财务", "环境=prod"});
  CHECK(env.del(env.tags_path(id) + "/cost%20center").status == 204);
  CHECK(env.del(env.tags_path(id) + "/%E7%8E%AF%E5%A2%83").status == 204);
  CHECK(env.tags_of(id).empty());
}

TEST_CASE("tags/action create adds and overwrites, delete removes matching keys", "[unit][api][tags]") {
  TagEnv env;
  const auto id = env.create_secret("batch");
  env.set_tags(id, json::array{tag("a", "1"), tag("b", "2"), tag("c", "3")});
  env.set_tags(id, json::array{tag("b", "20"), tag("d", "4")});
  CHECK(env.tags_of(id) == std::vector<std::string>{"a=1", "b=20", "c=3", "d=4"});

  // Delete: a key with a value goes only when the value matches; a key alone goes whatever its value; unknown keys
  // are ignored.
  auto reply = env.batch(id, "delete",
                         json::array{tag("a", "1"), tag("b", "2"), json::object{{"key", "c"}}, tag("zz", "")});
  INFO(reply.body);
  CHECK(reply.status == 204);
  CHECK(reply.body.empty());
  CHECK(env.tags_of(id) == std::vector<std::string>{"b=20", "d=4"});
  // "sequence" is accepted and has no effect.
  reply = env.post(env.tags_path(id) + "/action",
                   R"({"action":"delete","tags":[{"key":"b","value":"20"}],"sequence":"919c82d4-8046-4722-9094-35c3c6524cff"})");
  CHECK(reply.status == 204);
  CHECK(env.tags_of(id) == std::vector<std::string>{"d=4"});
}

TEST_CASE("a secret keeps at most 20 tags", "[unit][api][tags][limits]") {
  TagEnv env;
  const auto id = env.create_secret("limit");
  json::array twenty;
  for (int i = 0; i < 20; ++i) twenty.push_back(tag("k" + std::to_string(100 + i), "v"));
  env.set_tags(id, twenty);
  CHECK(env.tags_of(id).size() == 20);
  // Replacing values of existing keys stays within the limit.
  env.set_tags(id, json::array{tag("k100", "new")});
  check_nested_error(env.batch(id, "create", json::array{tag("k999", "v")}), 400, "CSMS.0002");
  check_nested_error(env.post(env.tags_path(id), R"({"tag":{"key":"one-more","value":""}})"), 400, "CSMS.0002");
  CHECK(env.tags_of(id).size() == 20);
  // A refused batch changes nothing, not even its existing keys.
  check_nested_error(env.batch(id, "create", json::array{tag("k101", "changed"), tag("k999", "v")}), 400, "CSMS.0002");
  CHECK(env.tags_of(id).at(1) == "k101=v");
  // After a delete there is room again.
  CHECK(env.del(env.tags_path(id) + "/k119").status == 204);
  env.set_tags(id, json::array{tag("k999", "v")});
}

TEST_CASE("tags/action refuses bad bodies with nested CSMS.0002 and CSMS.0004", "[unit][api][tags][errors]") {
  TagEnv env;
  const auto id = env.create_secret("badbatch");
  const std::string action = env.tags_path(id) + "/action";
  json::array twenty_one;
  for (int i = 0; i < 21; ++i) twenty_one.push_back(tag("k" + std::to_string(i), "v"));
  check_nested_error(env.batch(id, "create", twenty_one), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "update", json::array{tag("a", "b")}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{tag("a", "1"), tag("a", "2")}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{tag("_sys_x", "1")}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{tag(" a", "1")}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{tag(repeat("k", 129), "1")}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{tag("a", repeat("v", 256))}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{tag("a", "x#y")}), 400, "CSMS.0002");
  check_nested_error(env.batch(id, "create", json::array{json::object{{"value", "no key"}}}), 400, "CSMS.0002");
  check_nested_error(env.post(action, R"({"tags":[{"key":"a","value":"b"}]})"), 400, "CSMS.0002");
  check_nested_error(env.post(action, R"({"action":"create"})"), 400, "CSMS.0002");
  check_nested_error(env.post(action, R"({"action":"create","tags":[{"key":"a"}],"sequence":")" + repeat("s", 37) +
                                          R"("})"),
                     400, "CSMS.0002");
  check_nested_error(env.post(action, R"({"action":"create","tags":{"key":"a"}})"), 400, "CSMS.0004");
  check_nested_error(env.post(action, R"({"action":"create","tags":["a"]})"), 400, "CSMS.0004");
  check_nested_error(env.post(action, R"({"action":"create","tags":[{"key":1}]})"), 400, "CSMS.0004");
  check_nested_error(env.post(action, "not json"), 400, "CSMS.0004");
  check_nested_error(env.post(action, ""), 400, "CSMS.0004");
  check_nested_error(env.post(env.tags_path(id), R"({"tag":null})"), 400, "CSMS.0002");
  check_nested_error(env.post(env.tags_path(id), R"({"tag":"env"})"), 400, "CSMS.0004");
  check_nested_error(env.post(env.tags_path(id), R"({"tag":{"key":"a/b"}})"), 400, "CSMS.0002");
  CHECK(env.tags_of(id).empty());
}

TEST_CASE("a malformed secret_id is 400 nested CSMS.0002 on every tag route", "[unit][api][tags][errors]") {
  TagEnv env;
  for (const std::string bad : {"not-a-uuid", "00000000-0000-4000-8000-00000000000", "00000000-0000-4000-8000-0000000000000",
                                "0000000000000000000000000000000000AB", "00000000-0000-4000-8000-00000000000A"}) {
    INFO(bad);
    const std::string path = kCsms + "/" + bad + "/tags";
    check_nested_error(env.get(path), 400, "CSMS.0002");
    check_nested_error(env.post(path, R"({"tag":{"key":"a"}})"), 400, "CSMS.0002");
    check_nested_error(env.del(path + "/a"), 400, "CSMS.0002");
    check_nested_error(env.post(path + "/action", R"({"action":"create","tags":[{"key":"a"}]})"), 400, "CSMS.0002");
  }
}

TEST_CASE("an unknown secret id is 404 flat CSMS.0005 on every tag route", "[unit][api][tags][errors]") {
  TagEnv env;
  const std::string path = env.tags_path(kUnknownId);
  check_flat_not_found(env.get(path));
  check_flat_not_found(env.post(path, R"({"tag":{"key":"a"}})"));
  check_flat_not_found(env.del(path + "/a"));
  check_flat_not_found(env.post(path + "/action", R"({"action":"create","tags":[{"key":"a"}]})"));
  check_flat_not_found(env.post(path + "/action", R"({"action":"delete","tags":[{"key":"a"}]})"));
}

TEST_CASE("a secret of another project is not found through this one", "[unit][api][tags][isolation]") {
  TagEnv env;
  const auto other = env.create("elsewhere", "v", csms::unit::kOtherProject);
  check_flat_not_found(env.get(env.tags_path(other.id)));
  check_flat_not_found(env.post(env.tags_path(other.id), R"({"tag":{"key":"a"}})"));
  const std::string other_path = "/v1/" + std::string(csms::unit::kOtherProject) + "/csms/" + other.id + "/tags";
  CHECK(env.post(other_path, R"({"tag":{"key":"a","value":"x"}})").status == 204);
  // Neither the project listing nor the filter of this project sees it.
  CHECK(env.get(kCsms + "/tags").json.at("tags").as_array().empty());
  CHECK(env.count(json::object{}) == 0);
}

TEST_CASE("tags are read-only while the secret is pending deletion", "[unit][api][tags][deletion]") {
  TagEnv env;
  const auto id = env.create_secret("doomed");
  env.set_tags(id, json::array{tag("env", "dev")});
  REQUIRE(env.post(kSecrets + "/doomed/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status ==
          200);
  CHECK(env.tags_of(id) == std::vector<std::string>{"env=dev"});
  check_nested_error(env.batch(id, "create", json::array{tag("a", "b")}), 400, "CSMS.0103");
  check_nested_error(env.batch(id, "delete", json::array{tag("env", "dev")}), 400, "CSMS.0103");
  check_nested_error(env.post(env.tags_path(id), R"({"tag":{"key":"a"}})"), 400, "CSMS.0103");
  check_nested_error(env.del(env.tags_path(id) + "/env"), 400, "CSMS.0103");
  // Still found by its tag, with its state.
  const auto reply = env.instances(json::object{{"action", "filter"}, {"tags", json::array{json::object{{"key", "env"}}}}});
  REQUIRE(reply.status == 200);
  REQUIRE(reply.json.at("resources").as_array().size() == 1);
  CHECK(reply.json.at("resources").at(0).at("resource_detail").at("state").as_string() == "PENDING_DELETE");
  // Cancelling makes them writable again.
  REQUIRE(env.post(kSecrets + "/doomed/scheduled-deleted-tasks/cancel", "").status == 200);
  env.set_tags(id, json::array{tag("a", "b")});
}

TEST_CASE("deleting a secret deletes its tags", "[unit][api][tags][deletion]") {
  TagEnv env;
  const auto id = env.create_secret("gone");
  env.set_tags(id, json::array{tag("env", "dev")});
  REQUIRE(env.del(kSecrets + "/gone").status == 200);
  check_flat_not_found(env.get(env.tags_path(id)));
  CHECK(env.get(kCsms + "/tags").json.at("tags").as_array().empty());
  CHECK(env.store->database().execAndGet("SELECT count(*) FROM secret_tags").getInt() == 0);
  // A new secret of the same name starts without tags.
  const auto again = env.create_secret("gone");
  CHECK(again != id);
  CHECK(env.tags_of(again).empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Operations 20 and 21

TEST_CASE("ListProjectSecretsTags aggregates keys and distinct values", "[unit][api][tags][project]") {
  TagEnv env;
  auto reply = env.get(kCsms + "/tags");
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"tags"});
  CHECK(reply.json.at("tags").as_array().empty());
  env.set_tags(env.create_secret("one"), json::array{tag("env", "prod"), tag("team", "a")});
  env.set_tags(env.create_secret("two"), json::array{tag("env", "dev")});
  env.set_tags(env.create_secret("three"), json::array{tag("env", "prod")});
  reply = env.get(kCsms + "/tags");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  const json::value expected = json::array{json::object{{"key", "env"}, {"values", json::array{"dev", "prod"}}},
                                           json::object{{"key", "team"}, {"values", json::array{"a"}}}};
  CHECK(reply.json.at("tags") == expected);
}

TEST_CASE("ListResourceInstances filters by tags: keys AND-ed, values OR-ed, no values = any", "[unit][api][tags][filter]") {
  TagEnv env;
  env.set_tags(env.create_secret("alpha"), json::array{tag("env", "prod"), tag("team", "a")});
  env.set_tags(env.create_secret("beta"), json::array{tag("env", "dev"), tag("team", "b")});
  env.set_tags(env.create_secret("gamma"), json::array{tag("env", "test")});
  env.create_secret("delta");

  const auto condition = [](const std::string& key, json::array values) {
    return json::object{{"key", key}, {"values", std::move(values)}};
  };
  CHECK(env.filter_names(json::object{}) == std::vector<std::string>{"alpha", "beta", "delta", "gamma"});
  CHECK(env.filter_names(json::object{{"tags", json::array{condition("env", {"prod"})}}}) ==
        std::vector<std::string>{"alpha"});
  CHECK(env.filter_names(json::object{{"tags", json::array{condition("env", {"prod", "dev"})}}}) ==
        std::vector<std::string>{"alpha", "beta"});
  CHECK(env.filter_names(json::object{{"tags", json::array{condition("env", {})}}}) ==
        std::vector<std::string>{"alpha", "beta", "gamma"});
  CHECK(env.filter_names(json::object{{"tags", json::array{json::object{{"key", "team"}, {"values", nullptr}}}}}) ==
        std::vector<std::string>{"alpha", "beta"});
  CHECK(env.filter_names(json::object{{"tags", json::array{condition("env", {"prod", "dev"}), condition("team", {"b"})}}}) ==
        std::vector<std::string>{"beta"});
  CHECK(env.filter_names(json::object{{"tags", json::array{condition("env", {"nope"})}}}).empty());
  CHECK(env.filter_names(json::object{{"tags", json::array{condition("owner", {})}}}).empty());
  CHECK(env.count(json::object{{"tags", json::array{condition("env", {})}}}) == 3);
  CHECK(env.count(json::object{{"tags", json::array{condition("env", {"prod", "dev"}), condition("team", {})}}}) == 2);
  CHECK(env.count(json::object{}) == 4);
}

TEST_CASE("ListResourceInstances matches resource_name by substring regardless of case", "[unit][api][tags][filter]") {
  TagEnv env;
  env.set_tags(env.create_secret("db-Password"), json::array{tag("env", "prod")});
  env.create_secret("api-key");
  env.create_secret("old-password-2");
  const auto match = [](const std::string& value) {
    return json::array{json::object{{"key", "resource_name"}, {"value", value}}};
  };
  CHECK(env.filter_names(json::object{{"matches", match("password")}}) ==
        std::vector<std::string>{"db-Password", "old-password-2"});
  CHECK(env.filter_names(json::object{{"matches", match("KEY")}}) == std::vector<std::string>{"api-key"});
  CHECK(env.filter_names(json::object{{"matches", match("password")},
                                      {"tags", json::array{json::object{{"key", "env"}}}}}) ==
        std::vector<std::string>{"db-Password"});
  // An empty match value selects nothing (the SDK model: "empty returns empty").
  CHECK(env.filter_names(json::object{{"matches", match("")}}).empty());
  CHECK(env.count(json::object{{"matches", match("")}}) == 0);
  CHECK(env.count(json::object{{"matches", match("pass")}}) == 2);
  // Several matches must all hold; "%" and "_" are ordinary characters.
  json::array both = match("old");
  both.push_back(json::object{{"key", "resource_name"}, {"value", "2"}});
  CHECK(env.filter_names(json::object{{"matches", both}}) == std::vector<std::string>{"old-password-2"});
  CHECK(env.filter_names(json::object{{"matches", match("%")}}).empty());
  CHECK(env.filter_names(json::object{{"matches", match("_")}}).empty());
}

TEST_CASE("ListResourceInstances pages with limit and offset as strings or numbers", "[unit][api][tags][filter]") {
  TagEnv env;
  for (const std::string name : {"s1", "s2", "s3", "s4", "s5"}) env.set_tags(env.create_secret(name), json::array{tag("k", "v")});
  const json::array tags{json::object{{"key", "k"}, {"values", json::array{"v"}}}};
  auto reply = env.instances(json::object{{"action", "filter"}, {"tags", tags}, {"limit", "2"}, {"offset", "1"}});
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(keys_of(reply.json) == std::set<std::string>{"resources", "total_count"});
  CHECK(reply.json.at("total_count").as_int64() == 5);
  REQUIRE(reply.json.at("resources").as_array().size() == 2);
  CHECK(reply.json.at("resources").at(0).at("resource_name").as_string() == "s2");
  CHECK(reply.json.at("resources").at(1).at("resource_name").as_string() == "s3");
  // Terraform's pager: numbers, one at a time, until an empty page.
  std::vector<std::string> seen;
  for (int offset = 0; offset < 10; ++offset) {
    const auto page = env.instances(json::object{{"action", "filter"}, {"limit", 1}, {"offset", offset}});
    REQUIRE(page.status == 200);
    if (page.json.at("resources").as_array().empty()) break;
    seen.emplace_back(page.json.at("resources").at(0).at("resource_name").as_string());
  }
  CHECK(seen == std::vector<std::string>{"s1", "s2", "s3", "s4", "s5"});
  // Default limit 10, offset 0; a page past the end is empty with the total still given.
  CHECK(env.filter_names(json::object{}).size() == 5);
  reply = env.instances(json::object{{"action", "filter"}, {"offset", "7"}});
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("resources").as_array().empty());
  CHECK(reply.json.at("total_count").as_int64() == 5);
  // A count ignores limit and offset.
  CHECK(env.count(json::object{{"limit", "1"}, {"offset", "3"}}) == 5);
}

TEST_CASE("ListResourceInstances returns the ActionResources shape", "[unit][api][tags][filter]") {
  TagEnv env;
  const auto id = env.create_secret("shaped");
  env.set_tags(id, json::array{tag("z", "last"), tag("a", "first")});
  const auto reply = env.instances(json::object{{"action", "filter"}});
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  REQUIRE(reply.json.at("resources").as_array().size() == 1);
  const auto& resource = reply.json.at("resources").at(0);
  CHECK(keys_of(resource) == std::set<std::string>{"resource_id", "resource_detail", "resource_name", "tags", "sys_tags"});
  CHECK(resource.at("resource_id").as_string() == id);
  CHECK(resource.at("resource_name").as_string() == "shaped");
  CHECK(resource.at("resource_detail").at("id").as_string() == id);
  CHECK(resource.at("resource_detail").at("name").as_string() == "shaped");
  CHECK(resource.at("resource_detail").at("state").as_string() == "ENABLED");
  const json::value expected_tags = json::array{tag("a", "first"), tag("z", "last")};
  CHECK(resource.at("tags") == expected_tags);
  CHECK(resource.at("sys_tags").as_array().empty());
}

TEST_CASE("ListResourceInstances refuses bad bodies with nested errors", "[unit][api][tags][filter][errors]") {
  TagEnv env;
  const auto check = [&](const std::string& body, const std::string& code) {
    INFO(body);
    check_nested_error(env.post(kCsms + "/resource_instances/action", body), 400, code);
  };
  check(R"({})", "CSMS.0002");
  check(R"({"action":"list"})", "CSMS.0002");
  check(R"({"action":"filter","limit":"0"})", "CSMS.0002");
  check(R"({"action":"filter","limit":"1001"})", "CSMS.0002");
  check(R"({"action":"filter","limit":0})", "CSMS.0002");
  check(R"({"action":"filter","limit":"ten"})", "CSMS.0002");
  check(R"({"action":"filter","offset":"-1"})", "CSMS.0002");
  check(R"({"action":"filter","offset":-1})", "CSMS.0002");
  check(R"({"action":"filter","offset":1.5})", "CSMS.0002");
  check(R"({"action":"filter","limit":true})", "CSMS.0004");
  check(R"({"action":"filter","matches":[{"key":"description","value":"x"}]})", "CSMS.0002");
  check(R"({"action":"filter","matches":[{"key":"resource_name","value":")" + repeat("m", 256) + R"("}]})",
        "CSMS.0002");
  check(R"({"action":"filter","tags":[{"key":"a"},{"key":"a"}]})", "CSMS.0002");
  check(R"({"action":"filter","tags":[{"key":"a","values":["x","x"]}]})", "CSMS.0002");
  check(R"({"action":"filter","tags":[{"key":"a","values":["1","2","3","4","5","6","7","8","9","10","11"]}]})",
        "CSMS.0002");
  check(R"({"action":"filter","tags":[{"values":["x"]}]})", "CSMS.0002");
  check(R"({"action":"filter","tags":[{"key":"_sys_a"}]})", "CSMS.0002");
  check(R"({"action":"count","sequence":")" + repeat("s", 37) + R"("})", "CSMS.0002");
  check(R"({"action":"filter","tags":{"key":"a"}})", "CSMS.0004");
  check(R"({"action":"filter","tags":[{"key":"a","values":"x"}]})", "CSMS.0004");
  check(R"({"action":"filter","matches":["resource_name"]})", "CSMS.0004");
  check("", "CSMS.0004");
  json::array eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(json::object{{"key", "k" + std::to_string(i)}});
  check(json::serialize(json::object{{"action", "filter"}, {"tags", eleven}}), "CSMS.0002");
}

TEST_CASE("a reader lists and filters tags but cannot change them: 403 nested CSMS.0302", "[unit][api][tags][auth]") {
  TagEnv env;
  const auto id = env.create_secret("guarded");
  env.set_tags(id, json::array{tag("env", "dev")});
  csms::domain::NewCredential request;
  request.kind = csms::core::CredentialKind::kToken;
  request.role = csms::core::Role::kReader;
  request.projects = {P};
  const auto issued = csms::unit::expect_ok(env.credentials.create(request));
  env.peer = csms::http::Peer{};
  env.peer.transport = csms::http::Peer::Transport::kTcp;
  env.peer.address = "127.0.0.1:40000";
  env.headers = {{"x-auth-token", std::string(issued.secret.begin(), issued.secret.end())}};
  CHECK(env.tags_of(id) == std::vector<std::string>{"env=dev"});
  CHECK(env.get(kCsms + "/tags").status == 200);
  CHECK(env.filter_names(json::object{}) == std::vector<std::string>{"guarded"});
  check_nested_error(env.batch(id, "create", json::array{tag("a", "b")}), 403, "CSMS.0302");
  check_nested_error(env.post(env.tags_path(id), R"({"tag":{"key":"a"}})"), 403, "CSMS.0302");
  check_nested_error(env.del(env.tags_path(id) + "/env"), 403, "CSMS.0302");
  CHECK(env.tags_of(id) == std::vector<std::string>{"env=dev"});
}

TEST_CASE("the audit record of a tag write names the secret", "[unit][api][tags][audit]") {
  TagEnv env;
  const auto id = env.create_secret("audited");
  env.set_tags(id, json::array{tag("env", "dev")});
  std::ifstream in(env.dir / "audit.log");
  std::string line;
  std::string last;
  while (std::getline(in, line)) last = line;
  INFO(last);
  const auto record = json::parse(last).as_object();
  CHECK(record.at("operation").as_string() == "BatchCreateOrDeleteTags");
  CHECK(record.at("secret_name").as_string() == "audited");
  CHECK(record.at("status").as_int64() == 204);
}

TEST_CASE("a scheduled deletion carried out by the prune pass deletes the tags", "[unit][api][tags][deletion]") {
  TagEnv env;
  const auto id = env.create_secret("expiring");
  env.set_tags(id, json::array{tag("env", "dev")});
  REQUIRE(env.post(kSecrets + "/expiring/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status ==
          200);
  env.time.now += 8 * csms::core::kMillisPerDay;
  const auto counts = csms::unit::expect_ok(env.service.prune(std::chrono::hours(1)));
  CHECK(counts.secrets_deleted == 1);
  check_flat_not_found(env.get(env.tags_path(id)));
  CHECK(env.count(json::object{}) == 0);
  CHECK(env.store->database().execAndGet("SELECT count(*) FROM secret_tags").getInt() == 0);
}

TEST_CASE("the route resource_instances is literal and other csms paths are not served", "[unit][api][tags][routing]") {
  TagEnv env;
  const auto reply = env.post(kCsms + "/other_instances/action", R"({"action":"count"})");
  CHECK(reply.status == 400);
  REQUIRE(reply.json.is_object());
  CHECK(reply.json.at("error_code").as_string() == "CSMS.0003");
}

}  // namespace
