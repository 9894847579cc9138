// schema_test.cpp: the migrated schema equals the hand-reviewed schema/schema.sql, and user_version is the newest.
#include "store/sqlite/database.hpp"
#include "store/sqlite/migrations_embedded.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "common/unit_env.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#ifndef CSMS_SCHEMA_SQL
#error "CSMS_SCHEMA_SQL must name schema/schema.sql"
#endif

namespace {

using csms::unit::expect_ok;
using SchemaRow = std::tuple<std::string, std::string, std::string, std::string>;

// Runs of whitespace become one space; leading and trailing whitespace go.
std::string collapse(const std::string& sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<SchemaRow> schema_of(SQLite::Database& db) {
  SQLite::Statement query(db,
                          "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' "
                          "ORDER BY type, name");
  std::vector<SchemaRow> rows;
  while (query.executeStep()) {
    rows.emplace_back(query.getColumn(0).getString(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                      collapse(query.getColumn(3).getString()));
  }
  return rows;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("the migrations produce exactly schema/schema.sql", "[unit][store][schema]") {
  csms::unit::TempDir dir;
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  const auto migrated = schema_of(store->database());

  SQLite::Database reference(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  reference.exec(read_text(CSMS_SCHEMA_SQL));
  const auto expected = schema_of(reference);

  REQUIRE_FALSE(expected.empty());
  CHECK(migrated.size() == expected.size());
  for (std::size_t i = 0; i < std::min(migrated.size(), expected.size()); ++i) {
    INFO("migrated: " << std::get<0>(migrated[i]) << " " << std::get<1>(migrated[i]) << "\n  " << std::get<3>(migrated[i]));
    INFO("schema.sql: " << std::get<0>(expected[i]) << " " << std::get<1>(expected[i]) << "\n  " << std::get<3>(expected[i]));
    CHECK(migrated[i] == expected[i]);
  }
  // The tables the store relies on are all there.
  std::vector<std::string> tables;
  for (const auto& row : migrated) {
    if (std::get<0>(row) == "table") tables.push_back(std::get<1>(row));
  }
  CHECK(tables == std::vector<std::string>{"credential_projects", "credentials", "data_keys", "events",
                                           "master_key_checks", "notification_records", "passphrase_kdf",
                                           "rotation_tasks", "secret_event_subscriptions", "secret_tags", "secrets",
                                           "stages", "version_expiry_notices", "versions"});
}

TEST_CASE("user_version is the newest migration and application_id marks the vault", "[unit][store][schema]") {
  const auto& migrations = csms::store::sqlite::embedded_migrations();
  REQUIRE_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    INFO(migrations[i].file_name);
    CHECK(migrations[i].number == static_cast<int>(i) + 1);  // numbered 1, 2, 3 ... without gaps
  }
  csms::unit::TempDir dir;
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  CHECK(store->database().execAndGet("PRAGMA user_version").getInt() == migrations.back().number);
  CHECK(store->database().execAndGet("PRAGMA application_id").getInt() == csms::store::sqlite::kApplicationId);
}

TEST_CASE("schema.sql names the migration it mirrors", "[unit][store][schema]") {
  const std::string text = read_text(CSMS_SCHEMA_SQL);
  const int newest = csms::store::sqlite::embedded_migrations().back().number;
  CHECK(text.find("(user_version " + std::to_string(newest) + ")") != std::string::npos);
}

}  // namespace
