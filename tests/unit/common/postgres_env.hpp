// postgres_env.hpp: a fresh PostgreSQL database per test when CSMSD_TEST_POSTGRES names a cluster, dropped afterwards.
#pragma once

#include "store/postgres/pg_connection.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include <unistd.h>

namespace csms::unit {

/// `conninfo` (a postgres:// URI or a libpq key=value string) pointed at database `name` instead of its own.
inline std::string with_database(const std::string& conninfo, const std::string& name) {
  for (const std::string scheme : {"postgresql://", "postgres://"}) {
    if (conninfo.rfind(scheme, 0) != 0) continue;
    const std::size_t authority_end = conninfo.find_first_of("/?", scheme.size());
    if (authority_end == std::string::npos) return conninfo + "/" + name;
    if (conninfo[authority_end] == '?') {
      return conninfo.substr(0, authority_end) + "/" + name + conninfo.substr(authority_end);
    }
    const std::size_t path_end = conninfo.find('?', authority_end);
    return conninfo.substr(0, authority_end) + "/" + name +
           (path_end == std::string::npos ? std::string() : conninfo.substr(path_end));
  }
  // In a key=value string the last setting of a keyword wins.
  return conninfo + " dbname=" + name;
}

/// A database of its own (csmsd_t_<pid>_<counter>) on the cluster CSMSD_TEST_POSTGRES names, created empty and
/// dropped (with whatever still connects to it) when the object dies. Every store on it must be closed first only
/// for tidiness: the drop forces them out.
class TestDatabase {
 public:
  /// nullptr, after a WARN that says so, when CSMSD_TEST_POSTGRES is unset: the PostgreSQL half is skipped loudly.
  static std::unique_ptr<TestDatabase> create() {
    const char* admin_uri = std::getenv("CSMSD_TEST_POSTGRES");
    if (admin_uri == nullptr || *admin_uri == '\0') {
      WARN("CSMSD_TEST_POSTGRES is not set: the PostgreSQL store is not tested here");
      return nullptr;
    }
    static std::atomic<int> counter{0};
    auto database = std::unique_ptr<TestDatabase>(new TestDatabase(admin_uri));
    database->name_ = "csmsd_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    auto admin = store::postgres::Connection::open(database->admin_uri_);
    if (!admin) FAIL("cannot reach CSMSD_TEST_POSTGRES: " << admin.error().detail);
    const auto created = (*admin)->exec_script("CREATE DATABASE " + database->name_);
    if (!created) FAIL("CREATE DATABASE failed: " << created.error().detail);
    database->created_ = true;
    return database;
  }

  ~TestDatabase() {
    if (!created_) return;
    auto admin = store::postgres::Connection::open(admin_uri_);
    if (admin) (void)(*admin)->exec_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  /// The connection string of this database.
  std::string conninfo() const { return with_database(admin_uri_, name_); }

 private:
  explicit TestDatabase(std::string admin_uri) : admin_uri_(std::move(admin_uri)) {}

  std::string admin_uri_;
  std::string name_;
  bool created_ = false;
};

}  // namespace csms::unit
