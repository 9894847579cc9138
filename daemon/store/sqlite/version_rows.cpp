// version_rows.cpp: every SQL statement on the versions table.
#include "store/sqlite/column_helpers.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

#include <map>

namespace csms::store::sqlite {
namespace {

constexpr const char* kListVersionsFirst =
    "SELECT number, create_time, expire_time, kms_key_id, deprecated_since FROM versions "
    "WHERE secret_pk = ?1 ORDER BY number LIMIT ?2";
constexpr const char* kListVersionsAfter =
    "SELECT number, create_time, expire_time, kms_key_id, deprecated_since FROM versions "
    "WHERE secret_pk = ?1 AND number > ?3 ORDER BY number LIMIT ?2";
constexpr const char* kStagesOfSecret =
    "SELECT version_number, name FROM stages WHERE secret_pk = ?1 ORDER BY version_number, name";
constexpr const char* kStagesOfVersion =
    "SELECT name FROM stages WHERE secret_pk = ?1 AND version_number = ?2 ORDER BY name";
constexpr const char* kFindVersion =
    "SELECT number, create_time, expire_time, kms_key_id, deprecated_since, key_id, sealed_value FROM versions "
    "WHERE secret_pk = ?1 AND number = ?2";
constexpr const char* kLatestVersion = "SELECT max(number) FROM versions WHERE secret_pk = ?1";
constexpr const char* kInsertVersion =
    "INSERT INTO versions (secret_pk, number, create_time, expire_time, kms_key_id, deprecated_since, key_id, "
    "sealed_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kUpdateExpiry = "UPDATE versions SET expire_time = ?3 WHERE secret_pk = ?1 AND number = ?2";
constexpr const char* kUpdateDeprecated =
    "UPDATE versions SET deprecated_since = ?3 WHERE secret_pk = ?1 AND number = ?2";
constexpr const char* kDeleteVersion = "DELETE FROM versions WHERE secret_pk = ?1 AND number = ?2";

core::VersionMetadata read_metadata(SQLite::Statement& row) {
  core::VersionMetadata metadata;
  metadata.number = row.getColumn(0).getInt64();
  metadata.create_time = row.getColumn(1).getInt64();
  metadata.expire_time = optional_int64(row.getColumn(2));
  metadata.kms_key_id = row.getColumn(3).getString();
  metadata.deprecated_since = optional_int64(row.getColumn(4));
  return metadata;
}

core::Status expect_one_row(int changed, std::string_view what) {
  if (changed == 1) return core::ok();
  return core::make_error(core::Errc::kNotFound, std::string(what) + ": no such version row");
}

}  // namespace

core::Result<std::vector<std::string>> SqliteTransaction::stages_of_version(std::int64_t secret_row,
                                                                           core::VersionNumber number) {
  auto statement = statements_.use(kStagesOfVersion);
  statement->bind(1, static_cast<int64_t>(secret_row));
  statement->bind(2, static_cast<int64_t>(number));
  std::vector<std::string> names;
  while (statement->executeStep()) names.push_back(statement->getColumn(0).getString());
  return names;
}

core::Result<std::vector<core::VersionMetadata>> SqliteTransaction::list_versions(
    std::int64_t secret_row, std::optional<core::VersionNumber> after, std::size_t limit) {
  return guarded("listing versions", [&]() -> core::Result<std::vector<core::VersionMetadata>> {
    std::vector<core::VersionMetadata> versions;
    {
      auto statement = statements_.use(after ? kListVersionsAfter : kListVersionsFirst);
      statement->bind(1, static_cast<int64_t>(secret_row));
      statement->bind(2, static_cast<int64_t>(limit));
      if (after) statement->bind(3, static_cast<int64_t>(*after));
      while (statement->executeStep()) versions.push_back(read_metadata(*statement));
    }
    if (versions.empty()) return versions;
    // A secret has at most 12 stages, so reading them all is cheaper than one query per version.
    std::map<core::VersionNumber, std::vector<std::string>> stages_by_version;
    {
      auto statement = statements_.use(kStagesOfSecret);
      statement->bind(1, static_cast<int64_t>(secret_row));
      while (statement->executeStep()) {
        stages_by_version[statement->getColumn(0).getInt64()].push_back(statement->getColumn(1).getString());
      }
    }
    for (core::VersionMetadata& version : versions) {
      auto found = stages_by_version.find(version.number);
      if (found != stages_by_version.end()) version.stages = std::move(found->second);
    }
    return versions;
  });
}

core::Result<std::optional<core::StoredVersion>> SqliteTransaction::find_version(std::int64_t secret_row,
                                                                                core::VersionNumber number) {
  return guarded("reading a version", [&]() -> core::Result<std::optional<core::StoredVersion>> {
    std::optional<core::StoredVersion> version;
    {
      auto statement = statements_.use(kFindVersion);
      statement->bind(1, static_cast<int64_t>(secret_row));
      statement->bind(2, static_cast<int64_t>(number));
      if (!statement->executeStep()) return version;
      version.emplace();
      version->metadata = read_metadata(*statement);
      version->value.key_id = static_cast<std::uint32_t>(statement->getColumn(5).getInt64());
      version->value.blob = read_blob(statement->getColumn(6));
    }
    CSMS_TRY_ASSIGN(version->metadata.stages, stages_of_version(secret_row, number));
    return version;
  });
}

core::Result<std::optional<core::VersionNumber>> SqliteTransaction::latest_version(std::int64_t secret_row) {
  return guarded("finding the latest version", [&]() -> core::Result<std::optional<core::VersionNumber>> {
    auto statement = statements_.use(kLatestVersion);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->executeStep();
    return optional_int64(statement->getColumn(0));
  });
}

core::Status SqliteTransaction::insert_version(std::int64_t secret_row, const core::StoredVersion& version) {
  return guarded("storing a version", [&]() -> core::Status {
    auto statement = statements_.use(kInsertVersion);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, static_cast<int64_t>(version.metadata.number));
    statement->bind(3, static_cast<int64_t>(version.metadata.create_time));
    bind_optional(*statement, 4, version.metadata.expire_time);
    statement->bind(5, version.metadata.kms_key_id);
    bind_optional(*statement, 6, version.metadata.deprecated_since);
    statement->bind(7, static_cast<int64_t>(version.value.key_id));
    statement->bind(8, version.value.blob.data(), static_cast<int>(version.value.blob.size()));
    statement->exec();
    return core::ok();
  });
}

core::Status SqliteTransaction::update_version_expiry(std::int64_t secret_row, core::VersionNumber number,
                                                      std::optional<core::EpochMillis> expire_time) {
  return guarded("updating a version", [&]() -> core::Status {
    auto statement = statements_.use(kUpdateExpiry);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, static_cast<int64_t>(number));
    bind_optional(*statement, 3, expire_time);
    return expect_one_row(statement->exec(), "updating expiry");
  });
}

core::Status SqliteTransaction::set_version_deprecated_since(std::int64_t secret_row, core::VersionNumber number,
                                                             std::optional<core::EpochMillis> since) {
  return guarded("marking a version", [&]() -> core::Status {
    auto statement = statements_.use(kUpdateDeprecated);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, static_cast<int64_t>(number));
    bind_optional(*statement, 3, since);
    return expect_one_row(statement->exec(), "marking deprecation");
  });
}

core::Status SqliteTransaction::delete_version(std::int64_t secret_row, core::VersionNumber number) {
  return guarded("deleting a version", [&]() -> core::Status {
    auto statement = statements_.use(kDeleteVersion);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, static_cast<int64_t>(number));
    return expect_one_row(statement->exec(), "deleting a version");
  });
}

}  // namespace csms::store::sqlite
