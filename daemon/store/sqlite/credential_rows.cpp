// credential_rows.cpp: every SQL statement on the credentials and credential_projects tables.
#include "store/sqlite/column_helpers.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace csms::store::sqlite {
namespace {

// The statement cache is keyed by the SQL's address, so each query is one named constant.
#define CSMS_CREDENTIAL_COLUMNS \
  "SELECT id, kind, access_key, key_id, sealed_secret, token_hash, role, description, create_time FROM credentials "
constexpr const char* kFindByAccessKey = CSMS_CREDENTIAL_COLUMNS "WHERE access_key = ?1";
constexpr const char* kFindByTokenHash = CSMS_CREDENTIAL_COLUMNS "WHERE token_hash = ?1";
constexpr const char* kFindById = CSMS_CREDENTIAL_COLUMNS "WHERE id = ?1";
constexpr const char* kListCredentials = CSMS_CREDENTIAL_COLUMNS "ORDER BY create_time, id";
#undef CSMS_CREDENTIAL_COLUMNS
constexpr const char* kInsertCredential =
    "INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, token_hash, role, description, "
    "create_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* kInsertProject = "INSERT INTO credential_projects (credential_id, project_id) VALUES (?1, ?2)";
constexpr const char* kProjectsOf =
    "SELECT project_id FROM credential_projects WHERE credential_id = ?1 ORDER BY project_id";
constexpr const char* kDeleteCredential = "DELETE FROM credentials WHERE id = ?1";
constexpr const char* kListSealedCredentials =
    "SELECT id, key_id, sealed_secret FROM credentials WHERE key_id IS NOT NULL AND key_id <> ?1 ORDER BY id LIMIT ?2";
constexpr const char* kReplaceCredentialSeal = "UPDATE credentials SET key_id = ?2, sealed_secret = ?3 WHERE id = ?1";

core::Credential read_credential(SQLite::Statement& row) {
  core::Credential credential;
  credential.id = row.getColumn(0).getString();
  credential.kind = row.getColumn(1).getString() == "token" ? core::CredentialKind::kToken
                                                           : core::CredentialKind::kAccessKey;
  if (!row.getColumn(2).isNull()) credential.access_key = row.getColumn(2).getString();
  if (!row.getColumn(3).isNull()) {
    credential.sealed_secret = core::SealedValue{static_cast<std::uint32_t>(row.getColumn(3).getInt64()),
                                                 read_blob(row.getColumn(4))};
  }
  if (!row.getColumn(5).isNull()) credential.token_hash = read_blob(row.getColumn(5));
  credential.role = core::role_from_string(row.getColumn(6).getString()).value_or(core::Role::kReader);
  credential.description = row.getColumn(7).getString();
  credential.create_time = row.getColumn(8).getInt64();
  return credential;
}

}  // namespace

core::Result<std::vector<std::string>> SqliteTransaction::credential_projects(std::string_view id) {
  auto statement = statements_.use(kProjectsOf);
  statement->bind(1, std::string(id));
  std::vector<std::string> projects;
  while (statement->executeStep()) projects.push_back(statement->getColumn(0).getString());
  return projects;
}

core::Status SqliteTransaction::insert_credential(const core::Credential& credential) {
  return guarded("storing a credential", [&]() -> core::Status {
    {
      auto statement = statements_.use(kInsertCredential);
      statement->bind(1, credential.id);
      statement->bind(2, std::string(core::to_string(credential.kind)));
      if (credential.kind == core::CredentialKind::kAccessKey) {
        statement->bind(3, credential.access_key);
        statement->bind(4, static_cast<int64_t>(credential.sealed_secret ? credential.sealed_secret->key_id : 0));
        if (credential.sealed_secret) {
          statement->bind(5, credential.sealed_secret->blob.data(), static_cast<int>(credential.sealed_secret->blob.size()));
        } else {
          statement->bind(5);
        }
        statement->bind(6);
      } else {
        statement->bind(3);
        statement->bind(4);
        statement->bind(5);
        statement->bind(6, credential.token_hash.data(), static_cast<int>(credential.token_hash.size()));
      }
      statement->bind(7, std::string(core::to_string(credential.role)));
      statement->bind(8, credential.description);
      statement->bind(9, static_cast<int64_t>(credential.create_time));
      statement->exec();
    }
    for (const std::string& project : credential.projects) {
      auto statement = statements_.use(kInsertProject);
      statement->bind(1, credential.id);
      statement->bind(2, project);
      statement->exec();
    }
    return core::ok();
  });
}

core::Result<std::optional<core::Credential>> SqliteTransaction::find_credential_by_access_key(
    std::string_view access_key) {
  return guarded("reading a credential", [&]() -> core::Result<std::optional<core::Credential>> {
    std::optional<core::Credential> found;
    {
      auto statement = statements_.use(kFindByAccessKey);
      statement->bind(1, std::string(access_key));
      if (!statement->executeStep()) return std::nullopt;
      found = read_credential(*statement);
    }
    CSMS_TRY_ASSIGN(found->projects, credential_projects(found->id));
    return found;
  });
}

core::Result<std::optional<core::Credential>> SqliteTransaction::find_credential_by_token_hash(
    std::span<const std::uint8_t> token_hash) {
  return guarded("reading a credential", [&]() -> core::Result<std::optional<core::Credential>> {
    std::optional<core::Credential> found;
    {
      auto statement = statements_.use(kFindByTokenHash);
      statement->bind(1, token_hash.data(), static_cast<int>(token_hash.size()));
      if (!statement->executeStep()) return std::nullopt;
      found = read_credential(*statement);
    }
    CSMS_TRY_ASSIGN(found->projects, credential_projects(found->id));
    return found;
  });
}

core::Result<std::optional<core::Credential>> SqliteTransaction::find_credential(std::string_view id) {
  return guarded("reading a credential", [&]() -> core::Result<std::optional<core::Credential>> {
    std::optional<core::Credential> found;
    {
      auto statement = statements_.use(kFindById);
      statement->bind(1, std::string(id));
      if (!statement->executeStep()) return std::nullopt;
      found = read_credential(*statement);
    }
    CSMS_TRY_ASSIGN(found->projects, credential_projects(found->id));
    return found;
  });
}

core::Result<std::vector<core::Credential>> SqliteTransaction::list_credentials() {
  return guarded("listing credentials", [&]() -> core::Result<std::vector<core::Credential>> {
    std::vector<core::Credential> credentials;
    {
      auto statement = statements_.use(kListCredentials);
      while (statement->executeStep()) credentials.push_back(read_credential(*statement));
    }
    for (core::Credential& credential : credentials) {
      CSMS_TRY_ASSIGN(credential.projects, credential_projects(credential.id));
    }
    return credentials;
  });
}

core::Status SqliteTransaction::delete_credential(std::string_view id) {
  return guarded("deleting a credential", [&]() -> core::Status {
    auto statement = statements_.use(kDeleteCredential);
    statement->bind(1, std::string(id));
    if (statement->exec() != 1) return core::make_error(core::Errc::kNotFound, "no credential has the id " + std::string(id));
    return core::ok();
  });
}

core::Result<std::vector<core::SealedCredentialRef>> SqliteTransaction::list_credentials_sealed_with_other_keys(
    std::uint32_t current_key_id, std::size_t limit) {
  return guarded("listing credentials to re-seal", [&]() -> core::Result<std::vector<core::SealedCredentialRef>> {
    auto statement = statements_.use(kListSealedCredentials);
    statement->bind(1, static_cast<int64_t>(current_key_id));
    statement->bind(2, static_cast<int64_t>(limit));
    std::vector<core::SealedCredentialRef> rows;
    while (statement->executeStep()) {
      rows.push_back(core::SealedCredentialRef{
          statement->getColumn(0).getString(),
          core::SealedValue{static_cast<std::uint32_t>(statement->getColumn(1).getInt64()),
                            read_blob(statement->getColumn(2))}});
    }
    return rows;
  });
}

core::Status SqliteTransaction::replace_credential_seal(std::string_view credential_id, const core::SealedValue& value) {
  return guarded("re-sealing a credential", [&]() -> core::Status {
    auto statement = statements_.use(kReplaceCredentialSeal);
    statement->bind(1, std::string(credential_id));
    statement->bind(2, static_cast<int64_t>(value.key_id));
    statement->bind(3, value.blob.data(), static_cast<int>(value.blob.size()));
    if (statement->exec() != 1) return core::make_error(core::Errc::kNotFound, "the credential is gone");
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
