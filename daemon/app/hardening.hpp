// hardening.hpp: process-wide memory hygiene at start-up: no core dumps, no ptrace by peers, no swapping.
#pragma once

#include <string>

namespace csms::app {

struct HardeningReport {
  bool core_dumps_disabled = false;
  bool memory_locked = false;
  /// Why memory is not locked and what to change, for one warning at start-up; empty when it is locked.
  std::string memory_lock_note;
};

/// Marks the process non-dumpable (no core file, no ptrace or /proc/<pid>/mem by other processes of the same
/// user), sets RLIMIT_CORE to 0, and locks all current and future memory when RLIMIT_MEMLOCK allows it. Never
/// fails: each step that the environment refuses is reported instead.
HardeningReport harden_process();

}  // namespace csms::app
