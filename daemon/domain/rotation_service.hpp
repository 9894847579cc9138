// rotation_service.hpp: RotateSecret, ListSecretTask, the auto-rotation check and running rotation tasks.
#pragma once

#include "core/error.hpp"
#include "core/events.hpp"
#include "core/time.hpp"
#include "crypto/sealer.hpp"
#include "domain/secret_service.hpp"
#include "store/store.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace csms::domain {

/// Produces the new value of a rotated secret (the configured --rotation-command). The request is JSON text that
/// describes the secret (never its current value); the error's detail is recorded in the task, so it must not
/// contain the value either.
class RotationRunner {
 public:
  virtual ~RotationRunner() = default;
  virtual core::Result<crypto::PlainValue> new_value(const std::string& request_json) = 0;
};

struct TaskPage {
  std::int64_t total = 0;
  std::vector<core::RotationTask> tasks;
  bool has_more = false;
};

inline constexpr std::size_t kMaxRotatedValueBytes = 32768;

class RotationService {
 public:
  /// Without a runner, RotateSecret is refused with an error naming --rotation-command.
  RotationService(store::Store& store, const crypto::Sealer& sealer, core::Clock clock, RotationRunner* runner)
      : store_(store), sealer_(sealer), clock_(std::move(clock)), runner_(runner) {}

  /// Records a RUNNING task for the event worker to run; COMMON secrets cannot be rotated (csms-api.md 3.10).
  core::Result<core::RotationTask> request_rotation(const std::string& project_id, const std::string& name);
  core::Result<TaskPage> list_tasks(const std::string& project_id, const core::TaskFilter& filter,
                                    const std::optional<std::string>& marker, std::size_t limit);

  /// Creates a task for each secret whose auto-rotation is due and moves its next_rotation_time on by one period.
  core::Result<std::size_t> schedule_due_rotations();
  /// Runs the RUNNING tasks: the command runs outside any transaction, then the new version (SYSCURRENT, the old
  /// one SYSPREVIOUS) and the task outcome are written together with the SECRET_ROTATED(_FAILED) record. Stops
  /// before the next task once `stop_requested` answers true.
  core::Result<std::size_t> run_pending(const std::function<bool()>& stop_requested = {});

  bool can_rotate() const { return runner_ != nullptr; }

  /// The JSON text the rotation command reads on stdin (docs/events-and-rotation.md).
  static std::string command_request(const core::RotationTask& task, const core::Secret& secret);

 private:
  core::Status run_task(core::RotationTask task);
  core::Status finish_failed(core::RotationTask task, const std::string& code, const std::string& message);

  store::Store& store_;
  const crypto::Sealer& sealer_;
  core::Clock clock_;
  RotationRunner* runner_;
};

/// True when `bytes` is well-formed UTF-8 (a rotated value becomes secret_string, which is JSON text).
bool is_utf8(std::string_view bytes);

}  // namespace csms::domain
