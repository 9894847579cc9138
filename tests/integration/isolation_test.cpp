// isolation_test.cpp: project_id is an isolated namespace (decision 12).
#include <string>

#include "harness.hpp"

using namespace csms_it;

// "project_id is an isolated namespace: names are unique per project, and nothing of one project is visible
// through another."
TEST_CASE("the same secret name lives independently in two projects", "[integration][isolation]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("shared");
  const auto a = create_secret(client, name, "value-in-a", kProject);
  const auto b = create_secret(client, name, "value-in-b", kOtherProject);
  CHECK(get_string(a, "id") != get_string(b, "id"));
  CHECK(get_version(client, name, "v1", kProject).at("secret_string") == json::value("value-in-a"));
  CHECK(get_version(client, name, "v1", kOtherProject).at("secret_string") == json::value("value-in-b"));

  // Versions and stages stay in their project.
  create_version(client, name, "second-in-a", std::nullopt, kProject);
  put_stage(client, name, "only-a", "v1", kProject);
  CHECK(list_all_versions(client, name, kProject).size() == 2);
  CHECK(list_all_versions(client, name, kOtherProject).size() == 1);
  CHECK(stage_holder(client, name, "only-a", kOtherProject) == std::nullopt);
  CHECK(stage_holder(client, name, "SYSCURRENT", kOtherProject) == std::optional<std::string>("v1"));
  CHECK_CSMS_ERROR(client.get(version_url(name, "v2", kOtherProject)), 404, "CSMS.0005");

  // Deleting in one project leaves the other.
  REQUIRE_STATUS(client.del(secret_url(name, kProject)), 200);
  CHECK_CSMS_ERROR(client.get(secret_url(name, kProject)), 404, "CSMS.0005");
  CHECK(get_string(get_secret(client, name, kOtherProject), "id") == get_string(b, "id"));
}

// "nothing of one project is visible through another."
TEST_CASE("lists and lookups never cross projects", "[integration][isolation]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string only_a = unique_name("only-a");
  create_secret(client, only_a, "a", kProject);
  const std::string only_b = unique_name("only-b");
  create_secret(client, only_b, "b", kOtherProject);
  const std::string third_project = "0123456789abcdef0123456789abcdef";

  auto names_in = [&](std::string_view project) {
    const HttpResponse r = client.get(secrets_url(project));
    REQUIRE_STATUS(r, 200);
    std::vector<std::string> names;
    for (const auto& s : get_array(body_object(r), "secrets")) names.push_back(get_string(s.as_object(), "name"));
    return names;
  };
  CHECK(names_in(kProject) == std::vector<std::string>{only_a});
  CHECK(names_in(kOtherProject) == std::vector<std::string>{only_b});
  CHECK(names_in(third_project).empty());

  CHECK_CSMS_ERROR(client.get(secret_url(only_a, kOtherProject)), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(version_url(only_a, "v1", kOtherProject)), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(stage_url(only_a, "SYSCURRENT", kOtherProject)), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.put_json(secret_url(only_a, kOtherProject), json::object{{"description", "x"}}), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.post_json(versions_url(only_a, kOtherProject), json::object{{"secret_string", "x"}}), 404,
                   "CSMS.0005");
  CHECK_CSMS_ERROR(client.del(secret_url(only_a, kOtherProject)), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.post_json(schedule_delete_url(only_a, kOtherProject), json::object{{"recovery_window_in_days", 7}}),
                   404, "CSMS.0005");
  // Untouched by all of the above.
  const auto a = get_secret(client, only_a, kProject);
  CHECK(get_string(a, "state") == "ENABLED");
  CHECK(list_all_versions(client, only_a, kProject).size() == 1);
}
