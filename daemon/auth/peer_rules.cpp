// peer_rules.cpp: parsing and matching Unix socket peer rules.
#include "auth/peer_rules.hpp"

#include <algorithm>
#include <charconv>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace csms::auth {
namespace {

bool parse_number(std::string_view text, std::uint32_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool resolve_user(const std::string& name, std::uint32_t& uid) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return false;
  uid = found->pw_uid;
  return true;
}

bool resolve_group(const std::string& name, std::uint32_t& gid) {
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return false;
  gid = found->gr_gid;
  return true;
}

// The API's project id rule (api/validation.cpp): 32 to 64 characters of [a-zA-Z0-9_-].
bool valid_project(std::string_view project) {
  if (project == core::kAllProjects) return true;
  return project.size() >= 32 && project.size() <= 64 && std::all_of(project.begin(), project.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
         });
}

}  // namespace

bool parse_peer_rule(std::string_view text, PeerRule& out, std::string& error) {
  const auto equals = text.find('=');
  const auto colon = text.find(':');
  if (equals == std::string_view::npos || colon == std::string_view::npos || colon > equals) {
    error = "--peer expects uid:N=ROLE[:PROJECTS], gid:N=..., user:NAME=... or group:NAME=..., got '" + std::string(text) + "'";
    return false;
  }
  const std::string_view kind = text.substr(0, colon);
  const std::string who(text.substr(colon + 1, equals - colon - 1));
  std::string_view rest = text.substr(equals + 1);
  const auto role_end = rest.find(':');
  const std::string_view role_text = rest.substr(0, role_end);
  PeerRule rule;
  const auto role = core::role_from_string(role_text);
  if (!role) {
    error = "--peer: unknown role '" + std::string(role_text) + "' (" + std::string(core::kRoleNames) + ")";
    return false;
  }
  rule.role = *role;
  bool resolved = false;
  if (kind == "uid") {
    rule.match = PeerRule::Match::kUid;
    resolved = parse_number(who, rule.id);
  } else if (kind == "gid") {
    rule.match = PeerRule::Match::kGid;
    resolved = parse_number(who, rule.id);
  } else if (kind == "user") {
    rule.match = PeerRule::Match::kUid;
    resolved = resolve_user(who, rule.id);
  } else if (kind == "group") {
    rule.match = PeerRule::Match::kGid;
    resolved = resolve_group(who, rule.id);
  } else {
    error = "--peer: '" + std::string(kind) + "' is not uid, gid, user or group";
    return false;
  }
  if (!resolved) {
    error = "--peer: cannot resolve " + std::string(kind) + " '" + who + "'";
    return false;
  }
  if (role_end == std::string_view::npos) {
    rule.projects = {std::string(core::kAllProjects)};
  } else {
    std::string_view list = rest.substr(role_end + 1);
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string_view project = list.substr(0, comma);
      if (!valid_project(project)) {
        error = "--peer: '" + std::string(project) + "' is not a project id (32 to 64 characters of a-z, A-Z, 0-9, _ and -) or *";
        return false;
      }
      rule.projects.emplace_back(project);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    if (rule.projects.empty()) {
      error = "--peer: the project list after the role is empty";
      return false;
    }
  }
  // The same rule as for a metrics credential (docs/auth.md): a project scope would suggest per-project metrics.
  if (rule.role == core::Role::kMetrics && rule.projects != std::vector<std::string>{std::string(core::kAllProjects)}) {
    error = "--peer: a metrics rule covers every project: give no projects or *";
    return false;
  }
  out = std::move(rule);
  return true;
}

std::vector<PeerRule> default_peer_rules(uid_t own_uid) {
  std::vector<PeerRule> rules;
  rules.push_back(PeerRule{PeerRule::Match::kUid, own_uid, core::Role::kAdmin, {std::string(core::kAllProjects)}});
  if (own_uid != 0) rules.push_back(PeerRule{PeerRule::Match::kUid, 0, core::Role::kAdmin, {std::string(core::kAllProjects)}});
  return rules;
}

std::optional<Caller> match_peer(const std::vector<PeerRule>& rules, std::optional<uid_t> uid, std::optional<gid_t> gid,
                                 const std::vector<gid_t>& groups, std::optional<pid_t> pid) {
  if (!uid) return std::nullopt;
  const auto make = [&](const PeerRule& rule) {
    Caller caller;
    caller.kind = Caller::Kind::kUnixPeer;
    caller.id = "uid:" + std::to_string(*uid);
    caller.role = rule.role;
    caller.projects = rule.projects;
    caller.uid = *uid;
    if (pid) caller.pid = *pid;
    return caller;
  };
  // A uid rule is more specific than a group rule, whatever the order given.
  for (const PeerRule& rule : rules) {
    if (rule.match == PeerRule::Match::kUid && rule.id == *uid) return make(rule);
  }
  for (const PeerRule& rule : rules) {
    if (rule.match != PeerRule::Match::kGid) continue;
    if ((gid && rule.id == *gid) || std::find(groups.begin(), groups.end(), rule.id) != groups.end()) return make(rule);
  }
  return std::nullopt;
}

}  // namespace csms::auth
