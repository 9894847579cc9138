// policy_test.cpp: roles and project scopes (authorize, may_manage) and Unix peer rules (parse, defaults, matching).
#include "auth/caller.hpp"
#include "auth/peer_rules.hpp"

#include "common/unit_env.hpp"

#include <string>
#include <vector>

#include <grp.h>
#include <pwd.h>

namespace {

using csms::auth::authorize;
using csms::auth::Caller;
using csms::auth::may_manage;
using csms::auth::PeerRule;
using csms::auth::Permission;
using csms::core::Errc;
using csms::core::Role;

const std::string P = "0123456789abcdef0123456789abcdef";
const std::string Q = "fedcba9876543210fedcba9876543210";
const std::string R = "00000000000000000000000000000000";

Caller caller(Role role, std::vector<std::string> projects) {
  Caller made;
  made.kind = Caller::Kind::kToken;
  made.id = "test";
  made.role = role;
  made.projects = std::move(projects);
  return made;
}

bool allowed(const Caller& who, Permission permission, std::string_view project) {
  const auto status = authorize(who, permission, project);
  if (!status) {
    CHECK(status.error().code == Errc::kForbidden);
    CHECK_FALSE(status.error().detail.empty());
  }
  return status.has_value();
}

PeerRule parsed(std::string_view text) {
  PeerRule rule;
  std::string error;
  INFO(text);
  if (!csms::auth::parse_peer_rule(text, rule, error)) FAIL("parse_peer_rule refused: " << error);
  CHECK(error.empty());
  return rule;
}

std::string refusal(std::string_view text) {
  PeerRule rule;
  rule.id = 4242;
  std::string error;
  INFO(text);
  CHECK_FALSE(csms::auth::parse_peer_rule(text, rule, error));
  CHECK_FALSE(error.empty());
  CHECK(rule.id == 4242);  // the output is untouched on failure
  return error;
}

// ---------------------------------------------------------------------------------------------------------------
// authorize

TEST_CASE("authorize: role by permission table on the caller's own project", "[unit][auth][policy]") {
  struct Row {
    Role role;
    bool read, write, manage_credentials;
  };
  const Row rows[] = {
      {Role::kReader, true, false, false},
      {Role::kWriter, true, true, false},
      {Role::kAdmin, true, true, true},
  };
  for (const Row& row : rows) {
    INFO("role " << csms::core::to_string(row.role));
    const Caller scoped = caller(row.role, {P});
    CHECK(allowed(scoped, Permission::kRead, P) == row.read);
    CHECK(allowed(scoped, Permission::kWrite, P) == row.write);
    CHECK(allowed(scoped, Permission::kManageCredentials, "") == row.manage_credentials);
    CHECK(allowed(scoped, Permission::kNone, "") == true);
    // The vault is managed by an admin of every project only: a project-scoped admin is refused too.
    CHECK_FALSE(allowed(scoped, Permission::kManageVault, ""));

    const Caller everywhere = caller(row.role, {"*"});
    CHECK(allowed(everywhere, Permission::kRead, P) == row.read);
    CHECK(allowed(everywhere, Permission::kWrite, Q) == row.write);
    CHECK(allowed(everywhere, Permission::kManageCredentials, "") == row.manage_credentials);
    CHECK(allowed(everywhere, Permission::kManageVault, "") == (row.role == Role::kAdmin));
    // Metrics count every project's secrets: an admin of every project only, like the master key.
    CHECK_FALSE(allowed(scoped, Permission::kReadMetrics, ""));
    CHECK(allowed(everywhere, Permission::kReadMetrics, "") == (row.role == Role::kAdmin));
    CHECK(allowed(scoped, Permission::kPublic, ""));
  }
}

TEST_CASE("authorize: the metrics role may scrape GET /metrics and nothing else, whatever its projects",
          "[unit][auth][policy]") {
  struct Row {
    Permission permission;
    std::string_view project;
    bool allowed;
  };
  // Every permission, with and without a project in the path.
  const Row rows[] = {
      {Permission::kReadMetrics, "", true},
      {Permission::kPublic, "", true},
      {Permission::kRead, P, false},
      {Permission::kRead, "", false},
      {Permission::kWrite, P, false},
      {Permission::kWrite, "", false},
      {Permission::kManageCredentials, "", false},
      {Permission::kManageCredentials, P, false},
      {Permission::kManageVault, "", false},
      {Permission::kNone, "", false},
      {Permission::kNone, P, false},
  };
  const std::vector<std::vector<std::string>> scopes{{"*"}, {P}, {P, Q}, {}};
  for (const auto& projects : scopes) {
    const Caller metrics = caller(Role::kMetrics, projects);
    for (const Row& row : rows) {
      INFO("projects " << projects.size() << ", permission " << static_cast<int>(row.permission) << ", project '"
                       << row.project << "'");
      CHECK(allowed(metrics, row.permission, row.project) == row.allowed);
    }
  }
  const auto refused = authorize(caller(Role::kMetrics, {"*"}), Permission::kRead, P);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().detail.find("metrics") != std::string::npos);
}

TEST_CASE("authorize: /metrics is for the metrics role and admins of every project only", "[unit][auth][policy]") {
  CHECK(allowed(caller(Role::kMetrics, {"*"}), Permission::kReadMetrics, ""));
  CHECK(allowed(caller(Role::kAdmin, {"*"}), Permission::kReadMetrics, ""));
  CHECK_FALSE(allowed(caller(Role::kAdmin, {P}), Permission::kReadMetrics, ""));
  CHECK_FALSE(allowed(caller(Role::kWriter, {"*"}), Permission::kReadMetrics, ""));
  CHECK_FALSE(allowed(caller(Role::kReader, {"*"}), Permission::kReadMetrics, ""));
}

TEST_CASE("roles print and parse, metrics among them", "[unit][auth][policy]") {
  for (const Role role : {Role::kReader, Role::kWriter, Role::kAdmin, Role::kMetrics}) {
    INFO(csms::core::to_string(role));
    CHECK(csms::core::role_from_string(csms::core::to_string(role)) == role);
  }
  CHECK(csms::core::to_string(Role::kMetrics) == "metrics");
  CHECK(csms::core::role_from_string("metrics") == Role::kMetrics);
  CHECK_FALSE(csms::core::role_from_string("Metrics").has_value());
  CHECK_FALSE(csms::core::role_from_string("metric").has_value());
  CHECK_FALSE(csms::core::role_from_string("").has_value());
  for (const std::string_view name : {"reader", "writer", "admin", "metrics"}) {
    CHECK(csms::core::kRoleNames.find(name) != std::string_view::npos);
  }
}

TEST_CASE("authorize: a project outside the caller's is forbidden whatever the role", "[unit][auth][policy]") {
  for (const Role role : {Role::kReader, Role::kWriter, Role::kAdmin}) {
    INFO("role " << csms::core::to_string(role));
    const Caller scoped = caller(role, {P, Q});
    CHECK(allowed(scoped, Permission::kRead, P));
    CHECK(allowed(scoped, Permission::kRead, Q));
    CHECK_FALSE(allowed(scoped, Permission::kRead, R));
    CHECK_FALSE(allowed(scoped, Permission::kNone, R));
    CHECK_FALSE(allowed(scoped, Permission::kWrite, R));
    CHECK_FALSE(allowed(scoped, Permission::kManageCredentials, R));
    // A project id is compared whole, not as a prefix.
    CHECK_FALSE(allowed(scoped, Permission::kRead, P.substr(0, 31)));
    CHECK_FALSE(allowed(scoped, Permission::kRead, P + "0"));
  }
}

TEST_CASE("authorize: \"*\" covers every project and nothing else in the list matters", "[unit][auth][policy]") {
  const Caller reader = caller(Role::kReader, {Q, "*"});
  CHECK(reader.covers_all_projects());
  CHECK(reader.covers_project(R));
  CHECK(allowed(reader, Permission::kRead, R));
  CHECK_FALSE(allowed(reader, Permission::kWrite, R));

  const Caller scoped = caller(Role::kAdmin, {Q});
  CHECK_FALSE(scoped.covers_all_projects());
  CHECK(scoped.covers_project(Q));
  CHECK_FALSE(scoped.covers_project(P));
  // A literal "*" in the path is just another (invalid) project id, not a wildcard for the caller.
  CHECK_FALSE(scoped.covers_project("*"));

  const Caller nothing = caller(Role::kAdmin, {});
  CHECK_FALSE(allowed(nothing, Permission::kRead, P));
  CHECK_FALSE(allowed(nothing, Permission::kManageVault, ""));
}

TEST_CASE("Caller kinds have their audit names", "[unit][auth][policy]") {
  CHECK(csms::auth::to_string(Caller::Kind::kUnixPeer) == "unix_peer");
  CHECK(csms::auth::to_string(Caller::Kind::kAccessKey) == "access_key");
  CHECK(csms::auth::to_string(Caller::Kind::kToken) == "token");
}

// ---------------------------------------------------------------------------------------------------------------
// may_manage

TEST_CASE("may_manage: only admins, and only within their own projects", "[unit][auth][policy]") {
  SECTION("readers, writers and metrics credentials manage nothing, even on *") {
    for (const Role role : {Role::kReader, Role::kWriter, Role::kMetrics}) {
      CHECK_FALSE(may_manage(caller(role, {"*"}), {P}));
      CHECK_FALSE(may_manage(caller(role, {P}), {P}));
    }
  }
  SECTION("an admin on * manages every credential, * ones included") {
    const Caller admin = caller(Role::kAdmin, {"*"});
    CHECK(may_manage(admin, {P}));
    CHECK(may_manage(admin, {P, Q, R}));
    CHECK(may_manage(admin, {"*"}));
  }
  SECTION("a scoped admin manages credentials whose projects all lie within its own") {
    const Caller admin = caller(Role::kAdmin, {P, Q});
    CHECK(may_manage(admin, {P}));
    CHECK(may_manage(admin, {Q}));
    CHECK(may_manage(admin, {P, Q}));
    CHECK_FALSE(may_manage(admin, {R}));
    CHECK_FALSE(may_manage(admin, {P, R}));
    CHECK_FALSE(may_manage(admin, {"*"}));
    CHECK_FALSE(may_manage(admin, {P, "*"}));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// parse_peer_rule

TEST_CASE("parse_peer_rule: uid and gid rules, with and without projects", "[unit][auth][peer_rules]") {
  auto rule = parsed("uid:1000=writer");
  CHECK(rule.match == PeerRule::Match::kUid);
  CHECK(rule.id == 1000);
  CHECK(rule.role == Role::kWriter);
  CHECK(rule.projects == std::vector<std::string>{"*"});

  rule = parsed("gid:2000=reader:" + P + "," + Q);
  CHECK(rule.match == PeerRule::Match::kGid);
  CHECK(rule.id == 2000);
  CHECK(rule.role == Role::kReader);
  CHECK(rule.projects == std::vector<std::string>{P, Q});

  rule = parsed("uid:0=admin:*");
  CHECK(rule.id == 0);
  CHECK(rule.role == Role::kAdmin);
  CHECK(rule.projects == std::vector<std::string>{"*"});

  // Upper-case hex project ids are project ids too.
  rule = parsed("uid:7=reader:0123456789ABCDEF0123456789ABCDEF");
  CHECK(rule.projects == std::vector<std::string>{"0123456789ABCDEF0123456789ABCDEF"});

  rule = parsed("uid:4294967295=reader");
  CHECK(rule.id == 4294967295u);
}

TEST_CASE("parse_peer_rule: a metrics rule covers every project and only every project", "[unit][auth][peer_rules]") {
  auto rule = parsed("uid:1000=metrics");
  CHECK(rule.role == Role::kMetrics);
  CHECK(rule.projects == std::vector<std::string>{"*"});
  rule = parsed("gid:2000=metrics:*");
  CHECK(rule.role == Role::kMetrics);
  CHECK(rule.projects == std::vector<std::string>{"*"});

  const std::string error = refusal("uid:1000=metrics:" + P);
  CHECK(error.find("metrics") != std::string::npos);
  refusal("uid:1000=metrics:*," + P);

  // A matched metrics peer scrapes and does nothing else.
  const auto matched = csms::auth::match_peer({parsed("uid:1000=metrics")}, 1000, 1000, {}, 5);
  REQUIRE(matched.has_value());
  CHECK(matched->role == Role::kMetrics);
  CHECK(allowed(*matched, Permission::kReadMetrics, ""));
  CHECK_FALSE(allowed(*matched, Permission::kRead, P));
}

TEST_CASE("parse_peer_rule: user and group names are resolved", "[unit][auth][peer_rules]") {
  auto rule = parsed("user:root=admin");
  CHECK(rule.match == PeerRule::Match::kUid);
  CHECK(rule.id == 0);
  CHECK(rule.role == Role::kAdmin);
  CHECK(rule.projects == std::vector<std::string>{"*"});

  rule = parsed("group:root=reader:" + P);
  CHECK(rule.match == PeerRule::Match::kGid);
  CHECK(rule.id == 0);
  CHECK(rule.role == Role::kReader);
  CHECK(rule.projects == std::vector<std::string>{P});

  // The current user by name, when the passwd database knows it.
  if (const passwd* own = ::getpwuid(::getuid()); own != nullptr) {
    rule = parsed(std::string("user:") + own->pw_name + "=writer");
    CHECK(rule.id == ::getuid());
  }
  const std::string error = refusal("user:no-such-user-csmsd-unit=admin");
  CHECK(error.find("no-such-user-csmsd-unit") != std::string::npos);
  refusal("group:no-such-group-csmsd-unit=reader");
}

TEST_CASE("parse_peer_rule: malformed rules are refused with a message", "[unit][auth][peer_rules]") {
  SECTION("unknown role") {
    const std::string error = refusal("uid:1000=superuser");
    CHECK(error.find("superuser") != std::string::npos);
    CHECK(error.find("metrics") != std::string::npos);  // the message lists every role
    refusal("uid:1000=Admin");
    refusal("uid:1000=");
    refusal("uid:1000=:" + P);
  }
  SECTION("bad project") {
    const std::string error = refusal("uid:1000=reader:not-a-project");
    CHECK(error.find("not-a-project") != std::string::npos);
    refusal("uid:1000=reader:" + P.substr(1));
    refusal("uid:1000=reader:" + P + P + "0");  // 65 characters, one more than a project id may have
    refusal("uid:1000=reader:0123456789abcdef0123456789abcde.");
    refusal("uid:1000=reader:" + P + ",,"  + Q);
    refusal("uid:1000=reader:," + P);
    refusal("uid:1000=reader:");
  }
  SECTION("missing '=' or ':'") {
    refusal("uid:1000");
    refusal("uid1000=admin");
    refusal("1000=admin");
    refusal("");
    refusal("uid=1000:admin");
  }
  SECTION("bad ids and kinds") {
    refusal("uid:=admin");
    refusal("uid:abc=admin");
    refusal("uid:-1=admin");
    refusal("uid:12x=admin");
    refusal("uid:4294967296=admin");
    refusal("gid: 5=admin");
    const std::string error = refusal("pid:5=admin");
    CHECK(error.find("pid") != std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// default_peer_rules and match_peer

TEST_CASE("default peer rules make the own uid and root admin on every project", "[unit][auth][peer_rules]") {
  const auto rules = csms::auth::default_peer_rules(1234);
  REQUIRE(rules.size() == 2);
  for (const uid_t uid : {uid_t{1234}, uid_t{0}}) {
    INFO("uid " << uid);
    const auto matched = csms::auth::match_peer(rules, uid, 5555, {}, 77);
    REQUIRE(matched.has_value());
    CHECK(matched->kind == Caller::Kind::kUnixPeer);
    CHECK(matched->role == Role::kAdmin);
    CHECK(matched->projects == std::vector<std::string>{"*"});
    CHECK(matched->id == "uid:" + std::to_string(uid));
    CHECK(matched->uid == uid);
    CHECK(matched->pid == 77);
    csms::unit::expect_ok(authorize(*matched, Permission::kManageVault, ""));
  }
  CHECK_FALSE(csms::auth::match_peer(rules, 1235, 1234, {0, 1234}, std::nullopt).has_value());

  // Running as root there is one rule, not a duplicate.
  const auto root_rules = csms::auth::default_peer_rules(0);
  REQUIRE(root_rules.size() == 1);
  CHECK(root_rules[0].id == 0);
  CHECK(root_rules[0].match == PeerRule::Match::kUid);
  CHECK(root_rules[0].role == Role::kAdmin);
}

TEST_CASE("match_peer: a uid rule beats a group rule whatever the order", "[unit][auth][peer_rules]") {
  const std::vector<PeerRule> rules{parsed("gid:100=reader:" + P), parsed("uid:1000=admin:" + Q)};
  const auto matched = csms::auth::match_peer(rules, 1000, 100, {100}, std::nullopt);
  REQUIRE(matched.has_value());
  CHECK(matched->role == Role::kAdmin);
  CHECK(matched->projects == std::vector<std::string>{Q});
  CHECK_FALSE(matched->pid.has_value());

  // Another uid in the group gets the group's rule.
  const auto member = csms::auth::match_peer(rules, 1001, 100, {}, std::nullopt);
  REQUIRE(member.has_value());
  CHECK(member->role == Role::kReader);
  CHECK(member->projects == std::vector<std::string>{P});
  CHECK(member->id == "uid:1001");
}

TEST_CASE("match_peer: supplementary groups match, the first matching group rule wins", "[unit][auth][peer_rules]") {
  const std::vector<PeerRule> rules{parsed("gid:200=writer:" + P), parsed("gid:300=admin")};
  const auto matched = csms::auth::match_peer(rules, 1000, 100, {50, 300, 200}, 9);
  REQUIRE(matched.has_value());
  CHECK(matched->role == Role::kWriter);
  CHECK(matched->projects == std::vector<std::string>{P});
  CHECK(matched->pid == 9);

  const auto only_admin_group = csms::auth::match_peer(rules, 1000, 100, {300}, 9);
  REQUIRE(only_admin_group.has_value());
  CHECK(only_admin_group->role == Role::kAdmin);

  // The primary group counts even when absent from the supplementary list.
  const auto primary = csms::auth::match_peer(rules, 1000, 200, {}, 9);
  REQUIRE(primary.has_value());
  CHECK(primary->role == Role::kWriter);

  CHECK_FALSE(csms::auth::match_peer(rules, 1000, 100, {50, 51}, 9).has_value());
  CHECK_FALSE(csms::auth::match_peer(rules, 1000, std::nullopt, {}, 9).has_value());
}

TEST_CASE("match_peer: no uid matches nothing, even a group rule", "[unit][auth][peer_rules]") {
  const std::vector<PeerRule> rules{parsed("gid:100=admin"), parsed("uid:0=admin")};
  CHECK_FALSE(csms::auth::match_peer(rules, std::nullopt, 100, {100}, 1).has_value());
  CHECK_FALSE(csms::auth::match_peer(csms::auth::default_peer_rules(0), std::nullopt, 0, {0}, 1).has_value());
  CHECK_FALSE(csms::auth::match_peer({}, 0, 0, {0}, 1).has_value());
}

}  // namespace
