// local_delivery.cpp: webhook/command notification delivery and the rotation command.
#include "app/local_delivery.hpp"

#include "log/log.hpp"

namespace csms::app {

core::Status LocalNotificationSink::deliver(const core::NotificationRecord& record) {
  core::Status outcome = core::ok();
  if (webhook_) {
    if (auto posted = http::post_json(*webhook_, record.content, timeout_); !posted) {
      log::warning("notification webhook failed", {{"event", record.event_name}, {"detail", posted.error().detail}});
      outcome = posted;
    }
  }
  if (command_) {
    // The notification command's output means nothing; a little is allowed so a chatty script still succeeds.
    if (auto ran = run_command(*command_, record.content, CommandLimits{timeout_, 64 * 1024}); !ran) {
      log::warning("notification command failed", {{"event", record.event_name}, {"detail", ran.error().detail}});
      outcome = core::make_error(ran.error().code, ran.error().detail);
    }
  }
  return outcome;
}

core::Result<crypto::PlainValue> CommandRotationRunner::new_value(const std::string& request_json) {
  // One byte more than a value may have, plus "\r\n": anything longer is refused by the rotation service anyway.
  CSMS_TRY_ASSIGN(auto output,
                  run_command(command_, request_json, CommandLimits{timeout_, domain::kMaxRotatedValueBytes + 3}));
  std::size_t size = output.size();
  if (size > 0 && output.data()[size - 1] == '\n') --size;
  if (size > 0 && output.data()[size - 1] == '\r') --size;
  // Shrinking keeps the same (wiped) allocation: the cut bytes are zeroed before they leave the buffer.
  for (std::size_t i = size; i < output.size(); ++i) output.data()[i] = 0;
  output.resize(size);
  if (output.empty()) return core::make_error(core::Errc::kInternal, "the rotation command printed no value");
  return crypto::PlainValue{core::ValueKind::kString, std::move(output)};
}

}  // namespace csms::app
