// hardening_test.cpp: harden_process in a forked child: not dumpable, no core limit, memory lock per RLIMIT_MEMLOCK.
#include "app/hardening.hpp"

#include "common/unit_env.hpp"

#include <functional>
#include <string>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using csms::app::HardeningReport;

constexpr rlim_t kLockThreshold = rlim_t{512} * 1024 * 1024;

// harden_process changes the whole process, so its checks run in a child (csms::unit::in_child).
using csms::unit::in_child;

int check_core_dumps_disabled(const HardeningReport& report) {
  if (!report.core_dumps_disabled) return 10;
  if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 11;
  rlimit core{};
  if (::getrlimit(RLIMIT_CORE, &core) != 0) return 12;
  if (core.rlim_cur != 0 || core.rlim_max != 0) return 13;
  return 0;
}

TEST_CASE("harden_process disables core dumps and follows RLIMIT_MEMLOCK", "[unit][app][hardening]") {
  const int failed = in_child([] {
    rlimit memlock{};
    if (::getrlimit(RLIMIT_MEMLOCK, &memlock) != 0) return 1;
    const HardeningReport report = csms::app::harden_process();
    if (const int core = check_core_dumps_disabled(report); core != 0) return core;
    const bool may_lock = memlock.rlim_cur == RLIM_INFINITY || memlock.rlim_cur >= kLockThreshold;
    if (!may_lock) return !report.memory_locked && report.memory_lock_note.find("RLIMIT_MEMLOCK") != std::string::npos ? 0 : 20;
    // A large enough limit: either the lock held or the note says why mlockall failed.
    if (report.memory_locked) return report.memory_lock_note.empty() ? 0 : 21;
    return report.memory_lock_note.find("mlockall failed") != std::string::npos ? 0 : 22;
  });
  CHECK(failed == 0);
}

TEST_CASE("with a small RLIMIT_MEMLOCK memory is not locked and the note says what to change",
          "[unit][app][hardening]") {
  const int failed = in_child([] {
    rlimit memlock{};
    if (::getrlimit(RLIMIT_MEMLOCK, &memlock) != 0) return 1;
    memlock.rlim_cur = rlim_t{8} * 1024 * 1024;
    if (memlock.rlim_max != RLIM_INFINITY && memlock.rlim_max < memlock.rlim_cur) memlock.rlim_cur = memlock.rlim_max;
    if (::setrlimit(RLIMIT_MEMLOCK, &memlock) != 0) return 2;
    const HardeningReport report = csms::app::harden_process();
    if (const int core = check_core_dumps_disabled(report); core != 0) return core;
    if (report.memory_locked) return 20;
    const std::string& note = report.memory_lock_note;
    if (memlock.rlim_cur == rlim_t{8} * 1024 * 1024 && note.find("RLIMIT_MEMLOCK is 8 MiB") == std::string::npos) return 21;
    if (note.find("LimitMEMLOCK=infinity") == std::string::npos) return 22;
    if (note.find("ulimit -l unlimited") == std::string::npos) return 23;
    return 0;
  });
  CHECK(failed == 0);
}

}  // namespace
