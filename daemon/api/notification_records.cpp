// notification_records.cpp: ListNotificationRecords.
#include "api/event_codec.hpp"
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/paging.hpp"

#include <boost/json/array.hpp>

namespace csms::api::handlers {

// The SDK sends no query parameters; the newest 1000 records of the last three months are one page.
core::Result<http::Response> list_notification_records(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto records, context.events.list_records(call.project_id(), kMaxPageSize));
  boost::json::array items;
  for (const core::NotificationRecord& record : records) items.push_back(codec::notification_record(record));
  std::optional<std::string> none;
  return json_response(boost::json::object{{"records", std::move(items)},
                                           {"page_info", codec::page_info(records.size(), none, none, false)}});
}

}  // namespace csms::api::handlers
