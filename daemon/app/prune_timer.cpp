// prune_timer.cpp: timer loop and logging of prune passes.
#include "app/prune_timer.hpp"

#include "log/log.hpp"

namespace csms::app {

PruneTimer::PruneTimer(boost::asio::io_context& io, domain::SecretService& service,
                       std::chrono::milliseconds interval, std::chrono::milliseconds grace,
                       metrics::DaemonCounters* counters, BackgroundLease* lease)
    : timer_(io), service_(service), interval_(interval), grace_(grace), counters_(counters), lease_(lease) {}

void PruneTimer::start() { schedule(); }

void PruneTimer::stop() {
  stopped_ = true;
  timer_.cancel();
}

void PruneTimer::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    run_once();
    schedule();
  });
}

void PruneTimer::run_once() {
  if (lease_ != nullptr && !lease_->held()) return;
  const auto counts = service_.prune(grace_);
  if (!counts) {
    // A failed pass changes nothing (its transaction rolled back); the next one retries.
    log::error("prune pass failed", {{"error", core::errc_name(counts.error().code)}, {"detail", counts.error().detail}});
    return;
  }
  if (counters_ != nullptr) {
    counters_->prune_runs.fetch_add(1, std::memory_order_relaxed);
    counters_->pruned_versions.fetch_add(static_cast<std::uint64_t>(counts->versions_deleted),
                                         std::memory_order_relaxed);
  }
  log::info("prune pass",
             {{"versions_deleted", static_cast<long long>(counts->versions_deleted)},
              {"secrets_deleted", static_cast<long long>(counts->secrets_deleted)}});
}

}  // namespace csms::app
