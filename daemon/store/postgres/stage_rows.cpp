// stage_rows.cpp: every PostgreSQL statement on stages.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {
namespace {

constexpr const char* kListStages =
    "SELECT name, version_number, update_time FROM stages WHERE secret_pk = $1 ORDER BY name";
constexpr const char* kFindStage =
    "SELECT name, version_number, update_time FROM stages WHERE secret_pk = $1 AND name = $2";
// The (secret_pk, name) key turns "attach or move" into one upsert of one row.
constexpr const char* kPutStage =
    "INSERT INTO stages (secret_pk, name, version_number, update_time) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (secret_pk, name) DO UPDATE SET version_number = excluded.version_number, "
    "update_time = excluded.update_time";
constexpr const char* kDeleteStage = "DELETE FROM stages WHERE secret_pk = $1 AND name = $2";

core::Stage read_stage(const Rows& rows, int row) {
  return core::Stage{rows.text(row, 0), rows.int64(row, 1), rows.int64(row, 2)};
}

}  // namespace

core::Result<std::vector<core::Stage>> PgTransaction::list_stages(std::int64_t secret_row) {
  return guarded("listing stages", [&]() -> core::Result<std::vector<core::Stage>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListStages, Params().int64(secret_row)));
    std::vector<core::Stage> stages;
    stages.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) stages.push_back(read_stage(rows, i));
    return stages;
  });
}

core::Result<std::optional<core::Stage>> PgTransaction::find_stage(std::int64_t secret_row, std::string_view name) {
  return guarded("reading a stage", [&]() -> core::Result<std::optional<core::Stage>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindStage, Params().int64(secret_row).text(name)));
    if (rows.empty()) return std::optional<core::Stage>();
    return std::optional<core::Stage>(read_stage(rows, 0));
  });
}

core::Status PgTransaction::put_stage(std::int64_t secret_row, const core::Stage& stage) {
  return guarded("placing a stage", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kPutStage,
                      Params().int64(secret_row).text(stage.name).int64(stage.version).int64(stage.update_time)));
    return core::ok();
  });
}

core::Status PgTransaction::delete_stage(std::int64_t secret_row, std::string_view name) {
  return guarded("removing a stage", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kDeleteStage, Params().int64(secret_row).text(name)));
    if (rows.affected() != 1) return core::make_error(core::Errc::kNotFound, "stage row vanished during delete");
    return core::ok();
  });
}

}  // namespace csms::store::postgres
