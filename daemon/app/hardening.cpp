// hardening.cpp: prctl, RLIMIT_CORE and mlockall, each tolerant of a sandbox that forbids it.
#include "app/hardening.hpp"

#include <cerrno>
#include <cstring>

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace csms::app {
namespace {

// With MCL_FUTURE every later allocation counts against RLIMIT_MEMLOCK and fails (or the stack cannot grow)
// once it is exhausted; below this a busy daemon could run out, so the lock is not attempted at all.
constexpr rlim_t kMinimumMemlock = rlim_t{512} * 1024 * 1024;

std::string describe_bytes(rlim_t bytes) {
  constexpr rlim_t kKiB = 1024;
  constexpr rlim_t kMiB = kKiB * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

constexpr const char* kMemlockAdvice =
    "; run with LimitMEMLOCK=infinity (systemd) or ulimit -l unlimited to keep secrets out of swap";

bool disable_core_dumps() {
  const bool not_dumpable = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
  rlimit core{};
  if (::getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur == 0 && core.rlim_max == 0) return not_dumpable;
  // A sandbox may forbid setrlimit (systemd's ~@resources); LimitCORE=0 then has set the limit already.
  const rlimit none{0, 0};
  return ::setrlimit(RLIMIT_CORE, &none) == 0 && not_dumpable;
}

}  // namespace

HardeningReport harden_process() {
  HardeningReport report;
  report.core_dumps_disabled = disable_core_dumps();

  rlimit memlock{};
  if (::getrlimit(RLIMIT_MEMLOCK, &memlock) != 0) {
    report.memory_lock_note = std::string("memory is not locked: cannot read RLIMIT_MEMLOCK: ") + std::strerror(errno);
    return report;
  }
  if (memlock.rlim_cur != RLIM_INFINITY && memlock.rlim_cur < kMinimumMemlock) {
    report.memory_lock_note = "memory is not locked: RLIMIT_MEMLOCK is " + describe_bytes(memlock.rlim_cur) + kMemlockAdvice;
    return report;
  }
  if (::mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
    report.memory_lock_note = std::string("memory is not locked: mlockall failed: ") + std::strerror(errno) + kMemlockAdvice;
    return report;
  }
  report.memory_locked = true;
  return report;
}

}  // namespace csms::app
