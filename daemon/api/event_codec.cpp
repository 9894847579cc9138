// event_codec.cpp: model → JSON for events, records and tasks. Key names follow the official SDK models exactly.
#include "api/event_codec.hpp"

#include <boost/json/array.hpp>

namespace csms::api::codec {
namespace {

boost::json::value optional_text(const std::optional<std::string>& value) {
  if (!value) return nullptr;
  return boost::json::string(*value);
}

}  // namespace

boost::json::object event(const core::Event& event) {
  boost::json::array types;
  for (const std::string& type : event.event_types) types.emplace_back(type);
  boost::json::object notification;
  notification["target_type"] = event.notification.target_type;
  notification["target_id"] = event.notification.target_id;
  notification["target_name"] = event.notification.target_name;
  boost::json::object out;
  out["name"] = event.name;
  out["event_id"] = event.id;
  out["event_types"] = std::move(types);
  out["state"] = event.state;
  out["create_time"] = event.create_time;
  out["update_time"] = event.update_time;
  out["notification"] = std::move(notification);
  return out;
}

boost::json::object notification_record(const core::NotificationRecord& record) {
  boost::json::object out;
  out["event_name"] = record.event_name;
  out["trigger_event_type"] = record.trigger_event_type;
  out["create_time"] = record.create_time;
  out["secret_name"] = record.secret_name;
  out["secret_type"] = record.secret_type;
  out["notification_target_name"] = record.target_name;
  out["notification_target_id"] = record.target_id;
  out["notification_content"] = record.content;
  // The published enum is SUCCESS, FAIL and INVALID. A record still waiting for delivery (not tried yet, or tried
  // and due to be tried again) has not reached its target, and FAIL is the value that says so; it becomes SUCCESS
  // if a later attempt gets through (docs/events-and-rotation.md).
  out["notification_status"] = record.status == core::kNotificationPending ? std::string(core::kNotificationFail)
                                                                            : record.status;
  return out;
}

boost::json::object rotation_task(const core::RotationTask& task) {
  boost::json::object out;
  out["task_id"] = task.id;
  out["secret_name"] = task.secret_name;
  out["rotation_func_urn"] = optional_text(task.rotation_func_urn);
  out["task_status"] = task.status;
  out["operate_type"] = task.operate_type;
  out["task_time"] = task.task_time;
  out["attempt_nums"] = task.attempt_nums;
  out["task_error_code"] = optional_text(task.error_code);
  out["task_error_msg"] = optional_text(task.error_msg);
  return out;
}

}  // namespace csms::api::codec
