// time.cpp: wall clock reading for the vault.
#include "core/time.hpp"

#include <chrono>

namespace csms::core {

EpochMillis system_now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return truncate_to_seconds(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace csms::core
