// ceiling_create_version.cpp: the SQL of SecretService::create_version with the default stage placement.
#include "ceiling_create_version.hpp"

#include "ceiling_database.hpp"
#include "ceiling_sql.hpp"
#include "scenario.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

namespace csms_bench {
namespace {

constexpr std::size_t kMaxVersionsPerSecret = 20;  // domain/version_policy.hpp

// The secret columns csmsd reads back into core::Secret and writes again in update_secret.
struct SecretRow {
  std::int64_t row = 0;
  std::string state, kms_key_id, description;
  int auto_rotation = 0;
  std::optional<std::string> rotation_period, rotation_func_urn;
  std::optional<std::int64_t> scheduled_delete_time, rotation_time, next_rotation_time;
  std::int64_t last_version_number = 0;
};

std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

std::optional<std::int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

template <typename T>
void bind_optional(SQLite::Statement& statement, int index, const std::optional<T>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

SQLite::Statement& fresh(SQLite::Statement& statement) {
  statement.reset();
  statement.clearBindings();
  return statement;
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::set<std::int64_t> staged(const std::map<std::string, std::int64_t>& stages) {
  std::set<std::int64_t> versions;
  for (const auto& [name, version] : stages) versions.insert(version);
  return versions;
}

}  // namespace

CreateVersionTransaction::CreateVersionTransaction(SQLite::Database& db, std::string project)
    : db_(db),
      project_(std::move(project)),
      find_secret_(db, sql::kFindSecret),
      list_subscriptions_(db, sql::kListSubscriptions),
      list_versions_(db, sql::kListVersionsFirst),
      stages_of_secret_(db, sql::kStagesOfSecret),
      list_stages_(db, sql::kListStages),
      delete_version_(db, sql::kDeleteVersion),
      insert_version_(db, sql::kInsertVersion),
      put_stage_(db, sql::kPutStage),
      update_deprecated_(db, sql::kUpdateDeprecated),
      update_secret_(db, sql::kUpdateSecret),
      clear_subscriptions_(db, sql::kClearSubscriptions) {}

void CreateVersionTransaction::run(std::size_t secret_index, std::size_t plaintext, std::mt19937_64& random) {
  const std::int64_t now = now_millis();
  db_.exec("BEGIN IMMEDIATE");
  try {
    SecretRow secret;
    {
      auto& find = fresh(find_secret_);
      find.bind(1, project_);
      find.bind(2, secret_name(secret_index));
      if (!find.executeStep()) throw std::runtime_error("no secret " + secret_name(secret_index));
      secret.row = find.getColumn(0).getInt64();
      // Every column is read, as read_secret() does, though only these are written back.
      for (int column : {1, 2, 3, 7, 10, 12}) (void)find.getColumn(column).getString();
      (void)find.getColumn(13).getInt64();
      (void)find.getColumn(14).getInt64();
      secret.state = find.getColumn(4).getString();
      secret.kms_key_id = find.getColumn(5).getString();
      secret.description = find.getColumn(6).getString();
      secret.auto_rotation = find.getColumn(8).getInt();
      secret.rotation_period = optional_text(find.getColumn(9));
      secret.rotation_func_urn = optional_text(find.getColumn(11));
      secret.scheduled_delete_time = optional_int(find.getColumn(15));
      secret.rotation_time = optional_int(find.getColumn(16));
      secret.next_rotation_time = optional_int(find.getColumn(17));
      secret.last_version_number = find.getColumn(18).getInt64();
    }
    {
      auto& subscriptions = fresh(list_subscriptions_);
      subscriptions.bind(1, static_cast<int64_t>(secret.row));
      while (subscriptions.executeStep()) (void)subscriptions.getColumn(0).getString();
    }

    std::vector<std::int64_t> existing;
    {
      auto& versions = fresh(list_versions_);
      versions.bind(1, static_cast<int64_t>(secret.row));
      versions.bind(2, static_cast<int64_t>(std::numeric_limits<std::size_t>::max() / 2));
      while (versions.executeStep()) {
        existing.push_back(versions.getColumn(0).getInt64());
        (void)versions.getColumn(3).getString();
      }
      auto& stages = fresh(stages_of_secret_);
      stages.bind(1, static_cast<int64_t>(secret.row));
      while (stages.executeStep()) (void)stages.getColumn(1).getString();
    }
    std::map<std::string, std::int64_t> before;
    {
      auto& stages = fresh(list_stages_);
      stages.bind(1, static_cast<int64_t>(secret.row));
      while (stages.executeStep()) before.emplace(stages.getColumn(0).getString(), stages.getColumn(1).getInt64());
    }

    // plan_new_version with no version_stages: SYSCURRENT to the new version, its former holder gets SYSPREVIOUS.
    const std::int64_t highest = existing.empty() ? 0 : *std::max_element(existing.begin(), existing.end());
    const std::int64_t number = std::max(secret.last_version_number, highest) + 1;
    const auto had = staged(before);
    if (existing.size() >= kMaxVersionsPerSecret) {
      std::optional<std::int64_t> oldest;
      for (std::int64_t version : existing) {
        if (!had.contains(version) && (!oldest || version < *oldest)) oldest = version;
      }
      if (!oldest) throw std::runtime_error("20 versions and none without a stage");
      auto& evict = fresh(delete_version_);
      evict.bind(1, static_cast<int64_t>(secret.row));
      evict.bind(2, static_cast<int64_t>(*oldest));
      evict.exec();
    }
    std::map<std::string, std::int64_t> after = before;
    if (const auto current = before.find("SYSCURRENT"); current != before.end()) after["SYSPREVIOUS"] = current->second;
    after["SYSCURRENT"] = number;

    {
      const auto blob = random_blob(random, sealed_size(plaintext));
      auto& insert = fresh(insert_version_);
      insert.bind(1, static_cast<int64_t>(secret.row));
      insert.bind(2, static_cast<int64_t>(number));
      insert.bind(3, static_cast<int64_t>(now));
      insert.bind(4);
      insert.bind(5, secret.kms_key_id);
      insert.bind(6);
      insert.bind(7, 1);
      insert.bind(8, blob.data(), static_cast<int>(blob.size()));
      insert.exec();
    }
    // apply_stage_plan: changed stages (no stage is removed by a new version), then deprecations and revivals.
    for (const auto& [name, version] : after) {
      const auto old = before.find(name);
      if (old != before.end() && old->second == version) continue;
      auto& put = fresh(put_stage_);
      put.bind(1, static_cast<int64_t>(secret.row));
      put.bind(2, name);
      put.bind(3, static_cast<int64_t>(version));
      put.bind(4, static_cast<int64_t>(now));
      put.exec();
    }
    const auto has = staged(after);
    for (std::int64_t version : had) {
      if (has.contains(version)) continue;
      auto& deprecate = fresh(update_deprecated_);
      deprecate.bind(1, static_cast<int64_t>(secret.row));
      deprecate.bind(2, static_cast<int64_t>(version));
      deprecate.bind(3, static_cast<int64_t>(now));
      deprecate.exec();
    }
    for (std::int64_t version : has) {
      if (had.contains(version) || version == number) continue;
      auto& revive = fresh(update_deprecated_);
      revive.bind(1, static_cast<int64_t>(secret.row));
      revive.bind(2, static_cast<int64_t>(version));
      revive.bind(3);
      revive.exec();
    }

    {
      auto& update = fresh(update_secret_);
      update.bind(1, static_cast<int64_t>(secret.row));
      update.bind(2, secret.state);
      update.bind(3, secret.kms_key_id);
      update.bind(4, secret.description);
      update.bind(5, secret.auto_rotation);
      bind_optional(update, 6, secret.rotation_period);
      bind_optional(update, 7, secret.rotation_func_urn);
      update.bind(8, static_cast<int64_t>(now));
      bind_optional(update, 9, secret.scheduled_delete_time);
      bind_optional(update, 10, secret.rotation_time);
      bind_optional(update, 11, secret.next_rotation_time);
      update.bind(12, static_cast<int64_t>(number));
      if (update.exec() != 1) throw std::runtime_error("secret row vanished");
      auto& clear = fresh(clear_subscriptions_);
      clear.bind(1, static_cast<int64_t>(secret.row));
      clear.exec();
    }
    for (SQLite::Statement* statement : {&find_secret_, &list_subscriptions_, &list_versions_, &stages_of_secret_,
                                         &list_stages_}) {
      statement->reset();  // no read cursor may outlive its use (csmsd's StatementCache::Use resets on exit)
    }
    db_.exec("COMMIT");
  } catch (...) {
    db_.exec("ROLLBACK");
    throw;
  }
}

}  // namespace csms_bench
