// secret_rotation.cpp: RotateSecret and ListSecretTask.
#include "api/event_codec.hpp"
#include "api/handlers.hpp"
#include "api/paging.hpp"
#include "api/validation.hpp"

#include <boost/json/array.hpp>

namespace csms::api::handlers {
namespace {

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

}  // namespace

// Rotation runs on the event worker, not in the request: the answer names the task, which ListSecretTask reports
// RUNNING until the new version exists (the way Terraform polls it), and the id of that version, reserved when the
// task was created.
core::Result<http::Response> rotate_secret(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  call.notes.secret_name = name;
  CSMS_TRY_ASSIGN(const auto task, context.rotation.request_rotation(call.project_id(), name));
  const std::string version = task.version_id.value_or("");
  call.notes.version_id = version;
  return json_response(
      boost::json::object{{"version_id", version}, {"secret_name", name}, {"rotation_task_id", task.id}});
}

core::Result<http::Response> list_secret_tasks(ApiContext& context, const Call& call) {
  core::TaskFilter filter;
  if (const auto text = call.query_value("secret_name"); text && !text->empty()) {
    CSMS_TRY(validate::name("secret_name", *text));
    filter.secret_name = std::string(*text);
  }
  if (const auto text = call.query_value("status"); text && !text->empty()) {
    if (*text != core::kTaskSuccess && *text != core::kTaskFailed) return invalid("status must be SUCCESS or FAILED");
    filter.status = std::string(*text);
  }
  std::optional<std::string> marker;
  if (const auto text = call.query_value("marker"); text && !text->empty()) {
    if (!validate::is_uuid(*text)) return invalid("marker must be a task id (a lowercase UUID)");
    marker = std::string(*text);
  }
  if (const auto text = call.query_value("task_id"); text && !text->empty()) {
    if (!validate::is_uuid(*text)) return invalid("task_id must be a lowercase UUID");
    if (filter.secret_name || filter.status || marker) {
      return invalid("task_id cannot be combined with secret_name, status or marker");
    }
    filter.task_id = std::string(*text);
  }
  CSMS_TRY_ASSIGN(const auto limit, read_page_limit(call));
  CSMS_TRY_ASSIGN(const auto page, context.rotation.list_tasks(call.project_id(), filter, marker, limit));
  boost::json::array tasks;
  for (const core::RotationTask& task : page.tasks) tasks.push_back(codec::rotation_task(task));
  boost::json::value next_marker = nullptr;
  if (page.has_more && !page.tasks.empty()) next_marker = boost::json::string(page.tasks.back().id);
  return json_response(
      boost::json::object{{"total", page.total}, {"tasks", std::move(tasks)}, {"next_marker", std::move(next_marker)}});
}

}  // namespace csms::api::handlers
