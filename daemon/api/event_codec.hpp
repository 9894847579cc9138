// event_codec.hpp: CSMS JSON shapes of events, notification records and rotation tasks (csms-api.md 1.7, 1.8).
#pragma once

#include "core/events.hpp"

#include <boost/json/object.hpp>

namespace csms::api::codec {

boost::json::object event(const core::Event& event);
boost::json::object notification_record(const core::NotificationRecord& record);
boost::json::object rotation_task(const core::RotationTask& task);

}  // namespace csms::api::codec
