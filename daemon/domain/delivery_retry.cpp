// delivery_retry.cpp: the back-off between notification delivery attempts.
#include "domain/delivery_retry.hpp"

namespace csms::domain {

std::optional<std::chrono::milliseconds> delivery_retry_delay(std::int64_t attempts) {
  if (attempts < 1 || attempts >= kMaxDeliveryAttempts) return std::nullopt;
  std::chrono::milliseconds delay = std::chrono::seconds(10);
  for (std::int64_t i = 1; i < attempts; ++i) delay *= 3;
  return delay;
}

}  // namespace csms::domain
