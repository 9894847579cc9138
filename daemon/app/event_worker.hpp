// event_worker.hpp: the background thread that checks expiries and due rotations, runs rotations and delivers
// notifications, so none of that runs on a request thread or inside a write batch.
#pragma once

#include "app/background_lease.hpp"
#include "domain/event_service.hpp"
#include "domain/rotation_service.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace csms::app {

class EventWorker {
 public:
  /// Every `check_interval`: the version-expiry check and the auto-rotation check. Every `poll` (and right after
  /// each check): run RUNNING rotation tasks and deliver PENDING notifications.
  /// `lease`, when given, is asked before each step: only the instance holding the background lease does any of
  /// this (two instances would deliver a notification twice and announce an expiry twice).
  EventWorker(domain::EventService& events, domain::RotationService& rotation, domain::NotificationSink& sink,
              std::chrono::milliseconds check_interval,
              std::chrono::milliseconds poll = std::chrono::milliseconds(250), BackgroundLease* lease = nullptr);
  ~EventWorker();
  EventWorker(const EventWorker&) = delete;
  EventWorker& operator=(const EventWorker&) = delete;

  void start();
  /// Returns once the thread has finished the delivery or rotation it is in (a running command is waited for, up to
  /// its timeout); the rest of a pass is left for the next start.
  void stop();

 private:
  void run();
  bool stop_requested();
  void run_step(bool check_due);

  domain::EventService& events_;
  domain::RotationService& rotation_;
  domain::NotificationSink& sink_;
  std::chrono::milliseconds check_interval_;
  std::chrono::milliseconds poll_;
  BackgroundLease* lease_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace csms::app
