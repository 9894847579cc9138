// tags_test.cpp: the tag operations 16 to 21 against the real daemon, led by the sequence Terraform's
// huaweicloud_csms_secret runs (create, set tags, read tags, filter by tag, schedule deletion).
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

namespace {

std::string csms_url(std::string_view project = kProject) { return "/v1/" + std::string(project) + "/csms"; }
std::string tags_url(std::string_view secret_id) { return csms_url() + "/" + std::string(secret_id) + "/tags"; }
std::string instances_url() { return csms_url() + "/resource_instances/action"; }

json::object tag(std::string_view key, std::string_view value) { return json::object{{"key", key}, {"value", value}}; }

/// key=value of GET .../tags, in the order listed; also checks the response shape.
std::vector<std::string> read_tags(HttpClient& client, std::string_view secret_id) {
  const HttpResponse r = client.get(tags_url(secret_id));
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto body = body_object(r);
  CHECK(body.size() == 2);
  CHECK(get_array(body, "sys_tags").empty());
  std::vector<std::string> out;
  for (const auto& item : get_array(body, "tags")) {
    out.push_back(get_string(item.as_object(), "key") + "=" + get_string(item.as_object(), "value"));
  }
  return out;
}

/// A nested error: {"error": {"error_code", "error_msg"}} with this status and code, and an X-Request-Id.
void check_nested_error(const HttpResponse& r, int status, std::string_view code) {
  INFO("response: " << r.describe());
  CHECK(r.status == status);
  check_request_id(r);
  const auto body = body_object(r);
  CHECK(body.size() == 1);
  const auto error = get_object(body, "error");
  CHECK(get_string(error, "error_code") == code);
  CHECK_FALSE(get_string(error, "error_msg").empty());
}

}  // namespace

// Contract 1.5: "Terraform's secret resource calls GET tags + tags/action on every create/read"; section 6: "tags via
// /csms/{id}/tags and /csms/{id}/tags/action"; Done means: "a Terraform-style sequence (create secret, set tags, read
// tags, filter by tag, schedule deletion) ... tested end to end."
TEST_CASE("a Terraform-style tag sequence: create, tag, read, filter, schedule deletion", "[integration][tags]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("tf-tagged");
  const std::string other = unique_name("tf-untagged");

  // Create: Terraform reads secret.id for the tag calls.
  const auto secret = create_secret(client, name, "s3cret");
  const std::string id = get_string(secret, "id");
  REQUIRE(id.size() == 36);
  create_secret(client, other, "v");
  CHECK(read_tags(client, id).empty());

  // Set tags: tags/action create, 204 with no body.
  HttpResponse r = client.post_json(tags_url(id) + "/action",
                                    json::object{{"action", "create"},
                                                 {"tags", json::array{tag("owner", "team-a"), tag("env", "prod")}}});
  REQUIRE_STATUS(r, 204);
  CHECK(r.body.empty());
  check_request_id(r);

  // Read tags.
  CHECK(read_tags(client, id) == std::vector<std::string>{"env=prod", "owner=team-a"});

  // Update as Terraform does: delete the old pairs, then create the new ones.
  REQUIRE_STATUS(client.post_json(tags_url(id) + "/action",
                                  json::object{{"action", "delete"}, {"tags", json::array{tag("env", "prod")}}}),
                 204);
  REQUIRE_STATUS(client.post_json(tags_url(id) + "/action",
                                  json::object{{"action", "create"}, {"tags", json::array{tag("env", "staging")}}}),
                 204);
  CHECK(read_tags(client, id) == std::vector<std::string>{"env=staging", "owner=team-a"});

  // Filter by tag, the way the csms_secrets_by_tags data source pages (numbers, limit 1, until an empty page).
  const json::array by_env{json::object{{"key", "env"}, {"values", json::array{"staging"}}}};
  std::vector<json::object> found;
  for (int offset = 0; offset < 5; ++offset) {
    r = client.post_json(instances_url(),
                         json::object{{"action", "filter"}, {"tags", by_env}, {"limit", 1}, {"offset", offset}});
    REQUIRE_STATUS(r, 200);
    const auto body = body_object(r);
    CHECK(body.at("total_count").as_int64() == 1);
    const auto resources = get_array(body, "resources");
    if (resources.empty()) break;
    found.push_back(resources.at(0).as_object());
  }
  REQUIRE(found.size() == 1);
  CHECK(get_string(found[0], "resource_id") == id);
  CHECK(get_string(found[0], "resource_name") == name);
  check_secret_shape(get_object(found[0], "resource_detail"), name);
  CHECK(get_array(found[0], "tags") == json::array{tag("env", "staging"), tag("owner", "team-a")});
  CHECK(get_array(found[0], "sys_tags").empty());

  // Count, as the SDK sends it (strings, which a count ignores).
  r = client.post_json(instances_url(),
                       json::object{{"action", "count"}, {"tags", by_env}, {"limit", "10"}, {"offset", "0"}});
  REQUIRE_STATUS(r, 200);
  CHECK(body_object(r).at("resources").is_null());
  CHECK(body_object(r).at("total_count").as_int64() == 1);

  // The project's tag listing.
  r = client.get(csms_url() + "/tags");
  REQUIRE_STATUS(r, 200);
  CHECK(get_array(body_object(r), "tags") ==
        json::array{json::object{{"key", "env"}, {"values", json::array{"staging"}}},
                    json::object{{"key", "owner"}, {"values", json::array{"team-a"}}}});

  // Schedule deletion.
  REQUIRE_STATUS(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 7}}), 200);

  // Pending deletion: tags still read and filter (with the state), tag changes are refused like other changes.
  CHECK(read_tags(client, id) == std::vector<std::string>{"env=staging", "owner=team-a"});
  r = client.post_json(instances_url(), json::object{{"action", "filter"}, {"tags", by_env}});
  REQUIRE_STATUS(r, 200);
  const auto pending = get_array(body_object(r), "resources");
  REQUIRE(pending.size() == 1);
  CHECK(get_string(get_object(pending.at(0).as_object(), "resource_detail"), "state") == "PENDING_DELETE");
  check_nested_error(client.post_json(tags_url(id) + "/action",
                                      json::object{{"action", "create"}, {"tags", json::array{tag("a", "b")}}}),
                     400, "CSMS.0103");
  check_nested_error(client.del(tags_url(id) + "/env"), 400, "CSMS.0103");
  CHECK(read_tags(client, id) == std::vector<std::string>{"env=staging", "owner=team-a"});

  // Cancelling makes them writable again; deleting the secret takes its tags along (then 404, flat CSMS.0005, which
  // Terraform reads as "gone").
  REQUIRE_STATUS(client.post(cancel_delete_url(name)), 200);
  REQUIRE_STATUS(client.del(tags_url(id) + "/owner"), 204);
  CHECK(read_tags(client, id) == std::vector<std::string>{"env=staging"});
  REQUIRE_STATUS(client.del(secret_url(name)), 200);
  CHECK_CSMS_ERROR(client.get(tags_url(id)), 404, "CSMS.0005");
  r = client.post_json(instances_url(), json::object{{"action", "count"}, {"tags", by_env}});
  REQUIRE_STATUS(r, 200);
  CHECK(body_object(r).at("total_count").as_int64() == 0);
  CHECK(get_array(body_object(client.get(csms_url() + "/tags")), "tags").empty());
}

// Contract 1.5: "Max 20 tags per secret"; 4.1: tag operations answer nested error bodies; decision 7: not found is
// 404 with a flat body; decision 13: "DELETE of a ... tag ... answers 204".
TEST_CASE("tag limits and error bodies over the socket", "[integration][tags][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("tag-limits");
  const std::string id = get_string(create_secret(client, name, "v"), "id");

  json::array twenty;
  for (int i = 0; i < 20; ++i) twenty.push_back(tag("k" + std::to_string(10 + i), "v"));
  REQUIRE_STATUS(client.post_json(tags_url(id) + "/action", json::object{{"action", "create"}, {"tags", twenty}}), 204);
  check_nested_error(client.post_json(tags_url(id), json::object{{"tag", tag("k99", "v")}}), 400, "CSMS.0002");
  REQUIRE_STATUS(client.post_json(tags_url(id), json::object{{"tag", tag("k10", "replaced")}}), 204);
  CHECK(read_tags(client, id).size() == 20);
  CHECK(read_tags(client, id).front() == "k10=replaced");

  check_nested_error(client.post_json(tags_url(id), json::object{{"tag", tag("_sys_hidden", "v")}}), 400, "CSMS.0002");
  check_nested_error(client.post(tags_url(id) + "/action", std::string("{\"action\":")), 400, "CSMS.0004");
  check_nested_error(client.get(csms_url() + "/not-a-uuid/tags"), 400, "CSMS.0002");
  check_nested_error(client.post_json(instances_url(), json::object{{"action", "filter"}, {"limit", "0"}}), 400,
                     "CSMS.0002");
  CHECK_CSMS_ERROR(client.del(tags_url(id) + "/absent"), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(tags_url("00000000-0000-4000-8000-000000000000")), 404, "CSMS.0005");
  // A secret id is only found in its own project.
  CHECK_CSMS_ERROR(client.get(csms_url(kOtherProject) + "/" + id + "/tags"), 404, "CSMS.0005");
}

// Regression list: "secrets lost on restart" — tags are stored with the secret and survive a restart.
TEST_CASE("tags survive a SIGTERM restart", "[integration][tags][persistence]") {
  Daemon daemon(no_prune());
  std::string id;
  {
    auto client = daemon.client();
    id = get_string(create_secret(client, unique_name("tag-persist"), "v"), "id");
    REQUIRE_STATUS(client.post_json(tags_url(id), json::object{{"tag", tag("环境", "生产")}}), 204);
  }
  REQUIRE(daemon.restart() == 0);
  auto client = daemon.client();
  CHECK(read_tags(client, id) == std::vector<std::string>{"环境=生产"});
  const HttpResponse r = client.post_json(
      instances_url(), json::object{{"action", "count"}, {"tags", json::array{json::object{{"key", "环境"}}}}});
  REQUIRE_STATUS(r, 200);
  CHECK(body_object(r).at("total_count").as_int64() == 1);
}
