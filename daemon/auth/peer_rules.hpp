// peer_rules.hpp: mapping Unix socket peers (uid, groups) to a role and projects without any key.
#pragma once

#include "auth/caller.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace csms::auth {

struct PeerRule {
  enum class Match { kUid, kGid };
  Match match = Match::kUid;
  std::uint32_t id = 0;
  core::Role role = core::Role::kReader;
  std::vector<std::string> projects;  ///< {"*"} for every project
};

/// "uid:1000=writer", "gid:csmsd=reader:PROJECT[,PROJECT...]", "user:alice=admin:*"; user and group names are
/// resolved now. Without projects a rule covers every project; a metrics rule must cover every project.
bool parse_peer_rule(std::string_view text, PeerRule& out, std::string& error);

/// The daemon's own uid and root, admin on every project: whoever can read the data directory can read the
/// secrets anyway.
std::vector<PeerRule> default_peer_rules(uid_t own_uid);

/// The first rule that matches the peer's uid, then its primary or supplementary groups; nullopt when none does.
std::optional<Caller> match_peer(const std::vector<PeerRule>& rules, std::optional<uid_t> uid, std::optional<gid_t> gid,
                                 const std::vector<gid_t>& groups, std::optional<pid_t> pid);

}  // namespace csms::auth
