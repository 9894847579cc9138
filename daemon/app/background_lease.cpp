// background_lease.cpp: asking the store for the lease and reporting its changes.
#include "app/background_lease.hpp"

#include "log/log.hpp"

namespace csms::app {

BackgroundLease::BackgroundLease(store::Store& store, metrics::DaemonCounters* counters)
    : store_(store), counters_(counters) {}

bool BackgroundLease::held() {
  // Serialised so that two threads asking at once cannot log the same change twice or in the wrong order.
  const std::lock_guard lock(mutex_);
  const bool now = store_.hold_background_lease();
  if (counters_ != nullptr) counters_->background_lease_held.store(now, std::memory_order_relaxed);
  if (last_ != now) {
    if (now) {
      log::info("this instance took the background lease: it runs pruning, scheduled deletion, expiry checks, "
                "rotations and notification delivery");
    } else if (last_.has_value()) {
      log::info("this instance lost the background lease: another instance runs the background work");
    } else {
      log::info("another instance holds the background lease: this one serves requests only");
    }
    last_ = now;
  }
  return now;
}

}  // namespace csms::app
