// project.hpp: which CSMS project a secret command works in, and the API paths inside it.
#pragma once

#include "core/error.hpp"
#include "ctl/args.hpp"
#include "ctl/client.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace csms::ctl {

/// The flag every secret command takes.
inline constexpr FlagSpec kProjectFlag{"--project", true};

/// --project, else $CSMSD_PROJECT, else the caller's one project when its credential covers exactly one (asked
/// with whoami). Anything else (no project, or a credential of several or all projects) is a usage error asking for
/// --project.
core::Result<std::string> resolve_project(const Client& client, const ParsedArgs& parsed);

/// One path segment, percent-encoded but for A-Z a-z 0-9 - _ . ~ : a name can never reach another route.
std::string segment(std::string_view text);

/// /v1/{project}/secrets and below; each name is encoded with segment().
std::string secrets_path(std::string_view project);
std::string secret_path(std::string_view project, std::string_view name);

/// Calls GET `path` with marker paging until a page comes back empty or without a next_marker, handing each
/// element of `list_key` to `each`. A broken answer is kInternal.
core::Status for_each_listed(const Client& client, const std::string& path, std::string_view list_key,
                             const std::function<core::Status(const boost::json::object&)>& each);

/// The object under `key` in an answer, or kInternal naming what the daemon left out.
core::Result<const boost::json::object*> object_in(const boost::json::object& answer, std::string_view key);

}  // namespace csms::ctl
