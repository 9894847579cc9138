// event_firing.cpp: matching a secret's subscriptions to events and writing the notification records.
#include "domain/event_firing.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace csms::domain {

std::string iso8601_utc(core::EpochMillis millis) {
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(millis % 1000));
  return text;
}

std::string notification_content(std::string_view event_name, std::string_view type, const core::Secret& secret,
                                 const EventFacts& facts, core::EpochMillis now) {
  boost::json::object data;
  data["secretId"] = secret.id;
  data["secretName"] = secret.name;
  data["secretType"] = secret.secret_type;
  data["createTime"] = iso8601_utc(secret.create_time);
  data["updateTime"] = iso8601_utc(secret.update_time);
  if (facts.version) data["versionId"] = core::version_id(*facts.version);
  if (facts.version_expire_time) data["versionExpireTime"] = iso8601_utc(*facts.version_expire_time);
  if (facts.error_msg) data["errorMsg"] = *facts.error_msg;
  boost::json::object content;
  content["eventName"] = event_name;
  content["eventType"] = type;
  content["eventTime"] = iso8601_utc(now);
  content["data"] = std::move(data);
  return boost::json::serialize(content);
}

core::Status fire_event(store::Transaction& txn, const core::Secret& secret, std::string_view type,
                        const EventFacts& facts, core::EpochMillis now) {
  for (const std::string& name : secret.event_subscriptions) {
    if (name.empty()) continue;
    CSMS_TRY_ASSIGN(const auto event, txn.find_event(secret.project_id, name));
    if (!event || event->state != core::kEventEnabled) continue;
    if (std::find(event->event_types.begin(), event->event_types.end(), type) == event->event_types.end()) continue;
    core::NotificationRecord record;
    record.project_id = secret.project_id;
    record.event_name = event->name;
    record.trigger_event_type = std::string(type);
    record.create_time = now;
    record.secret_name = secret.name;
    record.secret_type = secret.secret_type;
    record.target_name = event->notification.target_name;
    record.target_id = event->notification.target_id;
    record.content = notification_content(event->name, type, secret, facts, now);
    record.status = std::string(core::kNotificationPending);
    CSMS_TRY(txn.insert_notification_record(record));
  }
  return core::ok();
}

}  // namespace csms::domain
