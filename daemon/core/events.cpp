// events.cpp: the event type enumeration.
#include "core/events.hpp"

#include <array>

namespace csms::core {

bool is_event_type(std::string_view text) {
  static constexpr std::array kTypes{kEventVersionCreated, kEventVersionExpired, kEventRotated, kEventDeleted,
                                     kEventRotatedFailed};
  for (const std::string_view type : kTypes) {
    if (type == text) return true;
  }
  return false;
}

}  // namespace csms::core
