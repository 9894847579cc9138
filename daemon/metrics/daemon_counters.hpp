// daemon_counters.hpp: facts about the daemon outside requests (pruning, memory locking, build) for /metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace csms::metrics {

/// Written by the background tasks and start-up, read by a scrape; plain atomics, no lock.
struct DaemonCounters {
  std::atomic<std::uint64_t> prune_runs{0};       ///< prune passes that committed
  std::atomic<std::uint64_t> pruned_versions{0};  ///< versions those passes deleted
  std::atomic<bool> memory_locked{false};         ///< mlockall succeeded at start-up
  /// This instance runs the vault's background work (always on SQLite; one instance of several on PostgreSQL).
  std::atomic<bool> background_lease_held{false};
  std::string version;                            ///< for csmsd_build_info; set before serving, then only read
};

}  // namespace csms::metrics
