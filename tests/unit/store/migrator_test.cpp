// migrator_test.cpp: migrations apply once, newer and foreign databases are refused, connection PRAGMAs hold.
#include "store/sqlite/database.hpp"
#include "store/sqlite/migrator.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "common/unit_env.hpp"

#include <SQLiteCpp/Database.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

using csms::unit::expect_ok;
using csms::unit::TempDir;
namespace sqlite = csms::store::sqlite;

int newest_migration() { return sqlite::embedded_migrations().back().number; }

// Creates a plain SQLite file with the given header fields and one table.
void make_database(const std::filesystem::path& file, int application_id, int user_version, bool with_table) {
  SQLite::Database db(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA application_id=" + std::to_string(application_id));
  db.exec("PRAGMA user_version=" + std::to_string(user_version));
  if (with_table) db.exec("CREATE TABLE foreign_data (x INTEGER)");
}

TEST_CASE("a database newer than the embedded migrations is refused", "[unit][store][migrator]") {
  TempDir dir;
  const auto file = dir / "vault.db";
  const int application_id = GENERATE(0, sqlite::kApplicationId);
  make_database(file, application_id, newest_migration() + 1, true);
  const auto opened = sqlite::SqliteStore::open(file);
  REQUIRE_FALSE(opened.has_value());
  INFO(opened.error().detail);
  // A csmsd vault from a newer csmsd is "newer"; a non-empty file without our application_id is not ours at all.
  const std::string expected = application_id == sqlite::kApplicationId ? "newer" : "not a csmsd database";
  CHECK(opened.error().detail.find(expected) != std::string::npos);
  // Nothing was changed: the file is refused before any PRAGMA writes to it.
  CHECK(SQLite::Database(file.string(), SQLite::OPEN_READONLY).execAndGet("PRAGMA application_id").getInt() ==
        application_id);
  SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == newest_migration() + 1);
  CHECK_FALSE(db.tableExists("secrets"));
}

TEST_CASE("migrate refuses a newer user_version directly", "[unit][store][migrator]") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA user_version=5");
  const std::vector<sqlite::EmbeddedMigration> migrations{{1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"}};
  const auto report = sqlite::migrate(db, migrations);
  REQUIRE_FALSE(report.has_value());
  CHECK(report.error().detail.find("newer") != std::string::npos);
}

TEST_CASE("migrations apply once, in order, each setting user_version", "[unit][store][migrator]") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  std::vector<sqlite::EmbeddedMigration> migrations{{1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"}};
  auto report = expect_ok(sqlite::migrate(db, migrations));
  CHECK(report.from_version == 0);
  CHECK(report.to_version == 1);
  CHECK(db.tableExists("a"));

  // Re-running is a no-op: CREATE TABLE a would fail if it ran twice.
  report = expect_ok(sqlite::migrate(db, migrations));
  CHECK(report.from_version == 1);
  CHECK(report.to_version == 1);

  migrations.push_back({2, "0002_b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"});
  report = expect_ok(sqlite::migrate(db, migrations));
  CHECK(report.from_version == 1);
  CHECK(report.to_version == 2);
  CHECK(db.tableExists("b"));
  CHECK(db.execAndGet("SELECT count(*) FROM a").getInt() == 1);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == 2);
}

TEST_CASE("a failing migration leaves the previous version intact", "[unit][store][migrator]") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const std::vector<sqlite::EmbeddedMigration> migrations{
      {1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_bad.sql", "CREATE TABLE half (z INTEGER); INSERT INTO no_such_table VALUES (1);"}};
  CHECK_FALSE(sqlite::migrate(db, migrations).has_value());
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == 1);
  CHECK(db.tableExists("a"));
  CHECK_FALSE(db.tableExists("half"));
}

TEST_CASE("re-opening a migrated vault keeps its data and version", "[unit][store][migrator]") {
  TempDir dir;
  const auto file = dir / "vault.db";
  {
    auto store = expect_ok(sqlite::SqliteStore::open(file));
    store->database().exec(
        "INSERT INTO master_key_checks (key_id, check_blob, created_time) VALUES (1, x'00', 1000)");
  }
  auto store = expect_ok(sqlite::SqliteStore::open(file));
  CHECK(store->database().execAndGet("PRAGMA user_version").getInt() == newest_migration());
  CHECK(store->database().execAndGet("SELECT count(*) FROM master_key_checks").getInt() == 1);
  // Migrating again reports nothing to do.
  const auto report = expect_ok(sqlite::migrate(store->database()));
  CHECK(report.from_version == newest_migration());
  CHECK(report.to_version == newest_migration());
}

TEST_CASE("a foreign SQLite file is refused", "[unit][store][migrator]") {
  TempDir dir;
  const auto file = dir / "other.db";
  SECTION("another application_id") {
    make_database(file, 0x12345678, 0, true);
  }
  SECTION("another application_id on an empty database") {
    make_database(file, 0x0badf00d, 0, false);
  }
  SECTION("no application_id, tables, user_version 0") {
    make_database(file, 0, 0, true);
  }
  const auto opened = sqlite::SqliteStore::open(file);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().detail.find("not a csmsd database") != std::string::npos);
  SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
  CHECK_FALSE(db.tableExists("secrets"));
}

TEST_CASE("a file that is not SQLite at all is refused", "[unit][store][migrator]") {
  TempDir dir;
  const auto file = dir / "garbage.db";
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string(4096, 'g');
  }
  CHECK_FALSE(sqlite::SqliteStore::open(file).has_value());
}

TEST_CASE("connection PRAGMAs are in effect after open", "[unit][store][migrator]") {
  TempDir dir;
  auto store = expect_ok(sqlite::SqliteStore::open(dir / "vault.db"));
  auto& db = store->database();
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("PRAGMA synchronous").getInt() == 2);
  CHECK(db.execAndGet("PRAGMA foreign_keys").getInt() == 1);
  CHECK(db.execAndGet("PRAGMA secure_delete").getInt() == 1);
  CHECK(db.execAndGet("PRAGMA trusted_schema").getInt() == 0);
  CHECK(db.execAndGet("PRAGMA busy_timeout").getInt() > 0);
  CHECK(db.execAndGet("PRAGMA application_id").getInt() == sqlite::kApplicationId);
}

}  // namespace
