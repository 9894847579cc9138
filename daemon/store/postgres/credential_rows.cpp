// credential_rows.cpp: every PostgreSQL statement on the credentials and credential_projects tables.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_limit.hpp"
#include "store/postgres/pg_transaction.hpp"

#include <functional>
#include <map>
#include <string>

namespace csms::store::postgres {
namespace {

#define CSMS_CREDENTIAL_COLUMNS \
  "SELECT id, kind, access_key, key_id, sealed_secret, token_hash, role, description, create_time FROM credentials "
constexpr const char* kFindByAccessKey = CSMS_CREDENTIAL_COLUMNS "WHERE access_key = $1";
constexpr const char* kFindByTokenHash = CSMS_CREDENTIAL_COLUMNS "WHERE token_hash = $1";
constexpr const char* kFindById = CSMS_CREDENTIAL_COLUMNS "WHERE id = $1";
constexpr const char* kListCredentials = CSMS_CREDENTIAL_COLUMNS "ORDER BY create_time, id";
#undef CSMS_CREDENTIAL_COLUMNS
// One statement per kind: a statement's parameter types are fixed when it is prepared, and each kind leaves
// other columns NULL (the table's CHECK holds the two shapes apart). ON CONFLICT DO NOTHING: a taken id, access
// key or token hash answers kAlreadyExists without aborting the transaction, as in SQLite.
constexpr const char* kInsertAccessKey =
    "INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, role, description, create_time) "
    "VALUES ($1, 'access_key', $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
constexpr const char* kInsertToken =
    "INSERT INTO credentials (id, kind, token_hash, role, description, create_time) "
    "VALUES ($1, 'token', $2, $3, $4, $5) ON CONFLICT DO NOTHING";
constexpr const char* kInsertProject =
    "INSERT INTO credential_projects (credential_id, project_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
constexpr const char* kProjectsOf =
    "SELECT project_id FROM credential_projects WHERE credential_id = $1 ORDER BY project_id";
// Every credential's projects at once, so listing costs two statements rather than one per credential.
constexpr const char* kAllProjects =
    "SELECT credential_id, project_id FROM credential_projects ORDER BY credential_id, project_id";
constexpr const char* kDeleteCredential = "DELETE FROM credentials WHERE id = $1";
constexpr const char* kListSealedCredentials =
    "SELECT id, key_id, sealed_secret FROM credentials WHERE key_id IS NOT NULL AND key_id <> $1 ORDER BY id LIMIT $2";
constexpr const char* kReplaceCredentialSeal = "UPDATE credentials SET key_id = $2, sealed_secret = $3 WHERE id = $1";

core::Credential read_credential(const Rows& rows, int row) {
  core::Credential credential;
  credential.id = rows.text(row, 0);
  credential.kind = rows.text(row, 1) == "token" ? core::CredentialKind::kToken : core::CredentialKind::kAccessKey;
  if (!rows.is_null(row, 2)) credential.access_key = rows.text(row, 2);
  if (!rows.is_null(row, 3)) {
    credential.sealed_secret = core::SealedValue{static_cast<std::uint32_t>(rows.int64(row, 3)), rows.bytes(row, 4)};
  }
  if (!rows.is_null(row, 5)) credential.token_hash = rows.bytes(row, 5);
  credential.role = core::role_from_string(rows.text(row, 6)).value_or(core::Role::kReader);
  credential.description = rows.text(row, 7);
  credential.create_time = rows.int64(row, 8);
  return credential;
}

}  // namespace

core::Result<std::vector<std::string>> PgTransaction::credential_projects(std::string_view id) {
  CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kProjectsOf, Params().text(id)));
  std::vector<std::string> projects;
  projects.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) projects.push_back(rows.text(row, 0));
  return projects;
}

core::Status PgTransaction::insert_credential(const core::Credential& credential) {
  return guarded("storing a credential", [&]() -> core::Status {
    const std::string role(core::to_string(credential.role));
    Rows inserted;
    if (credential.kind == core::CredentialKind::kAccessKey) {
      // The table's CHECK requires the sealed secret key; SQLite's CHECK refuses its absence as kInternal too.
      if (!credential.sealed_secret) {
        return core::make_error(core::Errc::kInternal, "an access key credential without its sealed secret key");
      }
      CSMS_TRY_ASSIGN(inserted, db_.exec(kInsertAccessKey, Params()
                                                               .text(credential.id)
                                                               .text(credential.access_key)
                                                               .int64(credential.sealed_secret->key_id)
                                                               .bytes(credential.sealed_secret->blob)
                                                               .text(role)
                                                               .text(credential.description)
                                                               .int64(credential.create_time)));
    } else {
      CSMS_TRY_ASSIGN(inserted, db_.exec(kInsertToken, Params()
                                                           .text(credential.id)
                                                           .bytes(credential.token_hash)
                                                           .text(role)
                                                           .text(credential.description)
                                                           .int64(credential.create_time)));
    }
    if (inserted.affected() == 0) {
      return core::make_error(core::Errc::kAlreadyExists,
                              "storing a credential: its id, access key or token hash is already taken");
    }
    for (const std::string& project : credential.projects) {
      CSMS_TRY_ASSIGN(const Rows added, db_.exec(kInsertProject, Params().text(credential.id).text(project)));
      if (added.affected() == 0) {
        return core::make_error(core::Errc::kAlreadyExists, "storing a credential: a project is listed twice");
      }
    }
    return core::ok();
  });
}

core::Result<std::optional<core::Credential>> PgTransaction::find_credential_by_access_key(
    std::string_view access_key) {
  return guarded("reading a credential", [&]() -> core::Result<std::optional<core::Credential>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindByAccessKey, Params().text(access_key)));
    if (rows.empty()) return std::nullopt;
    std::optional<core::Credential> found = read_credential(rows, 0);
    CSMS_TRY_ASSIGN(found->projects, credential_projects(found->id));
    return found;
  });
}

core::Result<std::optional<core::Credential>> PgTransaction::find_credential_by_token_hash(
    std::span<const std::uint8_t> token_hash) {
  return guarded("reading a credential", [&]() -> core::Result<std::optional<core::Credential>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindByTokenHash, Params().bytes(token_hash)));
    if (rows.empty()) return std::nullopt;
    std::optional<core::Credential> found = read_credential(rows, 0);
    CSMS_TRY_ASSIGN(found->projects, credential_projects(found->id));
    return found;
  });
}

core::Result<std::optional<core::Credential>> PgTransaction::find_credential(std::string_view id) {
  return guarded("reading a credential", [&]() -> core::Result<std::optional<core::Credential>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindById, Params().text(id)));
    if (rows.empty()) return std::nullopt;
    std::optional<core::Credential> found = read_credential(rows, 0);
    CSMS_TRY_ASSIGN(found->projects, credential_projects(found->id));
    return found;
  });
}

core::Result<std::vector<core::Credential>> PgTransaction::list_credentials() {
  return guarded("listing credentials", [&]() -> core::Result<std::vector<core::Credential>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListCredentials));
    CSMS_TRY_ASSIGN(const Rows project_rows, db_.exec(kAllProjects));
    // Both statements read this transaction's snapshot, so every project row belongs to a listed credential.
    std::map<std::string, std::vector<std::string>, std::less<>> projects;
    for (int row = 0; row < project_rows.size(); ++row) {
      projects[project_rows.text(row, 0)].push_back(project_rows.text(row, 1));
    }
    std::vector<core::Credential> credentials;
    credentials.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      core::Credential credential = read_credential(rows, row);
      if (auto found = projects.find(credential.id); found != projects.end()) {
        credential.projects = std::move(found->second);
      }
      credentials.push_back(std::move(credential));
    }
    return credentials;
  });
}

core::Status PgTransaction::delete_credential(std::string_view id) {
  return guarded("deleting a credential", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kDeleteCredential, Params().text(id)));
    if (rows.affected() != 1) {
      return core::make_error(core::Errc::kNotFound, "no credential has the id " + std::string(id));
    }
    return core::ok();
  });
}

core::Result<std::vector<core::SealedCredentialRef>> PgTransaction::list_credentials_sealed_with_other_keys(
    std::uint32_t current_key_id, std::size_t limit) {
  return guarded("listing credentials to re-seal", [&]() -> core::Result<std::vector<core::SealedCredentialRef>> {
    CSMS_TRY_ASSIGN(const Rows rows,
                    db_.exec(kListSealedCredentials, Params().int64(current_key_id).int64(as_limit(limit))));
    std::vector<core::SealedCredentialRef> refs;
    refs.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      refs.push_back(core::SealedCredentialRef{
          rows.text(row, 0), core::SealedValue{static_cast<std::uint32_t>(rows.int64(row, 1)), rows.bytes(row, 2)}});
    }
    return refs;
  });
}

core::Status PgTransaction::replace_credential_seal(std::string_view credential_id, const core::SealedValue& value) {
  return guarded("re-sealing a credential", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kReplaceCredentialSeal,
                                              Params().text(credential_id).int64(value.key_id).bytes(value.blob)));
    if (rows.affected() != 1) return core::make_error(core::Errc::kNotFound, "the credential is gone");
    return core::ok();
  });
}

}  // namespace csms::store::postgres
