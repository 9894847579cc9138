// iam_projects.cpp: IAM KeystoneListProjects (GET /v3/projects?name=REGION), the one IAM call an SDK makes to find
// its project id when it is given none.
#include "api/handlers.hpp"
#include "crypto/digest.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

namespace csms::api::handlers {
namespace {

// Region ids such as cn-north-4 or ap-southeast-1.
bool is_region_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

// 32 lowercase hex characters, the form of a Huawei Cloud project id.
std::string derived_id(std::string_view label) {
  const auto digest = crypto::sha256(label);
  return crypto::to_hex(std::span<const std::uint8_t>(digest.data(), 16));
}

boost::json::object project(const std::string& id, std::string_view region, const std::string& domain_id) {
  return boost::json::object{{"id", id},
                             {"name", region},
                             {"description", ""},
                             {"domain_id", domain_id},
                             {"parent_id", domain_id},
                             {"enabled", true},
                             {"is_domain", false},
                             {"links", boost::json::object{{"self", "/v3/projects/" + id}}}};
}

}  // namespace

/// A caller scoped to projects gets those (the SDK takes the only one, and asks for an explicit project id when there
/// are several); a caller on every project gets one stable id derived from the region name.
core::Result<http::Response> keystone_list_projects(ApiContext&, const Call& call) {
  const auto region = call.query_value("name");
  if (!region || !is_region_name(*region)) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "name is required: the region whose project id is asked for, e.g. cn-north-4");
  }
  const std::string domain_id = derived_id("csmsd domain");
  std::vector<std::string> ids;
  if (call.caller.covers_all_projects()) {
    ids.push_back(derived_id("csmsd project of region " + std::string(*region)));
  } else {
    ids = call.caller.projects;
    std::sort(ids.begin(), ids.end());
  }
  boost::json::array projects;
  for (const std::string& id : ids) projects.push_back(project(id, *region, domain_id));
  return json_response(boost::json::object{
      {"projects", std::move(projects)},
      {"links", boost::json::object{{"self", "/v3/projects?name=" + std::string(*region)},
                                    {"previous", nullptr},
                                    {"next", nullptr}}}});
}

}  // namespace csms::api::handlers
