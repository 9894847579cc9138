// caller.hpp: who made a request once authenticated, and the permission each operation needs.
#pragma once

#include "core/credential.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::auth {

struct Caller {
  enum class Kind { kUnixPeer, kAccessKey, kToken };
  Kind kind = Kind::kUnixPeer;
  std::string id;  ///< the access key, the token's credential id, or "uid:N" for a socket peer
  core::Role role = core::Role::kReader;
  std::vector<std::string> projects;  ///< may contain "*"
  std::optional<std::uint32_t> uid;
  std::optional<std::int32_t> pid;

  bool covers_all_projects() const;
  bool covers_project(std::string_view project_id) const;
};

std::string_view to_string(Caller::Kind kind);

/// What an operation requires. Credential management is scoped to the projects of the credential managed; the
/// vault-wide operations (master key) need an admin on every project. kNone needs an authenticated caller of any
/// role but metrics; kPublic (the health probes, which reveal nothing) needs no credentials at all. kReadMetrics
/// (counts across every project) needs the metrics role, or an admin on every project like the master key. The
/// metrics role is allowed kReadMetrics and kPublic and nothing else.
enum class Permission { kRead, kWrite, kManageCredentials, kManageVault, kNone, kPublic, kReadMetrics };

/// kForbidden when the caller's role or projects do not allow `permission` on `project_id` (empty for operations
/// without a project).
core::Status authorize(const Caller& caller, Permission permission, std::string_view project_id);

/// Whether the caller may create, see or revoke a credential scoped to `projects` (every one of them must be
/// within the caller's own projects).
bool may_manage(const Caller& caller, const std::vector<std::string>& projects);

}  // namespace csms::auth
