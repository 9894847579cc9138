// reseal_timer.cpp: pacing and logging of re-seal batches.
#include "app/reseal_timer.hpp"

#include "log/log.hpp"

namespace csms::app {
namespace {

constexpr std::chrono::milliseconds kBusyTick{5};
constexpr std::chrono::milliseconds kIdleTick{250};
constexpr std::chrono::milliseconds kRetryTick{2000};

}  // namespace

ResealTimer::ResealTimer(boost::asio::io_context& io, domain::KeyRotation& rotation, std::size_t batch_rows,
                         BackgroundLease* lease, std::chrono::milliseconds key_sync_interval)
    : timer_(io),
      rotation_(rotation),
      batch_rows_(batch_rows),
      lease_(lease),
      key_sync_interval_(key_sync_interval),
      next_key_sync_(std::chrono::steady_clock::now() + key_sync_interval) {}

void ResealTimer::start() { schedule(std::chrono::milliseconds(0)); }

void ResealTimer::stop() {
  stopped_ = true;
  timer_.cancel();
}

void ResealTimer::schedule(std::chrono::milliseconds delay) {
  if (stopped_) return;
  timer_.expires_after(delay);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    run_once();
  });
}

void ResealTimer::sync_keys_when_due() {
  if (key_sync_interval_.count() == 0 || std::chrono::steady_clock::now() < next_key_sync_) return;
  next_key_sync_ = std::chrono::steady_clock::now() + key_sync_interval_;
  const auto synced = rotation_.sync_with_store();
  if (!synced) {
    // Values sealed under a key this instance lacks still open: the keyring asks again on a miss.
    log::warning("cannot read the vault's data keys", {{"error", core::errc_name(synced.error().code)},
                                                        {"detail", synced.error().detail}});
  } else if (*synced) {
    log::info("data keys changed by another instance; now sealing with key",
              {{"data_key", static_cast<unsigned long long>(rotation_.current_key_id())}});
  }
}

void ResealTimer::run_once() {
  sync_keys_when_due();
  if (!rotation_.reseal_pending()) {
    schedule(kIdleTick);
    return;
  }
  // Asked only when there is work, so an instance without the lease does not ask the database every idle tick.
  if (lease_ != nullptr && !lease_->held()) {
    schedule(kRetryTick);
    return;
  }
  const auto resealed = rotation_.reseal_batch(batch_rows_);
  if (!resealed) {
    // The batch rolled back; rows stay readable under their old key and the next attempt retries them.
    log::error(rotation_.stalled() ? "re-sealing stopped: a row does not open; its old key is kept" : "re-sealing failed",
               {{"error", core::errc_name(resealed.error().code)}, {"detail", resealed.error().detail}});
    schedule(kRetryTick);
    return;
  }
  if (*resealed > 0) {
    resealed_in_run_ += *resealed;
    schedule(kBusyTick);
    return;
  }
  if (resealed_in_run_ > 0) {
    log::info("re-sealing complete", {{"rows", static_cast<unsigned long long>(resealed_in_run_)}});
  }
  resealed_in_run_ = 0;
  schedule(kIdleTick);
}

}  // namespace csms::app
