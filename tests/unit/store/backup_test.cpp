// backup_test.cpp: whole-database copies: one consistent snapshot while another connection commits between steps,
// the integrity check, and SqliteStore::snapshot leaving no temporary file behind.
#include "store/sqlite/backup.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "common/store_rows.hpp"
#include "common/unit_env.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace {

using csms::store::TransactionMode;
using csms::unit::expect_ok;
using csms::unit::make_secret;
const std::string kProject(csms::unit::kProject);

// Enough rows (with long descriptions) for the copy to take several steps of 256 pages.
void fill(csms::store::Store& store, int secrets) {
  auto txn = expect_ok(store.begin(TransactionMode::kWrite));
  for (int i = 0; i < secrets; ++i) {
    auto secret = make_secret("s" + std::to_string(i));
    secret.description = std::string(1500, static_cast<char>('a' + i % 26));
    expect_ok(txn->insert_secret(secret));
  }
  expect_ok(txn->commit());
}

bool has_secret(const std::filesystem::path& file, const std::string& name) {
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(file));
  auto txn = expect_ok(store->begin(TransactionMode::kRead));
  return expect_ok(txn->find_secret(kProject, name)).has_value();
}

}  // namespace

TEST_CASE("copy_database copies the state of its start while commits land between its steps", "[store][backup]") {
  csms::unit::TempDir dir;
  const auto source = dir / "vault.db";
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(source));
  fill(*store, 2000);

  int calls = 0;
  bool committed_midway = false;
  const auto copied = expect_ok(csms::store::sqlite::copy_database(
      source, dir / "copy.db", [&](const csms::store::sqlite::CopyProgress& progress) {
        ++calls;
        CHECK(progress.pages_copied <= progress.pages_total);
        if (calls == 1 && progress.pages_copied < progress.pages_total) {
          // The daemon's writer commits while the copy is half done.
          auto txn = expect_ok(store->begin(TransactionMode::kWrite));
          expect_ok(txn->insert_secret(make_secret("late")));
          expect_ok(txn->delete_secret(expect_ok(txn->find_secret(kProject, "s0"))->row_id));
          expect_ok(txn->commit());
          committed_midway = true;
        }
      }));
  REQUIRE(committed_midway);
  CHECK(calls > 1);
  CHECK(copied.pages_copied == copied.pages_total);
  expect_ok(csms::store::sqlite::check_integrity(dir / "copy.db"));
  // Exactly the state when the copy began: neither the insert nor the delete committed midway.
  CHECK_FALSE(has_secret(dir / "copy.db", "late"));
  CHECK(has_secret(dir / "copy.db", "s0"));
  CHECK(has_secret(dir / "copy.db", "s1999"));

  // A copy taken afterwards has both.
  expect_ok(csms::store::sqlite::copy_database(source, dir / "copy2.db"));
  CHECK(has_secret(dir / "copy2.db", "late"));
  CHECK_FALSE(has_secret(dir / "copy2.db", "s0"));
}

TEST_CASE("check_integrity refuses a damaged database", "[store][backup]") {
  csms::unit::TempDir dir;
  {
    auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
    fill(*store, 300);
  }
  expect_ok(csms::store::sqlite::copy_database(dir / "vault.db", dir / "copy.db"));
  expect_ok(csms::store::sqlite::check_integrity(dir / "copy.db"));
  {
    // Overwrite a page in the middle of the file with garbage.
    std::fstream file(dir / "copy.db", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(dir / "copy.db") / 2));
    const std::string garbage(4096, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto damaged = csms::store::sqlite::check_integrity(dir / "copy.db");
  REQUIRE_FALSE(damaged.has_value());
  CHECK(damaged.error().detail.find("integrity_check") != std::string::npos);
}

TEST_CASE("SqliteStore::snapshot answers the database as an open file with no name left behind", "[store][backup]") {
  csms::unit::TempDir dir;
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  fill(*store, 10);
  auto snapshot = expect_ok(store->snapshot());
  CHECK(snapshot.pages > 0);
  REQUIRE(snapshot.file);
  // The name is gone while the copy is still open: nothing to clean up however its reader ends.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK_FALSE(entry.path().filename().string().starts_with(".csmsd-backup-"));
  }
  std::string bytes(snapshot.size, '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t n = ::pread(snapshot.file.get(), bytes.data() + filled, bytes.size() - filled,
                              static_cast<off_t>(filled));
    REQUIRE(n > 0);
    filled += static_cast<std::size_t>(n);
  }
  CHECK(::pread(snapshot.file.get(), bytes.data(), 1, static_cast<off_t>(bytes.size())) == 0);  // exactly `size`
  CHECK(bytes.starts_with(std::string_view("SQLite format 3\0", 16)));
  std::ofstream(dir / "snap.db", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  expect_ok(csms::store::sqlite::check_integrity(dir / "snap.db"));
  CHECK(has_secret(dir / "snap.db", "s9"));
}

TEST_CASE("remove_leftover_snapshots removes the copies a dead daemon left and nothing else", "[store][backup]") {
  csms::unit::TempDir dir;
  std::ofstream(dir / ".csmsd-backup-AbC123") << "half a copy";
  std::ofstream(dir / ".csmsd-backup-AbC123-journal") << "its journal";
  std::ofstream(dir / "csmsd.db") << "the vault";
  csms::store::sqlite::remove_leftover_snapshots(dir.path());
  CHECK_FALSE(std::filesystem::exists(dir / ".csmsd-backup-AbC123"));
  CHECK_FALSE(std::filesystem::exists(dir / ".csmsd-backup-AbC123-journal"));
  CHECK(std::filesystem::exists(dir / "csmsd.db"));
}
