// socket_activation.hpp: listening sockets handed over by systemd (sd_listen_fds(3) semantics, no libsystemd).
#pragma once

#include "core/error.hpp"

#include <string>
#include <vector>

namespace csms::app {

struct InheritedSocket {
  int fd = -1;
  std::string name;  ///< from LISTEN_FDNAMES ("unknown" when absent), for log lines
};

/// The descriptors 3 .. 3+$LISTEN_FDS-1 when $LISTEN_PID is this process (otherwise they were meant for another one,
/// e.g. a parent that did not clear them, and none are taken). Each is marked close-on-exec so the commands csmsd
/// starts do not inherit listeners. LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are removed from the environment.
/// A malformed LISTEN_FDS is an error rather than a silent standalone start.
core::Result<std::vector<InheritedSocket>> take_listen_fds();

}  // namespace csms::app
