// stage_rules_test.cpp: SYSCURRENT/SYSPREVIOUS bookkeeping and stage moves (decisions 1-3).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

using Owners = std::map<std::string, std::string>;

// "Whenever SYSCURRENT moves to another version, by any operation (new version without version_stages, ...), the
// version that held SYSCURRENT just before receives SYSPREVIOUS in the same transaction."
// "other custom labels stay where they are"
TEST_CASE("a new version without version_stages takes SYSCURRENT and the old holder gets SYSPREVIOUS",
          "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-default");
  create_secret(client, name, "one");
  put_stage(client, name, "keep", "v1");
  auto md = create_version(client, name, "two");
  CHECK(strings_of(get_array(md, "version_stages")) == std::vector<std::string>{"SYSCURRENT"});
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}, {"keep", "v1"}});

  md = create_version(client, name, "three");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}, {"keep", "v1"}});
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>({"keep"}));
}

// "A new version whose version_stages omits SYSCURRENT leaves SYSCURRENT where it is."
TEST_CASE("a new version whose version_stages omits SYSCURRENT leaves SYSCURRENT and SYSPREVIOUS alone",
          "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-custom");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  put_stage(client, name, "blue", "v1");
  const auto md = create_version(client, name, "three", std::vector<std::string>{"blue", "green"});
  auto stages = strings_of(get_array(md, "version_stages"));
  std::sort(stages.begin(), stages.end());
  CHECK(stages == std::vector<std::string>{"blue", "green"});
  CHECK(stage_owners(client, name) ==
        Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}, {"blue", "v3"}, {"green", "v3"}});
}

// "Whenever SYSCURRENT moves to another version, by any operation (..., new version whose version_stages lists
// SYSCURRENT, ...), the version that held SYSCURRENT just before receives SYSPREVIOUS"
TEST_CASE("a new version whose version_stages lists SYSCURRENT moves SYSPREVIOUS to the former holder",
          "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-listed");
  create_secret(client, name, "one");
  create_version(client, name, "two");  // SYSCURRENT v2, SYSPREVIOUS v1
  create_version(client, name, "three", std::vector<std::string>{"SYSCURRENT", "canary"});
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}, {"canary", "v3"}});
}

// api-decisions: "Automatic SYSPREVIOUS (decision 3) always wins: if a request places SYSPREVIOUS itself and also
// moves SYSCURRENT, the former SYSCURRENT holder ends up with SYSPREVIOUS."
TEST_CASE("automatic SYSPREVIOUS wins over a SYSPREVIOUS listed in version_stages", "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-wins");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  create_version(client, name, "three", std::vector<std::string>{"SYSCURRENT", "SYSPREVIOUS"});
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}});
}

// "POST or PUT of the stage SYSCURRENT" moves SYSCURRENT; "the version that held SYSCURRENT just before receives
// SYSPREVIOUS in the same transaction."
TEST_CASE("moving SYSCURRENT by POST or PUT gives the former holder SYSPREVIOUS", "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-move");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  create_version(client, name, "three", std::vector<std::string>{"other"});  // SYSCURRENT v2, SYSPREVIOUS v1

  const auto stage = post_stage(client, name, "SYSCURRENT", "v3");
  CHECK(get_string(stage, "version_id") == "v3");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}, {"other", "v3"}});

  put_stage(client, name, "SYSCURRENT", "v1");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v1"}, {"SYSPREVIOUS", "v3"}, {"other", "v3"}});
}

// "Moving SYSCURRENT onto the version that already holds it changes nothing."
TEST_CASE("moving SYSCURRENT onto its holder changes nothing", "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-noop");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  const Owners before{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}};
  REQUIRE(stage_owners(client, name) == before);
  CHECK(get_string(put_stage(client, name, "SYSCURRENT", "v2"), "version_id") == "v2");
  CHECK(stage_owners(client, name) == before);
  CHECK(get_string(post_stage(client, name, "SYSCURRENT", "v2"), "version_id") == "v2");
  CHECK(stage_owners(client, name) == before);
  CHECK(stages_of(client, name, "v2") == std::optional<std::vector<std::string>>({"SYSCURRENT"}));
}

// "It attaches the stage to the version; if the stage is on another version it is moved (removed there, added
// here) in the same transaction; it is not an error."
TEST_CASE("moving a custom stage removes it from the old version", "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-custom-move");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  post_stage(client, name, "blue", "v1");
  post_stage(client, name, "blue", "v2");  // POST of an existing stage is a move, not 409
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}, {"blue", "v2"}});
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>({"SYSPREVIOUS"}));
  put_stage(client, name, "blue", "v1");
  CHECK(stages_of(client, name, "v2") == std::optional<std::vector<std::string>>({"SYSCURRENT"}));
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>({"SYSPREVIOUS", "blue"}));
  // SYSCURRENT did not move, so SYSPREVIOUS did not either.
  CHECK(stage_holder(client, name, "SYSPREVIOUS") == std::optional<std::string>("v1"));
}

// "A stage is on exactly one version; a version may carry several stages." Moving SYSPREVIOUS by hand is a plain
// move: only SYSCURRENT moves shift SYSPREVIOUS.
TEST_CASE("moving SYSPREVIOUS by hand leaves SYSCURRENT in place", "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-prev");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  create_version(client, name, "three");
  put_stage(client, name, "SYSPREVIOUS", "v1");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v1"}});
  put_stage(client, name, "SYSPREVIOUS", "v3");
  CHECK(stages_of(client, name, "v3") == std::optional<std::vector<std::string>>({"SYSCURRENT", "SYSPREVIOUS"}));
}

// "Whenever SYSCURRENT moves to another version ... the version that held SYSCURRENT just before receives
// SYSPREVIOUS" — also when SYSCURRENT moves onto the SYSPREVIOUS holder (the two swap).
TEST_CASE("moving SYSCURRENT onto the SYSPREVIOUS holder swaps the two", "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("rule-swap");
  create_secret(client, name, "one");
  create_version(client, name, "two");  // CUR v2, PREV v1
  put_stage(client, name, "SYSCURRENT", "v1");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v1"}, {"SYSPREVIOUS", "v2"}});
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>({"SYSCURRENT"}));
  post_stage(client, name, "SYSCURRENT", "v2");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}});
}

// "a version_stages list longer than 12 is 400 CSMS.0204"; api-decisions: "The 12-stage limit counts the result of
// the whole operation, SYSPREVIOUS included."
TEST_CASE("version_stages counts toward the 12-stage limit with the SYSPREVIOUS it causes", "[integration][stages][rules]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  std::vector<std::string> eleven;
  for (int i = 1; i <= 11; ++i) eleven.push_back("c" + std::to_string(i));

  SECTION("12 listed entries are accepted when the result has 12 stages") {
    const std::string name = unique_name("limit-12");
    create_secret(client, name, "one");
    const auto md = create_version(client, name, "two", eleven);  // SYSCURRENT stays on v1: 12 stages
    CHECK(get_array(md, "version_stages").size() == 11);
    CHECK(stage_owners(client, name).size() == 12);
  }
  SECTION("12 new custom stages next to SYSCURRENT are 13") {
    const std::string name = unique_name("limit-13-custom");
    create_secret(client, name, "one");
    auto twelve = eleven;
    twelve.push_back("c12");
    json::array list;
    for (const auto& s : twelve) list.emplace_back(s);
    CHECK_CSMS_ERROR(client.post_json(versions_url(name), json::object{{"secret_string", "x"}, {"version_stages", list}}),
                     400, "CSMS.0203");
    CHECK(list_all_versions(client, name).size() == 1);
  }
  SECTION("SYSCURRENT plus 11 new stages is 13 with the SYSPREVIOUS it adds") {
    const std::string name = unique_name("limit-13-prev");
    create_secret(client, name, "one");
    json::array list{"SYSCURRENT"};
    for (const auto& s : eleven) list.emplace_back(s);
    CHECK_CSMS_ERROR(client.post_json(versions_url(name), json::object{{"secret_string", "x"}, {"version_stages", list}}),
                     400, "CSMS.0203");
    CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v1"}});
  }
}
