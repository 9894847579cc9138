// rotation_service.cpp: rotation requests and tasks, the auto-rotation schedule and running a rotation.
#include "domain/rotation_service.hpp"

#include "core/utf8.hpp"
#include "crypto/random.hpp"
#include "domain/event_firing.hpp"
#include "domain/service_support.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace csms::domain {
namespace {

core::TaskFilter running_tasks_of(const std::string& secret_name) {
  core::TaskFilter filter;
  filter.secret_name = secret_name;
  filter.status = std::string(core::kTaskRunning);
  return filter;
}

constexpr std::size_t kTasksPerPass = 20;
constexpr std::size_t kDueSecretsPerPass = 200;

// rotation_config's SecretSubType decides the task's operate_type; anything else rotates a single user.
std::string operate_type(const core::Secret& secret) {
  if (secret.rotation_config && secret.rotation_config->find("\"MultiUser\"") != std::string::npos) {
    return "MULTI_USER";
  }
  return "SINGLE_USER";
}

// The task's version number is issued when the task is created, so RotateSecret can answer with the version_id the
// rotation will create (csms-api.md 1.8) and the command is told the same id. The secret's counter moves on with
// it (the caller stores `secret`), so no other version takes the number; a failed rotation leaves it unused.
core::RotationTask new_task(core::Secret& secret, core::EpochMillis now) {
  core::RotationTask task;
  secret.last_version_number += 1;
  task.version_id = core::version_id(secret.last_version_number);
  task.id = crypto::random_uuid();
  task.project_id = secret.project_id;
  task.secret_name = secret.name;
  task.rotation_func_urn = secret.rotation_func_urn;
  task.status = std::string(core::kTaskRunning);
  task.operate_type = operate_type(secret);
  task.task_time = now;
  return task;
}

// The number new_task reserved; none for a task queued before numbers were reserved (it takes the next one).
std::optional<core::VersionNumber> reserved_number(const core::RotationTask& task) {
  if (!task.version_id || task.version_id->size() < 2 || task.version_id->front() != 'v') return std::nullopt;
  core::VersionNumber number = 0;
  const char* first = task.version_id->data() + 1;
  const char* last = task.version_id->data() + task.version_id->size();
  const auto [end, error] = std::from_chars(first, last, number);
  if (error != std::errc() || end != last || number < 1) return std::nullopt;
  return number;
}

}  // namespace

bool is_utf8(std::string_view bytes) { return core::utf8::is_valid(bytes); }

std::string RotationService::command_request(const core::RotationTask& task, const core::Secret& secret) {
  boost::json::object request;
  request["task_id"] = task.id;
  request["project_id"] = secret.project_id;
  request["secret_id"] = secret.id;
  request["secret_name"] = secret.name;
  request["secret_type"] = secret.secret_type;
  request["operate_type"] = task.operate_type;
  request["next_version_id"] = task.version_id ? *task.version_id : core::version_id(secret.last_version_number + 1);
  if (secret.rotation_config) request["rotation_config"] = *secret.rotation_config;
  if (secret.rotation_func_urn) request["rotation_func_urn"] = *secret.rotation_func_urn;
  return boost::json::serialize(request);
}

core::Result<core::RotationTask> RotationService::request_rotation(const std::string& project_id,
                                                                   const std::string& name) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, support::require_secret(*txn, project_id, name));
  CSMS_TRY(support::require_usable(secret));
  if (secret.secret_type == "COMMON") {
    return core::make_error(core::Errc::kInvalidRequest,
                            "RotateSecret does not support COMMON secrets; only RDS-FG and GaussDB-FG secrets rotate");
  }
  if (runner_ == nullptr) {
    return core::make_error(core::Errc::kInvalidRequest,
                            "rotation is not configured: start csmsd with --rotation-command PATH "
                            "(see docs/events-and-rotation.md)");
  }
  // Two commands at once would both change the credential, and the vault would keep only the later value.
  CSMS_TRY_ASSIGN(const auto running, txn->count_rotation_tasks(project_id, running_tasks_of(name)));
  if (running > 0) {
    return core::make_error(core::Errc::kInvalidRequest,
                            "a rotation of " + name + " is already running; ListSecretTask shows when it ends");
  }
  const core::RotationTask task = new_task(secret, now);
  CSMS_TRY(txn->insert_rotation_task(task));
  CSMS_TRY(txn->update_secret(secret));
  CSMS_TRY(txn->commit());
  return task;
}

core::Result<TaskPage> RotationService::list_tasks(const std::string& project_id, const core::TaskFilter& filter,
                                                   const std::optional<std::string>& marker, std::size_t limit) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  std::optional<std::string_view> after;
  if (marker) after = *marker;
  TaskPage page;
  CSMS_TRY_ASSIGN(page.total, txn->count_rotation_tasks(project_id, filter));
  CSMS_TRY_ASSIGN(page.tasks, txn->list_rotation_tasks(project_id, filter, after, limit + 1));
  page.has_more = page.tasks.size() > limit;
  if (page.has_more) page.tasks.resize(limit);
  return page;
}

core::Result<std::size_t> RotationService::schedule_due_rotations() {
  if (runner_ == nullptr) return std::size_t{0};
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto due, txn->list_secrets_due_for_rotation(now, kDueSecretsPerPass));
  for (core::Secret& secret : due) {
    CSMS_TRY_ASSIGN(const auto running, txn->count_rotation_tasks(secret.project_id, running_tasks_of(secret.name)));
    if (running == 0) CSMS_TRY(txn->insert_rotation_task(new_task(secret, now)));
    // Moved on now, so the next check does not queue the same rotation again while this one runs.
    secret.next_rotation_time = support::next_rotation_time(secret, now);
    CSMS_TRY(txn->update_secret(secret));
  }
  CSMS_TRY(txn->commit());
  return due.size();
}

core::Result<std::size_t> RotationService::run_pending(const std::function<bool()>& stop_requested) {
  if (runner_ == nullptr) return std::size_t{0};
  std::vector<core::RotationTask> tasks;
  {
    CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
    CSMS_TRY_ASSIGN(tasks, txn->list_running_rotation_tasks(kTasksPerPass));
  }
  // One task that cannot be finished (say the vault is locked) must not hold up the others.
  core::Status first_failure = core::ok();
  std::size_t ran = 0;
  for (core::RotationTask& task : tasks) {
    if (stop_requested && stop_requested()) break;
    if (auto done = run_task(std::move(task)); !done && first_failure) first_failure = done;
    ++ran;
  }
  if (!first_failure) return first_failure.error();
  return ran;
}

core::Status RotationService::run_task(core::RotationTask task) {
  // The command runs at most once per task: it may already have changed the credential at its target, so running it
  // again after its value was lost (the daemon stopped, or the vault could not be written) would change it once
  // more, while the vault still holds neither value.
  if (task.attempt_nums > 0) {
    return finish_failed(std::move(task), "CSMS.0001",
                         "the rotation command ran but its result was never stored (the daemon stopped or the vault "
                         "could not be written); check the credential at its target, then rotate again");
  }
  task.attempt_nums = 1;
  {
    CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
    CSMS_TRY(txn->update_rotation_task(task));
    CSMS_TRY(txn->commit());
  }
  std::string request;
  {
    CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
    CSMS_TRY_ASSIGN(const auto secret, txn->find_secret(task.project_id, task.secret_name));
    if (!secret) return finish_failed(std::move(task), "CSMS.0005", "the secret no longer exists");
    if (auto usable = support::require_usable(*secret); !usable) {
      return finish_failed(std::move(task), "CSMS.0109", usable.error().detail);
    }
    request = command_request(task, *secret);
  }
  // No transaction is open while the command runs.
  auto value = runner_->new_value(request);
  if (!value) return finish_failed(std::move(task), "CSMS.0001", "the rotation command failed: " + value.error().detail);
  if (value->bytes.size() > kMaxRotatedValueBytes || !is_utf8(value->bytes.view())) {
    return finish_failed(std::move(task), "CSMS.0002",
                         "the rotation command's output is not UTF-8 text of at most 32768 bytes");
  }

  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  auto secret = txn->find_secret(task.project_id, task.secret_name);
  if (!secret) return secret.error();
  if (!*secret) {
    txn.reset();
    return finish_failed(std::move(task), "CSMS.0005", "the secret was deleted while the rotation ran");
  }
  if (auto usable = support::require_usable(**secret); !usable) {
    txn.reset();
    return finish_failed(std::move(task), "CSMS.0109", usable.error().detail);
  }
  core::Secret& rotated = **secret;
  CSMS_TRY_ASSIGN(const auto metadata, support::add_version(*txn, rotated, sealer_, *value, std::nullopt, std::nullopt,
                                                            now, reserved_number(task)));
  rotated.rotation_time = now;
  rotated.next_rotation_time = support::next_rotation_time(rotated, now);
  CSMS_TRY(txn->update_secret(rotated));
  task.status = std::string(core::kTaskSuccess);
  task.version_id = core::version_id(metadata.number);
  task.error_code.reset();
  task.error_msg.reset();
  CSMS_TRY(txn->update_rotation_task(task));
  CSMS_TRY(fire_event(*txn, rotated, core::kEventRotated, EventFacts{metadata.number, std::nullopt, std::nullopt}, now));
  return txn->commit();
}

core::Status RotationService::finish_failed(core::RotationTask task, const std::string& code,
                                            const std::string& message) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  task.status = std::string(core::kTaskFailed);
  task.error_code = code;
  task.error_msg = message;
  CSMS_TRY(txn->update_rotation_task(task));
  CSMS_TRY_ASSIGN(const auto secret, txn->find_secret(task.project_id, task.secret_name));
  if (secret) {
    CSMS_TRY(fire_event(*txn, *secret, core::kEventRotatedFailed, EventFacts{std::nullopt, std::nullopt, message},
                        now));
  }
  return txn->commit();
}

}  // namespace csms::domain
