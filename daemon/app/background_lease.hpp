// background_lease.hpp: whether this instance runs the vault's background work now, asked of the store per tick.
#pragma once

#include "metrics/daemon_counters.hpp"
#include "store/store.hpp"

#include <mutex>
#include <optional>

namespace csms::app {

/// Every periodic background task (pruning and scheduled deletion, expiry checks, rotation scheduling and running,
/// notification delivery, re-sealing) asks held() at the start of its tick and skips the tick when it is false, so
/// that with several instances on one PostgreSQL vault exactly one does the work, and another takes over when that
/// one dies. SQLite: always held. Thread-safe (the timers and the event worker call it from different threads).
class BackgroundLease {
 public:
  /// `counters`, when given, gets the answer as the csmsd_background_lease_held gauge.
  explicit BackgroundLease(store::Store& store, metrics::DaemonCounters* counters = nullptr);

  /// Asks the store (each call: a dead holder's lease is taken on the next one). Logs at info when this instance
  /// takes or loses the lease.
  bool held();

 private:
  store::Store& store_;
  metrics::DaemonCounters* counters_;
  std::mutex mutex_;
  std::optional<bool> last_;
};

}  // namespace csms::app
