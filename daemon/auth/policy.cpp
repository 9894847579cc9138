// policy.cpp: roles and project scopes to allow or deny an operation.
#include "auth/caller.hpp"

#include <algorithm>

namespace csms::auth {

bool Caller::covers_all_projects() const {
  return std::find(projects.begin(), projects.end(), core::kAllProjects) != projects.end();
}

bool Caller::covers_project(std::string_view project_id) const {
  return covers_all_projects() || std::find(projects.begin(), projects.end(), project_id) != projects.end();
}

std::string_view to_string(Caller::Kind kind) {
  switch (kind) {
    case Caller::Kind::kUnixPeer: return "unix_peer";
    case Caller::Kind::kAccessKey: return "access_key";
    case Caller::Kind::kToken: return "token";
  }
  return "unix_peer";
}

core::Status authorize(const Caller& caller, Permission permission, std::string_view project_id) {
  const auto deny = [](std::string detail) { return core::make_error(core::Errc::kForbidden, std::move(detail)); };
  // Decided before the projects: a scraper's credential reads no project's data, whatever scope it was given.
  if (caller.role == core::Role::kMetrics) {
    if (permission == Permission::kReadMetrics || permission == Permission::kPublic) return core::ok();
    return deny("the metrics role may only scrape GET /metrics");
  }
  if (!project_id.empty() && !caller.covers_project(project_id)) {
    return deny("the caller has no access to project " + std::string(project_id));
  }
  switch (permission) {
    case Permission::kNone:
    case Permission::kPublic:
    case Permission::kRead: return core::ok();
    case Permission::kWrite:
      if (caller.role != core::Role::kWriter && caller.role != core::Role::kAdmin) {
        return deny("the " + std::string(core::to_string(caller.role)) + " role cannot change secrets");
      }
      return core::ok();
    case Permission::kManageCredentials:
      if (caller.role != core::Role::kAdmin) return deny("managing credentials needs the admin role");
      return core::ok();
    case Permission::kManageVault:
      if (caller.role != core::Role::kAdmin || !caller.covers_all_projects()) {
        return deny("the master key and whole-vault backups are managed only by an admin of every project");
      }
      return core::ok();
    case Permission::kReadMetrics:
      if (caller.role != core::Role::kAdmin || !caller.covers_all_projects()) {
        return deny("the metrics cover every project: reading them needs the metrics role or an admin of every "
                    "project");
      }
      return core::ok();
  }
  return deny("unknown permission");
}

bool may_manage(const Caller& caller, const std::vector<std::string>& projects) {
  if (caller.role != core::Role::kAdmin) return false;
  if (caller.covers_all_projects()) return true;
  return std::all_of(projects.begin(), projects.end(), [&](const std::string& project) {
    return project != core::kAllProjects && caller.covers_project(project);
  });
}

}  // namespace csms::auth
