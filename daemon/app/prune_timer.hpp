// prune_timer.hpp: the background task that runs SecretService::prune on an Asio timer.
#pragma once

#include "app/background_lease.hpp"
#include "domain/secret_service.hpp"
#include "metrics/daemon_counters.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace csms::app {

/// Runs one prune pass per interval, each its own transaction, logged with its counts, while this instance holds
/// the background lease (pruning also does the scheduled deletions, which must happen once, on one instance). Runs on
/// the main I/O thread; its write transaction takes the store's write lock like any writer, between group-commit
/// batches.
class PruneTimer {
 public:
  /// `counters`, when given, counts the passes that commit and the versions they delete (for /metrics). `lease`,
  /// when given, is asked before each pass; without it every tick prunes.
  PruneTimer(boost::asio::io_context& io, domain::SecretService& service, std::chrono::milliseconds interval,
             std::chrono::milliseconds grace, metrics::DaemonCounters* counters = nullptr,
             BackgroundLease* lease = nullptr);

  void start();
  void stop();

 private:
  void schedule();
  void run_once();

  boost::asio::steady_timer timer_;
  domain::SecretService& service_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds grace_;
  metrics::DaemonCounters* counters_;
  BackgroundLease* lease_;
  bool stopped_ = false;
};

}  // namespace csms::app
