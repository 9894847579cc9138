// pg_test_database.hpp: a fresh database on the test PostgreSQL cluster (CSMSD_TEST_POSTGRES), dropped afterwards.
#pragma once

#include <optional>
#include <string>

namespace csms_test {

/// Creates `csmsd_t_<pid>_<counter>` on the cluster that CSMSD_TEST_POSTGRES names (a libpq URI or key=value string of
/// a database there, e.g. from scripts/pg-cluster.sh) and drops it, with any sessions still on it, on destruction.
class PgTestDatabase {
 public:
  /// CSMSD_TEST_POSTGRES, or nullopt when the PostgreSQL tests are not enabled.
  static std::optional<std::string> cluster();

  /// Throws std::runtime_error when CSMSD_TEST_POSTGRES is unset or the database cannot be created.
  PgTestDatabase();
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  const std::string& name() const { return name_; }
  /// A libpq key=value connection string for this database (what `csmsd --store` takes).
  const std::string& conninfo() const { return conninfo_; }

  /// Runs one SQL statement on this database, for a test that must change rows behind the daemons' back (e.g. move
  /// a scheduled deletion into the past). Throws std::runtime_error when it fails.
  void execute(const std::string& sql) const;

 private:
  std::string cluster_;
  std::string name_;
  std::string conninfo_;
};

}  // namespace csms_test
