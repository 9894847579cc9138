// ceiling_database.cpp: creating and seeding the storage ceiling's database.
#include "ceiling_database.hpp"

#include "ceiling_schema.hpp"
#include "ceiling_sql.hpp"
#include "scenario.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <array>
#include <chrono>
#include <cstdio>

namespace csms_bench {
namespace {

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A UUID-shaped id of the same length as csmsd's random_uuid(), so index pages hold as many rows.
std::string fake_uuid(std::mt19937_64& random) {
  char text[40];
  const std::uint64_t a = random();
  const std::uint64_t b = random();
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffffu, static_cast<unsigned>(a) & 0xfffu,
                static_cast<unsigned>(b >> 48) & 0xfffu, static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return text;
}

}  // namespace

std::vector<std::uint8_t> random_blob(std::mt19937_64& random, std::size_t size) {
  std::vector<std::uint8_t> blob(size);
  for (auto& byte : blob) byte = static_cast<std::uint8_t>(random());
  return blob;
}

std::unique_ptr<SQLite::Database> create_database(const std::filesystem::path& file) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  auto db = std::make_unique<SQLite::Database>(file.string(),
                                               SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=FULL");
  db->exec("PRAGMA foreign_keys=ON");
  db->exec("PRAGMA secure_delete=ON");
  db->exec("PRAGMA trusted_schema=OFF");
  db->exec(kSchemaSql);
  return db;
}

void seed_secrets(SQLite::Database& db, const std::string& project, std::size_t secrets, std::mt19937_64& random) {
  const std::int64_t now = now_millis();
  const std::string kms_key_id = fake_uuid(random);
  SQLite::Transaction transaction(db);
  SQLite::Statement insert_secret(db, sql::kInsertSecret);
  SQLite::Statement insert_version(db, sql::kInsertVersion);
  SQLite::Statement put_stage(db, sql::kPutStage);
  const std::array<std::size_t, 3> values{sizeof("bench-initial-value") - 1, sizeof("bench-value-v2") - 1,
                                          sizeof("bench-value-v3") - 1};
  const std::array<std::pair<const char*, int>, 4> stages{
      {{"SYSCURRENT", 3}, {"SYSPREVIOUS", 2}, {"BENCH-A", 1}, {"BENCH-B", 2}}};
  for (std::size_t i = 0; i < secrets; ++i) {
    insert_secret.reset();
    insert_secret.bind(1, fake_uuid(random));
    insert_secret.bind(2, project);
    insert_secret.bind(3, secret_name(i));
    insert_secret.bind(4, "ENABLED");
    insert_secret.bind(5, kms_key_id);
    insert_secret.bind(6, "");
    insert_secret.bind(7, "COMMON");
    insert_secret.bind(8, 0);
    for (int column : {9, 10, 11}) insert_secret.bind(column);
    insert_secret.bind(12, "0");
    insert_secret.bind(13, static_cast<int64_t>(now));
    insert_secret.bind(14, static_cast<int64_t>(now));
    for (int column : {15, 16, 17}) insert_secret.bind(column);
    insert_secret.bind(18, 3);
    insert_secret.exec();
    const std::int64_t row = db.getLastInsertRowid();
    for (int number = 1; number <= 3; ++number) {
      const auto blob = random_blob(random, sealed_size(values[static_cast<std::size_t>(number - 1)]));
      insert_version.reset();
      insert_version.bind(1, static_cast<int64_t>(row));
      insert_version.bind(2, number);
      insert_version.bind(3, static_cast<int64_t>(now));
      insert_version.bind(4);
      insert_version.bind(5, kms_key_id);
      insert_version.bind(6);
      insert_version.bind(7, 1);
      insert_version.bind(8, blob.data(), static_cast<int>(blob.size()));
      insert_version.exec();
    }
    for (const auto& [name, number] : stages) {
      put_stage.reset();
      put_stage.bind(1, static_cast<int64_t>(row));
      put_stage.bind(2, name);
      put_stage.bind(3, number);
      put_stage.bind(4, static_cast<int64_t>(now));
      put_stage.exec();
    }
  }
  transaction.commit();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace csms_bench
