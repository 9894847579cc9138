// version_cap_test.cpp: the 20-version cap and never-reused version ids (decision 4).
#include <set>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

// "A secret keeps at most 20 versions: creating a 21st first deletes the oldest deprecated version in the same
// transaction. Version ids are never reused (next id = highest ever issued + 1)."
// api-decisions: "The 21st version deletes the oldest version that carries no stage (before the new version's stage
// moves)."
TEST_CASE("the 21st and later versions delete the oldest stage-less versions", "[integration][versions][cap]") {
  Daemon daemon(no_prune());  // no background pruning: only the cap deletes
  auto client = daemon.client();
  const std::string name = unique_name("cap");
  create_secret(client, name, "value-1");
  put_stage(client, name, "pin-a", "v1");
  for (int n = 2; n <= 25; ++n) {
    const auto md = create_version(client, name, "value-" + std::to_string(n));
    REQUIRE(get_string(md, "id") == vid(n));
    if (n == 5) put_stage(client, name, "pin-b", "v5");
    if (n == 10) put_stage(client, name, "pin-c", "v10");
    if (n == 15) put_stage(client, name, "pin-d", "v15");
    const auto versions = list_all_versions(client, name);
    INFO("after creating " << vid(n));
    CHECK(versions.size() == static_cast<std::size_t>(std::min(n, 20)));
  }
  // v21 removed v2, v22 v3, v23 v4, v24 v6 (v5 is pinned), v25 v7.
  std::vector<std::string> expected = {"v1", "v5"};
  for (int n = 8; n <= 25; ++n) expected.push_back(vid(n));
  std::vector<std::string> listed;
  for (const auto& [id, stages] : list_all_versions(client, name)) listed.push_back(id);
  CHECK(listed == expected);
  for (const char* gone : {"v2", "v3", "v4", "v6", "v7"}) {
    INFO("version " << gone);
    CHECK_FALSE(version_exists(client, name, gone));
  }
  // Every staged version survived and still carries its stages.
  const auto owners = stage_owners(client, name);
  CHECK(owners == std::map<std::string, std::string>{{"SYSCURRENT", "v25"},
                                                     {"SYSPREVIOUS", "v24"},
                                                     {"pin-a", "v1"},
                                                     {"pin-b", "v5"},
                                                     {"pin-c", "v10"},
                                                     {"pin-d", "v15"}});
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("value-1"));
  CHECK(get_version(client, name, "v5").at("secret_string") == json::value("value-5"));

  // Ids continue from the highest ever issued: never a freed v2.
  CHECK(get_string(create_version(client, name, "value-26"), "id") == "v26");
  CHECK_FALSE(version_exists(client, name, "v8"));
  CHECK(list_all_versions(client, name).size() == 20);
}

// "Version ids are never reused (next id = highest ever issued + 1)."
TEST_CASE("version ids keep increasing while the cap deletes old versions", "[integration][versions][cap]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("cap-ids");
  create_secret(client, name, "v");
  std::set<std::string> issued{"v1"};
  // 30 versions, each listing only a custom stage: SYSCURRENT stays on v1 and every older custom holder loses it.
  for (int n = 2; n <= 30; ++n) {
    const auto md = create_version(client, name, "value", std::vector<std::string>{"rolling"});
    const std::string id = get_string(md, "id");
    INFO("version " << n << " got id " << id);
    CHECK(id == vid(n));
    CHECK(issued.insert(id).second);
  }
  const auto versions = list_all_versions(client, name);
  CHECK(versions.size() == 20);
  CHECK(stage_owners(client, name) == std::map<std::string, std::string>{{"SYSCURRENT", "v1"}, {"rolling", "v30"}});
}
