// credential_migration_test.cpp: migration 0007 (the metrics role) rebuilds credentials without losing a row.
#include "store/sqlite/database.hpp"
#include "store/sqlite/migrator.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "common/unit_env.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <vector>

namespace {

namespace sqlite = csms::store::sqlite;
using csms::core::Role;
using csms::store::TransactionMode;
using csms::unit::expect_ok;
using csms::unit::TempDir;

const std::string P = "0123456789abcdef0123456789abcdef";
const std::string Q = "fedcba9876543210fedcba9876543210";

const std::string kReaderId = "11111111-1111-4111-8111-111111111111";
const std::string kWriterId = "22222222-2222-4222-8222-222222222222";
const std::string kAdminId = "33333333-3333-4333-8333-333333333333";

// Every column, blobs as hex and with each value's storage class, so a changed type shows as well as a changed value.
constexpr const char* kCredentialRows =
    "SELECT id, kind, access_key, key_id, hex(sealed_secret), hex(token_hash), role, description, create_time, "
    "typeof(access_key), typeof(key_id), typeof(sealed_secret), typeof(token_hash), typeof(create_time) "
    "FROM credentials ORDER BY id";
constexpr const char* kProjectRows =
    "SELECT credential_id, project_id FROM credential_projects ORDER BY credential_id, project_id";

std::vector<std::string> rows_of(SQLite::Database& db, const char* sql) {
  SQLite::Statement query(db, sql);
  std::vector<std::string> rows;
  while (query.executeStep()) {
    std::string row;
    for (int i = 0; i < query.getColumnCount(); ++i) {
      row += query.getColumn(i).isNull() ? std::string("NULL") : query.getColumn(i).getString();
      row += '|';
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<sqlite::EmbeddedMigration> migrations_up_to(int number) {
  std::vector<sqlite::EmbeddedMigration> chosen;
  for (const auto& migration : sqlite::embedded_migrations()) {
    if (migration.number <= number) chosen.push_back(migration);
  }
  return chosen;
}

struct Before {
  std::vector<std::string> credentials;
  std::vector<std::string> projects;
};

// A vault as csmsd left it at schema version 6: a reader access key on two projects, a writer token on one and an
// admin token on every project. Returns its rows as they were.
Before make_version_6_vault(const std::filesystem::path& file) {
  auto db = expect_ok(sqlite::open_database(file, sqlite::embedded_migrations().back().number));
  const auto report = expect_ok(sqlite::migrate(*db, migrations_up_to(6)));
  REQUIRE(report.to_version == 6);
  db->exec(
      "INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, token_hash, role, description, "
      "create_time) VALUES "
      "('" + kReaderId + "', 'access_key', 'CSMSREADERKEY0000001', 1, x'01a2b3c4d5e6f708', NULL, 'reader', "
      "'ci read', 1000), "
      "('" + kWriterId + "', 'token', NULL, NULL, NULL, x'00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff', "
      "'writer', 'deploy', 2000), "
      "('" + kAdminId + "', 'token', NULL, NULL, NULL, x'abababababababababababababababababababababababababababababababab', "
      "'admin', '', 3000)");
  db->exec("INSERT INTO credential_projects (credential_id, project_id) VALUES "
           "('" + kReaderId + "', '" + P + "'), ('" + kReaderId + "', '" + Q + "'), "
           "('" + kWriterId + "', '" + Q + "'), ('" + kAdminId + "', '*')");
  Before before{rows_of(*db, kCredentialRows), rows_of(*db, kProjectRows)};
  REQUIRE(before.credentials.size() == 3);
  REQUIRE(before.projects.size() == 4);
  return before;
}

TEST_CASE("migration 0007 keeps every credential of a version 6 vault and its projects", "[unit][store][migrator]") {
  TempDir dir;
  const auto file = dir / "vault.db";
  const Before before = make_version_6_vault(file);

  auto store = expect_ok(sqlite::SqliteStore::open(file));
  auto& db = store->database();
  REQUIRE(db.execAndGet("PRAGMA user_version").getInt() >= 7);
  CHECK(rows_of(db, kCredentialRows) == before.credentials);
  CHECK(rows_of(db, kProjectRows) == before.projects);
  // Nothing dangles, nothing is damaged, and the scratch tables are gone.
  CHECK(rows_of(db, "PRAGMA foreign_key_check").empty());
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK_FALSE(db.tableExists("credentials_saved_0007"));
  CHECK_FALSE(db.tableExists("credential_projects_saved_0007"));
  CHECK(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'credentials_by_key_id'")
            .getInt() == 1);

  // The store reads them as before: roles and projects.
  auto txn = expect_ok(store->begin(TransactionMode::kRead));
  const auto reader = expect_ok(txn->find_credential_by_access_key("CSMSREADERKEY0000001"));
  REQUIRE(reader.has_value());
  CHECK(reader->id == kReaderId);
  CHECK(reader->role == Role::kReader);
  CHECK(reader->projects == std::vector<std::string>{P, Q});
  REQUIRE(reader->sealed_secret.has_value());
  CHECK(reader->sealed_secret->key_id == 1);
  const auto writer = expect_ok(txn->find_credential(kWriterId));
  REQUIRE(writer.has_value());
  CHECK(writer->role == Role::kWriter);
  CHECK(writer->projects == std::vector<std::string>{Q});
  const auto admin = expect_ok(txn->find_credential(kAdminId));
  REQUIRE(admin.has_value());
  CHECK(admin->role == Role::kAdmin);
  CHECK(admin->projects == std::vector<std::string>{"*"});
}

TEST_CASE("after migration 0007 the rebuilt credentials keep their constraints and cascade", "[unit][store][migrator]") {
  TempDir dir;
  const auto file = dir / "vault.db";
  make_version_6_vault(file);
  auto store = expect_ok(sqlite::SqliteStore::open(file));
  auto& db = store->database();

  SECTION("revoking a credential still deletes its project rows, and only its own") {
    auto txn = expect_ok(store->begin(TransactionMode::kWrite));
    expect_ok(txn->delete_credential(kReaderId));
    expect_ok(txn->commit());
    CHECK(db.execAndGet("SELECT count(*) FROM credential_projects WHERE credential_id = '" + kReaderId + "'")
              .getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM credential_projects").getInt() == 2);
    CHECK(db.execAndGet("SELECT count(*) FROM credentials").getInt() == 2);
  }
  SECTION("a project row for no credential is refused") {
    CHECK_THROWS(db.exec("INSERT INTO credential_projects (credential_id, project_id) VALUES "
                         "('44444444-4444-4444-8444-444444444444', '" + P + "')"));
  }
  SECTION("access keys and token hashes stay unique") {
    CHECK_THROWS(db.exec(
        "INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, token_hash, role, description, "
        "create_time) VALUES ('55555555-5555-4555-8555-555555555555', 'access_key', 'CSMSREADERKEY0000001', 1, "
        "x'00', NULL, 'reader', '', 1)"));
    CHECK_THROWS(db.exec(
        "INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, token_hash, role, description, "
        "create_time) VALUES ('55555555-5555-4555-8555-555555555555', 'token', NULL, NULL, NULL, "
        "x'abababababababababababababababababababababababababababababababab', 'admin', '', 1)"));
  }
  SECTION("the role is checked: metrics is a role now, anything else is still refused") {
    db.exec("INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, token_hash, role, description, "
            "create_time) VALUES ('66666666-6666-4666-8666-666666666666', 'token', NULL, NULL, NULL, x'01', "
            "'metrics', 'scraper', 1)");
    CHECK_THROWS(db.exec(
        "INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, token_hash, role, description, "
        "create_time) VALUES ('77777777-7777-4777-8777-777777777777', 'token', NULL, NULL, NULL, x'02', "
        "'superuser', '', 1)"));
  }
}

TEST_CASE("a metrics credential is stored and read back with its role", "[unit][store]") {
  TempDir dir;
  auto store = expect_ok(sqlite::SqliteStore::open(dir / "vault.db"));
  csms::core::Credential credential;
  credential.id = "88888888-8888-4888-8888-888888888888";
  credential.kind = csms::core::CredentialKind::kToken;
  credential.token_hash = std::vector<std::uint8_t>(32, 0x5a);
  credential.role = Role::kMetrics;
  credential.projects = {"*"};
  credential.description = "prometheus";
  credential.create_time = 4000;
  {
    auto txn = expect_ok(store->begin(TransactionMode::kWrite));
    expect_ok(txn->insert_credential(credential));
    expect_ok(txn->commit());
  }
  auto txn = expect_ok(store->begin(TransactionMode::kRead));
  const auto found = expect_ok(txn->find_credential_by_token_hash(credential.token_hash));
  REQUIRE(found.has_value());
  CHECK(found->role == Role::kMetrics);
  CHECK(found->projects == std::vector<std::string>{"*"});
  CHECK(store->database().execAndGet("SELECT role FROM credentials").getString() == "metrics");
}

}  // namespace
