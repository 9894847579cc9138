// pg_test_database.cpp: CREATE DATABASE / DROP DATABASE on the test cluster through libpq.
#include "pg_test_database.hpp"

#include <libpq-fe.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace csms_test {
namespace {

std::atomic<int> next_database{0};

void ignore_notice(void*, const char*) {}

void run_on_cluster(const std::string& cluster, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(cluster.c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot reach the test PostgreSQL cluster: " + std::string(PQerrorMessage(connection.get())));
  }
  PQsetNoticeProcessor(connection.get(), ignore_notice, nullptr);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQresultErrorMessage(result.get()));
  }
}

// The cluster's connection options with dbname replaced, as a key=value string.
std::string with_database(const std::string& cluster, const std::string& database) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(cluster.c_str(), &error),
                                                                      &PQconninfoFree);
  if (!options) {
    std::string message = error != nullptr ? error : "unparsable";
    PQfreemem(error);
    throw std::runtime_error("CSMSD_TEST_POSTGRES is not a libpq connection string: " + message);
  }
  std::string conninfo;
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    const std::string keyword = option->keyword;
    if (keyword == "dbname" || option->val == nullptr) continue;
    std::string value;
    for (char c : std::string(option->val)) {
      if (c == '\'' || c == '\\') value.push_back('\\');
      value.push_back(c);
    }
    conninfo += keyword + "='" + value + "' ";
  }
  return conninfo + "dbname='" + database + "'";
}

}  // namespace

std::optional<std::string> PgTestDatabase::cluster() {
  const char* value = std::getenv("CSMSD_TEST_POSTGRES");
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

PgTestDatabase::PgTestDatabase() {
  auto configured = cluster();
  if (!configured) throw std::runtime_error("CSMSD_TEST_POSTGRES is not set");
  cluster_ = *configured;
  name_ = "csmsd_t_" + std::to_string(::getpid()) + "_" + std::to_string(next_database.fetch_add(1));
  run_on_cluster(cluster_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  run_on_cluster(cluster_, "CREATE DATABASE " + name_);
  conninfo_ = with_database(cluster_, name_);
}

void PgTestDatabase::execute(const std::string& sql) const { run_on_cluster(conninfo_, sql); }

PgTestDatabase::~PgTestDatabase() {
  try {
    run_on_cluster(cluster_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // A database left behind is removed with the throw-away cluster.
  }
}

}  // namespace csms_test
