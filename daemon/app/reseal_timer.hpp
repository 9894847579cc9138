// reseal_timer.hpp: the background task that re-seals rows under the current data key after a rotation.
#pragma once

#include "app/background_lease.hpp"
#include "domain/key_rotation.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace csms::app {

/// While re-sealing has work, runs one small batch (one short write transaction) per tick, so writes are served
/// between batches; otherwise it only checks the flag now and then. Runs on the main I/O thread.
class ResealTimer {
 public:
  /// `lease`, when given, is asked before a batch: only the instance holding the background lease re-seals.
  /// `key_sync_interval`, when not zero, is how often the keyring is brought in line with the data keys stored (on
  /// every instance, lease or not): daemons sharing a vault learn of another one's key rotation at the latest then.
  ResealTimer(boost::asio::io_context& io, domain::KeyRotation& rotation, std::size_t batch_rows = 200,
              BackgroundLease* lease = nullptr,
              std::chrono::milliseconds key_sync_interval = std::chrono::milliseconds(0));

  void start();
  void stop();

 private:
  void schedule(std::chrono::milliseconds delay);
  void run_once();
  void sync_keys_when_due();

  boost::asio::steady_timer timer_;
  domain::KeyRotation& rotation_;
  std::size_t batch_rows_;
  BackgroundLease* lease_;
  std::chrono::milliseconds key_sync_interval_;
  std::chrono::steady_clock::time_point next_key_sync_;
  std::size_t resealed_in_run_ = 0;
  bool stopped_ = false;
};

}  // namespace csms::app
