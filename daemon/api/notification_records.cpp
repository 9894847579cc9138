// notification_records.cpp: ListNotificationRecords.
#include "api/event_codec.hpp"
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/paging.hpp"

#include <boost/json/array.hpp>

#include <charconv>

namespace csms::api::handlers {
namespace {

// A page ends at a record's time and row, "<create_time>-<row>": the SDK's marker is "the record time the page starts
// from", and the row keeps records of the same millisecond from being skipped or repeated. A bare time is accepted
// too (records older than it).
std::string record_marker(const core::NotificationRecord& record) {
  return std::to_string(record.create_time) + "-" + std::to_string(record.row_id);
}

bool read_number(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && out >= 0;
}

std::optional<core::RecordPosition> parse_record_marker(std::string_view text) {
  core::RecordPosition position;
  const std::size_t dash = text.find('-');
  if (!read_number(text.substr(0, dash), position.create_time)) return std::nullopt;
  if (dash == std::string_view::npos) {
    // Strictly older than the time: no row of that millisecond is after it.
    position.row_id = 0;
    return position;
  }
  if (!read_number(text.substr(dash + 1), position.row_id)) return std::nullopt;
  return position;
}

}  // namespace

// The records of the last three months, newest first, `limit` (default 50, at most 1000) at a time from `marker`.
core::Result<http::Response> list_notification_records(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto limit, read_page_limit(call));
  std::optional<core::RecordPosition> after;
  if (const auto text = call.query_value("marker"); text && !text->empty()) {
    after = parse_record_marker(*text);
    if (!after) {
      return core::make_error(core::Errc::kInvalidParameter,
                              "marker must be a page_info.next_marker of this operation or a record time in ms");
    }
  }
  CSMS_TRY_ASSIGN(const auto page, context.events.list_records(call.project_id(), after, limit));
  boost::json::array items;
  for (const core::NotificationRecord& record : page.items) items.push_back(codec::notification_record(record));
  std::optional<std::string> first;
  std::optional<std::string> last;
  if (!page.items.empty()) {
    first = record_marker(page.items.front());
    last = record_marker(page.items.back());
  }
  return json_response(boost::json::object{{"records", std::move(items)},
                                           {"page_info", codec::page_info(page.items.size(), first, last,
                                                                          page.has_more)}});
}

}  // namespace csms::api::handlers
