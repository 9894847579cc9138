// sd_notify.hpp: systemd's service notification protocol (sd_notify(3)) spoken directly, without libsystemd.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace csms::app {

/// The protocol is one datagram of "KEY=VALUE\n..." text to the Unix socket named by $NOTIFY_SOCKET (a path, or
/// '@' for an abstract name). libsystemd is not a build dependency on Debian by default, and these forty lines are
/// all of it csmsd needs. Without $NOTIFY_SOCKET (not under systemd, or Type= other than notify) nothing is sent.
class Notifier {
 public:
  /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID, then removes them from the environment so the commands
  /// csmsd starts (notify, rotation) cannot report for it. Call before any thread starts.
  static Notifier from_environment();

  Notifier() = default;
  Notifier(std::string socket, std::optional<std::chrono::microseconds> watchdog)
      : socket_(std::move(socket)), watchdog_(watchdog) {}

  bool enabled() const { return !socket_.empty(); }

  /// Sends `state` (e.g. "READY=1" or "STOPPING=1"); false when disabled or the send failed (systemd then acts
  /// on its own timeouts, so a failure is only worth a log line).
  bool notify(std::string_view state) const;

  /// WATCHDOG_USEC when systemd expects keep-alive pings from this process (WATCHDOG_PID, if set, is ours).
  std::optional<std::chrono::microseconds> watchdog() const { return watchdog_; }

 private:
  std::string socket_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace csms::app
