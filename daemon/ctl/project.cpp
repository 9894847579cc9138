// project.cpp: the project rule, path building and paging for the secret commands.
#include "ctl/project.hpp"

#include "ctl/api_call.hpp"
#include "ctl/text.hpp"

#include <cstdlib>

namespace csms::ctl {

core::Result<std::string> resolve_project(const Client& client, const ParsedArgs& parsed) {
  if (auto project = parsed.value("--project")) {
    if (project->empty()) return usage_error("--project: empty project id");
    return *project;
  }
  if (const char* env = std::getenv("CSMSD_PROJECT"); env != nullptr && *env != '\0') return std::string(env);
  // A credential scoped to one project leaves no doubt; the Unix socket peer and "*" credentials cover every project.
  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "GET", "/v1/csmsd/whoami"));
  const boost::json::value* caller = answer.if_contains("caller");
  const boost::json::value* projects =
      caller != nullptr && caller->is_object() ? caller->get_object().if_contains("projects") : nullptr;
  if (projects != nullptr && projects->is_array() && projects->get_array().size() == 1 &&
      projects->get_array()[0].is_string() && projects->get_array()[0].get_string() != "*") {
    return std::string(projects->get_array()[0].get_string());
  }
  return usage_error("which project? give --project ID or set CSMSD_PROJECT (your credential covers " +
                     printable(joined_cells(projects)) + ")");
}

std::string segment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  // "." and ".." are path steps to any URL normaliser; encoded they are just names (that the daemon refuses).
  if (out == "." || out == "..") {
    std::string encoded;
    for (std::size_t i = 0; i < out.size(); ++i) encoded += "%2E";
    return encoded;
  }
  return out;
}

std::string secrets_path(std::string_view project) { return "/v1/" + segment(project) + "/secrets"; }

std::string secret_path(std::string_view project, std::string_view name) {
  return secrets_path(project) + "/" + segment(name);
}

core::Result<const boost::json::object*> object_in(const boost::json::object& answer, std::string_view key) {
  const boost::json::value* value = answer.if_contains(key);
  if (value == nullptr || !value->is_object()) {
    return core::make_error(core::Errc::kInternal, "the daemon's answer has no " + std::string(key) + " object");
  }
  return &value->get_object();
}

core::Status for_each_listed(const Client& client, const std::string& path, std::string_view list_key,
                             const std::function<core::Status(const boost::json::object&)>& each) {
  std::string marker;
  // A daemon that repeats a marker would page forever; no list is longer than this many pages.
  for (int page = 0; page < 100000; ++page) {
    std::string url = path + "?limit=200";
    if (!marker.empty()) url += "&marker=" + segment(marker);
    CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "GET", url));
    const boost::json::value* list = answer.if_contains(list_key);
    if (list == nullptr || !list->is_array()) {
      return core::make_error(core::Errc::kInternal, "the daemon's answer has no " + std::string(list_key) + " array");
    }
    for (const boost::json::value& item : list->get_array()) {
      if (!item.is_object()) return core::make_error(core::Errc::kInternal, "a listed item is not an object");
      CSMS_TRY(each(item.get_object()));
    }
    const boost::json::value* page_info = answer.if_contains("page_info");
    const boost::json::value* next =
        page_info != nullptr && page_info->is_object() ? page_info->get_object().if_contains("next_marker") : nullptr;
    if (list->get_array().empty() || next == nullptr || !next->is_string() || next->get_string().empty()) {
      return core::ok();
    }
    if (std::string(next->get_string()) == marker) {
      return core::make_error(core::Errc::kInternal, "the daemon repeated the page marker " + printable(marker));
    }
    marker = std::string(next->get_string());
  }
  return core::make_error(core::Errc::kInternal, "the list has too many pages");
}

}  // namespace csms::ctl
