// version_rows.cpp: every PostgreSQL statement on versions.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_list_params.hpp"
#include "store/postgres/pg_transaction.hpp"

#include <map>
#include <string>

namespace csms::store::postgres {
namespace {

constexpr const char* kListVersionsFirst =
    "SELECT number, create_time, expire_time, kms_key_id, deprecated_since FROM versions "
    "WHERE secret_pk = $1 ORDER BY number LIMIT $2";
constexpr const char* kListVersionsAfter =
    "SELECT number, create_time, expire_time, kms_key_id, deprecated_since FROM versions "
    "WHERE secret_pk = $1 AND number > $3 ORDER BY number LIMIT $2";
constexpr const char* kStagesOfSecret =
    "SELECT version_number, name FROM stages WHERE secret_pk = $1 ORDER BY version_number, name";
constexpr const char* kStagesOfVersion =
    "SELECT name FROM stages WHERE secret_pk = $1 AND version_number = $2 ORDER BY name";
constexpr const char* kFindVersion =
    "SELECT number, create_time, expire_time, kms_key_id, deprecated_since, key_id, sealed_value FROM versions "
    "WHERE secret_pk = $1 AND number = $2";
constexpr const char* kLatestVersion = "SELECT max(number) FROM versions WHERE secret_pk = $1";
// ON CONFLICT DO NOTHING: a taken number answers kAlreadyExists and leaves the transaction usable, as in SQLite.
constexpr const char* kInsertVersion =
    "INSERT INTO versions (secret_pk, number, create_time, expire_time, kms_key_id, deprecated_since, key_id, "
    "sealed_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
constexpr const char* kUpdateExpiry = "UPDATE versions SET expire_time = $3 WHERE secret_pk = $1 AND number = $2";
constexpr const char* kUpdateDeprecated =
    "UPDATE versions SET deprecated_since = $3 WHERE secret_pk = $1 AND number = $2";
constexpr const char* kDeleteVersion = "DELETE FROM versions WHERE secret_pk = $1 AND number = $2";

core::VersionMetadata read_metadata(const Rows& rows, int row) {
  core::VersionMetadata metadata;
  metadata.number = rows.int64(row, 0);
  metadata.create_time = rows.int64(row, 1);
  metadata.expire_time = rows.optional_int64(row, 2);
  metadata.kms_key_id = rows.text(row, 3);
  metadata.deprecated_since = rows.optional_int64(row, 4);
  return metadata;
}

core::Status expect_one_row(const Rows& rows, std::string_view what) {
  if (rows.affected() == 1) return core::ok();
  return core::make_error(core::Errc::kNotFound, std::string(what) + ": no such version row");
}

}  // namespace

core::Result<std::vector<std::string>> PgTransaction::stages_of_version(std::int64_t secret_row,
                                                                       core::VersionNumber number) {
  CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kStagesOfVersion, Params().int64(secret_row).int64(number)));
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) names.push_back(rows.text(i, 0));
  return names;
}

core::Result<std::vector<core::VersionMetadata>> PgTransaction::list_versions(std::int64_t secret_row,
                                                                             std::optional<core::VersionNumber> after,
                                                                             std::size_t limit) {
  return guarded("listing versions", [&]() -> core::Result<std::vector<core::VersionMetadata>> {
    Params params;
    params.int64(secret_row).int64(row_count(limit));
    if (after) params.int64(*after);
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(after ? kListVersionsAfter : kListVersionsFirst, params));
    std::vector<core::VersionMetadata> versions;
    versions.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) versions.push_back(read_metadata(rows, i));
    if (versions.empty()) return versions;
    // A secret has at most 12 stages, so reading them all is cheaper than one query per version.
    CSMS_TRY_ASSIGN(const Rows stage_rows, db_.exec(kStagesOfSecret, Params().int64(secret_row)));
    std::map<core::VersionNumber, std::vector<std::string>> stages_by_version;
    for (int i = 0; i < stage_rows.size(); ++i) {
      stages_by_version[stage_rows.int64(i, 0)].push_back(stage_rows.text(i, 1));
    }
    for (core::VersionMetadata& version : versions) {
      auto found = stages_by_version.find(version.number);
      if (found != stages_by_version.end()) version.stages = std::move(found->second);
    }
    return versions;
  });
}

core::Result<std::optional<core::StoredVersion>> PgTransaction::find_version(std::int64_t secret_row,
                                                                            core::VersionNumber number) {
  return guarded("reading a version", [&]() -> core::Result<std::optional<core::StoredVersion>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindVersion, Params().int64(secret_row).int64(number)));
    std::optional<core::StoredVersion> version;
    if (rows.empty()) return version;
    version.emplace();
    version->metadata = read_metadata(rows, 0);
    version->value.key_id = static_cast<std::uint32_t>(rows.int64(0, 5));
    version->value.blob = rows.bytes(0, 6);
    CSMS_TRY_ASSIGN(version->metadata.stages, stages_of_version(secret_row, number));
    return version;
  });
}

core::Result<std::optional<core::VersionNumber>> PgTransaction::latest_version(std::int64_t secret_row) {
  return guarded("finding the latest version", [&]() -> core::Result<std::optional<core::VersionNumber>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kLatestVersion, Params().int64(secret_row)));
    if (rows.empty()) return std::optional<core::VersionNumber>();
    return std::optional<core::VersionNumber>(rows.optional_int64(0, 0));
  });
}

core::Status PgTransaction::insert_version(std::int64_t secret_row, const core::StoredVersion& version) {
  return guarded("storing a version", [&]() -> core::Status {
    Params params;
    params.int64(secret_row)
        .int64(version.metadata.number)
        .int64(version.metadata.create_time)
        .optional_int64(version.metadata.expire_time)
        .text(version.metadata.kms_key_id)
        .optional_int64(version.metadata.deprecated_since)
        .int64(static_cast<std::int64_t>(version.value.key_id))
        .bytes(version.value.blob);
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kInsertVersion, params));
    if (rows.affected() != 1) {
      return core::make_error(core::Errc::kAlreadyExists, "storing a version: its number is already taken");
    }
    return core::ok();
  });
}

core::Status PgTransaction::update_version_expiry(std::int64_t secret_row, core::VersionNumber number,
                                                  std::optional<core::EpochMillis> expire_time) {
  return guarded("updating a version", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows,
                    db_.exec(kUpdateExpiry, Params().int64(secret_row).int64(number).optional_int64(expire_time)));
    return expect_one_row(rows, "updating expiry");
  });
}

core::Status PgTransaction::set_version_deprecated_since(std::int64_t secret_row, core::VersionNumber number,
                                                         std::optional<core::EpochMillis> since) {
  return guarded("marking a version", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows,
                    db_.exec(kUpdateDeprecated, Params().int64(secret_row).int64(number).optional_int64(since)));
    return expect_one_row(rows, "marking deprecation");
  });
}

core::Status PgTransaction::delete_version(std::int64_t secret_row, core::VersionNumber number) {
  return guarded("deleting a version", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kDeleteVersion, Params().int64(secret_row).int64(number)));
    return expect_one_row(rows, "deleting a version");
  });
}

}  // namespace csms::store::postgres
