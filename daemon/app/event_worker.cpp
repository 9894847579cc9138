// event_worker.cpp: the worker loop and the logging of its passes.
#include "app/event_worker.hpp"

#include "log/log.hpp"

#include <algorithm>

namespace csms::app {
namespace {

void log_failure(std::string_view what, const core::Error& error) {
  // A failed pass changes nothing (its transaction rolled back); the next one retries.
  log::error(what, {{"error", core::errc_name(error.code)}, {"detail", error.detail}});
}

}  // namespace

EventWorker::EventWorker(domain::EventService& events, domain::RotationService& rotation,
                         domain::NotificationSink& sink, std::chrono::milliseconds check_interval,
                         std::chrono::milliseconds poll, BackgroundLease* lease)
    : events_(events), rotation_(rotation), sink_(sink), check_interval_(check_interval), poll_(poll), lease_(lease) {}

EventWorker::~EventWorker() { stop(); }

void EventWorker::start() { thread_ = std::thread([this]() { run(); }); }

void EventWorker::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool EventWorker::stop_requested() {
  const std::lock_guard lock(mutex_);
  return stopping_;
}

void EventWorker::run() {
  using Clock = std::chrono::steady_clock;
  auto next_check = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const bool check_due = Clock::now() >= next_check;
    if (check_due) next_check = Clock::now() + check_interval_;
    lock.unlock();
    run_step(check_due);
    lock.lock();
    const auto until = std::min(Clock::now() + poll_, next_check);
    wake_.wait_until(lock, until, [this]() { return stopping_; });
  }
}

void EventWorker::run_step(bool check_due) {
  // A skipped check is not made up later: the instance that holds the lease made it (expiries and due rotations are
  // read from the database, so whoever checks next finds the same work).
  if (lease_ != nullptr && !lease_->held()) return;
  if (check_due) {
    if (auto expired = events_.announce_expiries(); !expired) {
      log_failure("version expiry check failed", expired.error());
    } else if (*expired > 0) {
      log::info("version expiries announced", {{"versions", static_cast<unsigned long long>(*expired)}});
    }
    if (auto scheduled = rotation_.schedule_due_rotations(); !scheduled) {
      log_failure("auto-rotation check failed", scheduled.error());
    } else if (*scheduled > 0) {
      log::info("auto-rotations queued", {{"secrets", static_cast<unsigned long long>(*scheduled)}});
    }
  }
  const auto stopping = [this]() { return stop_requested(); };
  if (auto ran = rotation_.run_pending(stopping); !ran) {
    log_failure("running rotation tasks failed", ran.error());
  } else if (*ran > 0) {
    log::info("rotation tasks run", {{"tasks", static_cast<unsigned long long>(*ran)}});
  }
  if (auto delivered = events_.deliver_pending(sink_, stopping); !delivered) {
    log_failure("notification delivery failed", delivered.error());
  } else if (delivered->delivered + delivered->retrying + delivered->failed > 0) {
    log::info("notifications delivered", {{"delivered", static_cast<unsigned long long>(delivered->delivered)},
                                          {"retrying", static_cast<unsigned long long>(delivered->retrying)},
                                          {"failed", static_cast<unsigned long long>(delivered->failed)}});
  }
}

}  // namespace csms::app
