// storage_faults_test.cpp: a full disk, a read-only or locked database, a lost master key and a corrupted row.
#include <SQLiteCpp/SQLiteCpp.h>

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "harness.hpp"

using namespace csms_it;

namespace {

/// A size-limited tmpfs mounted on a directory for the test's lifetime (needs CAP_SYS_ADMIN: root in CI).
class TmpfsMount {
 public:
  TmpfsMount(std::filesystem::path where, std::string_view size) : where_(std::move(where)) {
    std::filesystem::create_directories(where_);
    const std::string options = "size=" + std::string(size) + ",mode=0700";
    if (::mount("tmpfs", where_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  ~TmpfsMount() {
    // Detached, not unmounted: a daemon that is still running may hold files open on it.
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  bool remount_read_only() {
    return ::mount("tmpfs", where_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) == 0;
  }

 private:
  std::filesystem::path where_;
  bool mounted_ = false;
  std::string error_;
};

std::uint64_t free_bytes(const std::filesystem::path& dir) {
  struct statvfs info {};
  REQUIRE(::statvfs(dir.c_str(), &info) == 0);
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

/// Fills `file` with `bytes` zero bytes written for real (tmpfs has no holes to cheat with).
void write_ballast(const std::filesystem::path& file, std::uint64_t bytes) {
  std::ofstream out(file, std::ios::binary);
  const std::string chunk(64 * 1024, '\0');
  for (std::uint64_t written = 0; written < bytes && out; written += chunk.size()) {
    out.write(chunk.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(chunk.size(), bytes - written)));
  }
}

/// A distinct value of `size` printable characters.
std::string value_of(std::size_t size, int seed) {
  std::string value(size, 'a');
  for (std::size_t i = 0; i < size; ++i) value[i] = static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(seed)) % 26);
  return "v" + std::to_string(seed) + "-" + value;
}

std::string integrity_of(const std::filesystem::path& database) {
  SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA integrity_check").getString();
}

csms_test::TestDaemonOptions not_started() {
  auto options = no_prune();
  options.start = false;
  return options;
}

}  // namespace

TEST_CASE("a full disk fails writes with 500 CSMS.0001, reads go on, and writes resume once space is freed",
          "[integration][faults][sqlite-only]") {
  Daemon daemon(not_started());
  TmpfsMount disk(daemon.data_dir(), "16m");
  if (!disk.mounted()) {
    WARN("not tested here: cannot mount a size-limited tmpfs (" << disk.error() << "); CI runs as root and can");
    return;
  }
  daemon.start();
  auto client = daemon.client();
  const std::string name = unique_name("full");
  std::map<std::string, std::string> acknowledged;  // version id -> value
  create_secret(client, name, "first");
  acknowledged["v1"] = "first";

  // Leave a little room, then write 20 KiB values until the disk says no.
  const auto ballast = daemon.data_dir() / "ballast";
  write_ballast(ballast, free_bytes(daemon.data_dir()) - 512 * 1024);
  HttpResponse refused;
  for (int i = 0; i < 200; ++i) {
    const std::string value = value_of(20000, i);
    const HttpResponse r = client.post_json(versions_url(name), json::object{{"secret_string", value}});
    if (r.status != 200) {
      refused = r;
      break;
    }
    acknowledged[std::string(r.json().at("version_metadata").at("id").as_string())] = value;
  }
  CHECK_CSMS_ERROR(refused, 500, "CSMS.0001");
  CHECK(get_string(body_object(refused), "error_msg").find("full") != std::string::npos);
  INFO(acknowledged.size() << " versions acknowledged before the disk filled");

  // Reads keep working and return exactly what was acknowledged (the version cap keeps the newest 20).
  const std::string newest = vid(static_cast<int>(acknowledged.size()));
  CHECK(get_version(client, name, "latest").at("secret_string").as_string() == acknowledged.at(newest));
  CHECK(get_version(client, name, "v1").at("secret_string").as_string() == "first");
  CHECK_STATUS(client.get(secrets_url()), 200);
  // Near the limit a write may still fit now and then (SQLite reuses what a failed transaction freed), but a refused
  // one leaves nothing behind.
  std::string refused_name;
  for (int i = 0; i < 50 && refused_name.empty(); ++i) {
    const std::string candidate = unique_name("more");
    const HttpResponse r =
        client.post_json(secrets_url(), json::object{{"name", candidate}, {"secret_string", value_of(20000, -i)}});
    if (r.status != 200) {
      CHECK_CSMS_ERROR(r, 500, "CSMS.0001");
      refused_name = candidate;
    }
  }
  REQUIRE_FALSE(refused_name.empty());
  CHECK_STATUS(client.get(secret_url(refused_name)), 404);

  std::filesystem::remove(ballast);
  const HttpResponse resumed = client.post_json(versions_url(name), json::object{{"secret_string", "after"}});
  REQUIRE_STATUS(resumed, 200);
  acknowledged[std::string(resumed.json().at("version_metadata").at("id").as_string())] = "after";

  REQUIRE(daemon.stop() == 0);
  CHECK(integrity_of(daemon.data_dir() / "csmsd.db") == "ok");
  daemon.start();
  auto again = daemon.client();
  for (const auto& [version, value] : acknowledged) {
    const HttpResponse r = again.get(version_url(name, version));
    if (r.status == 404) continue;  // capped away: a secret keeps its 20 newest versions
    REQUIRE_STATUS(r, 200);
    CHECK(r.json().at("version").at("secret_string").as_string() == value);
  }
  CHECK(get_version(again, name, "latest").at("secret_string").as_string() == "after");
}

TEST_CASE("a read-only data directory stops the daemon at start with a clear message", "[integration][faults][sqlite-only]") {
  Daemon daemon(not_started());
  TmpfsMount disk(daemon.data_dir(), "16m");
  if (!disk.mounted()) {
    WARN("not tested here: cannot mount a tmpfs (" << disk.error() << ")");
    return;
  }
  daemon.start();
  {
    auto client = daemon.client();
    create_secret(client, unique_name("ro"), "kept");
  }
  REQUIRE(daemon.stop() == 0);
  REQUIRE(disk.remount_read_only());
  CHECK_FALSE(daemon.process().try_start());
  CHECK(daemon.process().exit_status() == std::optional<int>(1));
  const std::string log = daemon.log();
  INFO(log);
  CHECK(log.find("Read-only file system") != std::string::npos);
}

TEST_CASE("a database locked by another process fails writes clearly, reads go on, and writes resume",
          "[integration][faults][sqlite-only]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("locked");
  create_secret(client, name, "before");
  {
    // Waits out a write the daemon's background tick may be committing, then holds the lock itself.
    SQLite::Database other((daemon.data_dir() / "csmsd.db").string(), SQLite::OPEN_READWRITE, 10'000);
    other.exec("BEGIN EXCLUSIVE");
    const HttpResponse refused = client.post_json(versions_url(name), json::object{{"secret_string", "blocked"}});
    CHECK_CSMS_ERROR(refused, 500, "CSMS.0001");
    CHECK(get_string(body_object(refused), "error_msg").find("busy") != std::string::npos);
    CHECK(get_version(client, name, "latest").at("secret_string").as_string() == "before");
    other.exec("ROLLBACK");
  }
  create_version(client, name, "after");
  CHECK(get_version(client, name, "latest").at("secret_string").as_string() == "after");
  CHECK(list_all_versions(client, name).size() == 2);  // the refused write left nothing behind
}

TEST_CASE("a missing master key stops the daemon instead of starting an empty key", "[integration][faults]") {
  Daemon daemon(no_prune());
  {
    auto client = daemon.client();
    create_secret(client, unique_name("lost-key"), "sealed");
  }
  REQUIRE(daemon.stop() == 0);
  const auto key = daemon.data_dir() / "master.key";
  const auto saved = daemon.temp_dir() / "master.key.saved";
  std::filesystem::rename(key, saved);
  CHECK_FALSE(daemon.process().try_start());
  CHECK(daemon.process().exit_status() == std::optional<int>(1));
  CHECK_FALSE(std::filesystem::exists(key));  // no new key was made for a vault sealed under another
  const std::string log = daemon.log();
  INFO(log);
  CHECK(log.find("master") != std::string::npos);
  // Putting the key back is all it takes.
  std::filesystem::rename(saved, key);
  daemon.start();
}

TEST_CASE("a corrupted ciphertext fails that one version with a clear error and never returns garbage",
          "[integration][faults][sqlite-only]") {
  Daemon daemon(no_prune());
  const std::string name = unique_name("corrupt");
  {
    auto client = daemon.client();
    create_secret(client, name, "good-one");
    create_version(client, name, "good-two");
    create_version(client, name, "doomed", std::vector<std::string>{"SYSCURRENT"});
  }
  REQUIRE(daemon.stop() == 0);
  {
    SQLite::Database db((daemon.data_dir() / "csmsd.db").string(), SQLite::OPEN_READWRITE);
    const std::string where =
        " WHERE number = 3 AND secret_pk = (SELECT secret_pk FROM secrets WHERE name = '" + name + "')";
    SQLite::Statement read(db, "SELECT sealed_value FROM versions" + where);
    REQUIRE(read.executeStep());
    std::string sealed(static_cast<const char*>(read.getColumn(0).getBlob()),
                       static_cast<std::size_t>(read.getColumn(0).getBytes()));
    sealed[sealed.size() / 2] = static_cast<char>(sealed[sealed.size() / 2] ^ 0x01);  // one bit, mid-ciphertext
    SQLite::Statement write(db, "UPDATE versions SET sealed_value = ?" + where);
    write.bind(1, sealed.data(), static_cast<int>(sealed.size()));
    REQUIRE(write.exec() == 1);
  }
  daemon.start();
  auto client = daemon.client();
  for (const std::string version : {"v3", "latest"}) {
    const HttpResponse r = client.get(version_url(name, version));
    CHECK_CSMS_ERROR(r, 500, "CSMS.0001");
    CHECK(r.body.find("doomed") == std::string::npos);
    CHECK(get_string(body_object(r), "error_msg").find("could not be decrypted") != std::string::npos);
  }
  CHECK(get_version(client, name, "v1").at("secret_string").as_string() == "good-one");
  CHECK(get_version(client, name, "v2").at("secret_string").as_string() == "good-two");
  CHECK(list_all_versions(client, name).size() == 3);  // metadata stays readable
  CHECK(daemon.process().running());
}
