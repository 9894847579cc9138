// csmsctl_backup_test.cpp: whole-vault backup through the daemon while writers write, restore-backup into a new
// data directory, and a fresh daemon on it serving every value acknowledged before the backup began.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ctl_runner.hpp"
#include "harness.hpp"
#include "temp_dir.hpp"

using namespace csms_it;

namespace {

// `count` secrets of 32 KiB of letters each: a vault of several MiB, far more than one chunk of the transfer.
void fill_large(const Daemon& daemon, int count) {
  auto client = daemon.client();
  for (int i = 0; i < count; ++i) create_secret(client, "large-" + std::to_string(i), std::string(32768, static_cast<char>('a' + i % 26)));
}

std::vector<std::string> lines_with(const std::string& text, std::string_view needle) {
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    if (line.find(needle) != std::string::npos) found.push_back(line);
    start = end + 1;
  }
  return found;
}

// Sets a resource's soft limit for the life of this object (children inherit it), then puts it back.
class SoftLimit {
 public:
  SoftLimit(int resource, rlim_t value) : resource_(resource) {
    REQUIRE(::getrlimit(resource_, &saved_) == 0);
    rlimit changed = saved_;
    changed.rlim_cur = value;
    REQUIRE(::setrlimit(resource_, &changed) == 0);
  }
  ~SoftLimit() { ::setrlimit(resource_, &saved_); }
  SoftLimit(const SoftLimit&) = delete;
  SoftLimit& operator=(const SoftLimit&) = delete;

 private:
  int resource_;
  rlimit saved_{};
};

}  // namespace

TEST_CASE("csmsctl: a backup taken under writes restores every acknowledged value", "[integration][csmsctl][sqlite-only]") {
  Daemon source(no_prune());
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> acknowledged;
  {
    auto client = source.client();
    for (int i = 0; i < 20; ++i) {
      const std::string name = unique_name("bk-before");
      create_secret(client, name, "value-" + name);
      acknowledged.emplace_back(name, "value-" + name);
    }
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written_during{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      auto client = source.client();
      for (int i = 0; !stop.load(); ++i) {
        const std::string name = "bk-w" + std::to_string(w) + "-" + std::to_string(i);
        const auto response = client.post(
            secrets_url(), json::serialize(json::object{{"name", name}, {"secret_string", "value-" + name}}));
        if (response.status != 200) continue;
        const std::lock_guard lock(mutex);
        acknowledged.emplace_back(name, "value-" + name);
        written_during.fetch_add(1);
      }
    });
  }
  // Let the writers get going, then copy what was acknowledged before the backup starts.
  REQUIRE(poll_until([&] { return written_during.load() >= 20; }, std::chrono::seconds(30)));
  std::vector<std::pair<std::string, std::string>> before_backup;
  {
    const std::lock_guard lock(mutex);
    before_backup = acknowledged;
  }
  const std::filesystem::path backup_file = source.temp_dir() / "vault.backup";
  const CtlRun backup = ctl(source, {"backup", backup_file.string()});
  const int during_backup = written_during.load();
  REQUIRE(poll_until([&] { return written_during.load() >= during_backup + 20; }, std::chrono::seconds(30)));
  stop = true;
  for (auto& writer : writers) writer.join();
  {
    INFO(backup);
    REQUIRE(backup.status == 0);
    CHECK(contains(backup.err, "master key is NOT in it"));
  }
  struct stat info {};
  REQUIRE(::stat(backup_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  // The copy is sealed: no value is in it in plaintext.
  {
    std::ifstream in(backup_file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(bytes.starts_with(std::string("SQLite format 3\0", 16)));
    CHECK_FALSE(contains(bytes, before_backup.front().second));
  }
  // The daemon's temporary copy is gone from its data directory.
  for (const auto& entry : std::filesystem::directory_iterator(source.data_dir())) {
    CHECK_FALSE(entry.path().filename().string().starts_with(".csmsd-backup-"));
  }
  CHECK(ctl(source, {"backup", backup_file.string()}).status == 2);  // never overwrites

  const std::string key = "file:" + (source.data_dir() / "master.key").string();
  csms_test::TestDaemonOptions options = no_prune();
  options.start = false;
  options.extra_args = {"--master-key", key};
  Daemon restored(options);
  const CtlRun restore = run_ctl({"restore-backup", backup_file.string(), "--data-dir", restored.data_dir().string(),
                                  "--master-key", key});
  {
    INFO(restore);
    REQUIRE(restore.status == 0);
    CHECK(contains(restore.err, "pages copied"));
    CHECK(contains(restore.err, "PRAGMA integrity_check: ok"));
    CHECK(contains(restore.err, "rows verified"));
  }
  // Not into a directory that holds anything.
  const CtlRun again = run_ctl({"restore-backup", backup_file.string(), "--data-dir", restored.data_dir().string(),
                                "--master-key", key});
  INFO(again);
  CHECK(again.status == 2);
  CHECK(contains(again.err, "not empty"));

  restored.start();
  auto client = restored.client();
  for (const auto& [name, value] : before_backup) {
    INFO("secret " << name);
    CHECK(get_string(get_version(client, name, "latest"), "secret_string") ==
          value);
  }
}

TEST_CASE("csmsctl: backup needs an admin of every project, restore-backup the right key", "[integration][csmsctl][sqlite-only]") {
  Daemon daemon;
  const std::string url = "http://127.0.0.1:" + std::to_string(*daemon.process().tcp_port());
  const std::string admin_of_one = daemon.create_token("admin", {std::string(kProject)});
  const std::filesystem::path file = daemon.temp_dir() / "denied.backup";
  const CtlRun denied = run_ctl({"--url", url, "--token", admin_of_one, "backup", file.string()});
  INFO(denied);
  CHECK(denied.status == 4);
  CHECK_FALSE(std::filesystem::exists(file));

  {
    auto client = daemon.client();
    create_secret(client, unique_name("bk-key"), "sealed");
  }
  const std::filesystem::path backup_file = daemon.temp_dir() / "vault.backup";
  REQUIRE(ctl(daemon, {"backup", backup_file.string()}).status == 0);
  // Another vault's key opens nothing in this one: the restore fails and leaves the directory empty again.
  Daemon other;
  csms_test::TempDir target("csmsctl-restore");
  const std::filesystem::path new_dir = target / "vault";
  const CtlRun wrong = run_ctl({"restore-backup", backup_file.string(), "--data-dir", new_dir.string(), "--master-key",
                                "file:" + (other.data_dir() / "master.key").string()});
  INFO(wrong);
  CHECK(wrong.status != 0);
  CHECK(std::filesystem::is_empty(new_dir));
  // Nor from a file that is not a backup.
  const std::filesystem::path junk = target / "junk";
  std::ofstream(junk) << "not a database";
  CHECK(run_ctl({"restore-backup", junk.string(), "--data-dir", (target / "v2").string(), "--master-key",
                 "file:" + (daemon.data_dir() / "master.key").string()})
            .status == 2);
}

TEST_CASE("csmsctl: backup reports progress on stderr as a multi-MiB vault streams in, none with --quiet",
          "[integration][csmsctl][sqlite-only]") {
  Daemon daemon(no_prune());
  fill_large(daemon, 160);  // about 5 MiB
  const std::filesystem::path file = daemon.temp_dir() / "vault.backup";
  const CtlRun run = ctl(daemon, {"backup", file.string()});
  INFO(run);
  REQUIRE(run.status == 0);
  const auto size = std::filesystem::file_size(file);
  REQUIRE(size > 4 * 1024 * 1024);
  // A line each 5% or MiB (whichever is more) of "N of TOTAL bytes (P%)", then the last one saying done.
  const auto progress = lines_with(run.err, " of " + std::to_string(size) + " bytes (");
  CHECK(progress.size() >= 4);
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.front().find("csmsctl: backup: 0 of ") == 0);
  CHECK(progress.back() == "csmsctl: backup: " + std::to_string(size) + " of " + std::to_string(size) +
                               " bytes (100%), done");
  CHECK(contains(run.err, "master key is NOT in it"));
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  const std::filesystem::path quiet_file = daemon.temp_dir() / "quiet.backup";
  const CtlRun quiet = ctl(daemon, {"backup", quiet_file.string(), "--quiet"});
  INFO(quiet);
  REQUIRE(quiet.status == 0);
  CHECK(lines_with(quiet.err, " bytes (").empty());
  CHECK(contains(quiet.err, "master key is NOT in it"));
  CHECK(std::filesystem::file_size(quiet_file) > 4 * 1024 * 1024);
}

TEST_CASE("csmsctl: a backup killed or failing part-way leaves no file at FILE and no copy beside the database",
          "[integration][csmsctl][sqlite-only]") {
  Daemon daemon(no_prune());
  fill_large(daemon, 96);  // about 3 MiB
  const std::filesystem::path directory = daemon.temp_dir() / "backups";
  std::filesystem::create_directory(directory);
  const std::filesystem::path file = directory / "vault.backup";
  // Writes past 1 MiB fail: with SIGXFSZ's default action csmsctl is killed part-way, as by any signal; with the
  // signal ignored (inherited through exec) its write fails with EFBIG and it gives up.
  const bool killed = GENERATE(true, false);
  INFO((killed ? "killed by SIGXFSZ" : "EFBIG"));
  CtlRun run;
  {
    const SoftLimit no_core(RLIMIT_CORE, 0);
    const SoftLimit small_files(RLIMIT_FSIZE, 1024 * 1024);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction saved {};
    if (!killed) ::sigaction(SIGXFSZ, &ignore, &saved);
    run = ctl(daemon, {"backup", file.string()});
    if (!killed) ::sigaction(SIGXFSZ, &saved, nullptr);
  }
  INFO(run);
  if (killed) {
    CHECK(run.status == 128 + SIGXFSZ);
  } else {
    CHECK(run.status == 1);
    CHECK(contains(run.err, "cannot write the backup"));
  }
  CHECK(contains(run.err, "csmsctl: backup: 0 of "));  // it had started receiving
  CHECK(std::filesystem::is_empty(directory));       // neither FILE nor a temporary one
  // The daemon let its copy go with the connection, and takes the next backup.
  for (const auto& entry : std::filesystem::directory_iterator(daemon.data_dir())) {
    CHECK_FALSE(entry.path().filename().string().starts_with(".csmsd-backup-"));
  }
  CHECK(poll_until([&] { return ctl(daemon, {"backup", file.string(), "--quiet"}).status == 0; },
                   std::chrono::seconds(30)));
  CHECK(std::filesystem::file_size(file) > 2 * 1024 * 1024);
}

TEST_CASE("csmsctl: backup of a PostgreSQL vault is refused with a pointer to pg_dump", "[integration][csmsctl][postgres]") {
  Daemon daemon;
  if (!daemon.on_postgres()) {
    WARN("skipped: set CSMSD_TEST_POSTGRES to run csmsd on PostgreSQL");
    return;
  }
  auto client = daemon.client();
  const HttpResponse refused = client.post("/v1/csmsd/backup");
  CHECK_CSMS_ERROR(refused, 400, "CSMS.0003");
  CHECK(get_string(body_object(refused), "error_msg").find("pg_dump") != std::string::npos);
  const std::filesystem::path file = daemon.temp_dir() / "vault.backup";
  const CtlRun run = ctl(daemon, {"backup", file.string()});
  INFO(run);
  CHECK(run.status == 2);
  CHECK(run.err.find("pg_dump") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(file));
}
