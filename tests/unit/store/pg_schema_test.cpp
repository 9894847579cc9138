// pg_schema_test.cpp: the PostgreSQL migrations produce exactly schema/postgres.sql (columns, constraints, indexes).
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_store.hpp"

#include "common/unit_env.hpp"
#include "pg_test_database.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef CSMS_PG_SCHEMA_SQL
#error "CSMS_PG_SCHEMA_SQL must name schema/postgres.sql"
#endif

namespace {

using csms::store::postgres::Connection;
using csms::unit::expect_ok;

// Everything about the public schema's tables that matters, one line per fact, in a fixed order.
constexpr const char* kDescribe =
    "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || "
    "' default=' || coalesce(column_default, '-') || ' identity=' || is_identity || ' collation=' || "
    "coalesce(collation_name, '-') AS fact FROM information_schema.columns "
    "WHERE table_schema = 'public' AND table_name <> 'csmsd_schema_version' "
    "UNION ALL "
    "SELECT 'constraint ' || conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'csmsd_schema_version' "
    "UNION ALL "
    "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'csmsd_schema_version' "
    "ORDER BY 1";

std::vector<std::string> describe(const std::string& conninfo) {
  auto connection = expect_ok(Connection::open(conninfo));
  auto rows = expect_ok(connection->exec(kDescribe));
  std::vector<std::string> facts;
  for (int row = 0; row < rows.size(); ++row) facts.push_back(rows.text(row, 0));
  return facts;
}

}  // namespace

TEST_CASE("PostgreSQL schema: the migrations produce exactly schema/postgres.sql", "[unit][postgres]") {
  if (!csms_test::PgTestDatabase::cluster()) {
    WARN("CSMSD_TEST_POSTGRES is not set: the PostgreSQL schema test is skipped (scripts/test.sh sets it)");
    return;
  }
  csms_test::PgTestDatabase migrated;
  { auto store = expect_ok(csms::store::postgres::PgStore::open({migrated.conninfo(), 1})); }

  csms_test::PgTestDatabase reviewed;
  std::ifstream file(CSMS_PG_SCHEMA_SQL);
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  {
    auto connection = expect_ok(Connection::open(reviewed.conninfo()));
    (void)expect_ok(connection->exec_script(text.str()));
  }

  const auto from_migrations = describe(migrated.conninfo());
  const auto from_file = describe(reviewed.conninfo());
  CHECK(from_migrations.size() > 100);
  CHECK(from_migrations == from_file);
}
