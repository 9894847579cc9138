// stage_rows.cpp: every SQL statement on the stages table.
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace csms::store::sqlite {
namespace {

constexpr const char* kListStages =
    "SELECT name, version_number, update_time FROM stages WHERE secret_pk = ?1 ORDER BY name";
constexpr const char* kFindStage =
    "SELECT name, version_number, update_time FROM stages WHERE secret_pk = ?1 AND name = ?2";
// The (secret_pk, name) key turns "attach or move" into one upsert of one row.
constexpr const char* kPutStage =
    "INSERT INTO stages (secret_pk, name, version_number, update_time) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (secret_pk, name) DO UPDATE SET version_number = excluded.version_number, "
    "update_time = excluded.update_time";
constexpr const char* kDeleteStage = "DELETE FROM stages WHERE secret_pk = ?1 AND name = ?2";

core::Stage read_stage(SQLite::Statement& row) {
  return core::Stage{row.getColumn(0).getString(), row.getColumn(1).getInt64(), row.getColumn(2).getInt64()};
}

}  // namespace

core::Result<std::vector<core::Stage>> SqliteTransaction::list_stages(std::int64_t secret_row) {
  return guarded("listing stages", [&]() -> core::Result<std::vector<core::Stage>> {
    auto statement = statements_.use(kListStages);
    statement->bind(1, static_cast<int64_t>(secret_row));
    std::vector<core::Stage> stages;
    while (statement->executeStep()) stages.push_back(read_stage(*statement));
    return stages;
  });
}

core::Result<std::optional<core::Stage>> SqliteTransaction::find_stage(std::int64_t secret_row,
                                                                      std::string_view name) {
  return guarded("reading a stage", [&]() -> core::Result<std::optional<core::Stage>> {
    auto statement = statements_.use(kFindStage);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, std::string(name));
    if (!statement->executeStep()) return std::optional<core::Stage>();
    return std::optional<core::Stage>(read_stage(*statement));
  });
}

core::Status SqliteTransaction::put_stage(std::int64_t secret_row, const core::Stage& stage) {
  return guarded("placing a stage", [&]() -> core::Status {
    auto statement = statements_.use(kPutStage);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, stage.name);
    statement->bind(3, static_cast<int64_t>(stage.version));
    statement->bind(4, static_cast<int64_t>(stage.update_time));
    statement->exec();
    return core::ok();
  });
}

core::Status SqliteTransaction::delete_stage(std::int64_t secret_row, std::string_view name) {
  return guarded("removing a stage", [&]() -> core::Status {
    auto statement = statements_.use(kDeleteStage);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, std::string(name));
    if (statement->exec() != 1) return core::make_error(core::Errc::kNotFound, "stage row vanished during delete");
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
