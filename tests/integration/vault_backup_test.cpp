// vault_backup_test.cpp: POST /v1/csmsd/backup on a vault of many MiB: streamed in chunks from an unnamed copy, other
// requests on the same I/O thread answered meanwhile, one backup at a time, memory not growing with the vault.
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "address_sanitizer.hpp"
#include "ctl_runner.hpp"
#include "harness.hpp"
#include "raw_connection.hpp"

using namespace csms_it;

namespace {

constexpr std::string_view kBackupRequest =
    "POST /v1/csmsd/backup HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n";
constexpr std::size_t kMiB = 1024 * 1024;

// A 32768-character value (the largest secret_string) that differs per secret.
std::string large_value(int seed) {
  std::string value(32768, 'a');
  std::uint32_t state = static_cast<std::uint32_t>(seed) * 2654435761u + 1;
  for (char& c : value) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>('a' + (state >> 16) % 26);
  }
  return value;
}

// About `count` x 32 KiB of sealed values, written by a few clients at once so group commit keeps it quick.
// Returns the names, each holding large_value(its index).
std::vector<std::string> fill_vault(const Daemon& daemon, int count) {
  std::vector<std::string> names(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) names[static_cast<std::size_t>(i)] = "bulk-" + std::to_string(i);
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      auto client = daemon.client();
      for (int i = next++; i < count; i = next++) {
        const auto response = client.post(
            secrets_url(), json::serialize(json::object{{"name", names[static_cast<std::size_t>(i)]},
                                                        {"secret_string", large_value(i)}}));
        if (response.status != 200) ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  REQUIRE(failures.load() == 0);
  return names;
}

// Peak resident memory of a process so far (VmHWM), in KiB.
long peak_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  FAIL("no VmHWM in /proc/" << pid << "/status");
  return 0;
}

struct BackupHead {
  std::size_t header_bytes = 0;  ///< up to and including the blank line
  std::size_t content_length = 0;
  std::string head;
};

// The head of a raw 200 backup answer at the start of `received`, once it is all there.
std::optional<BackupHead> parse_head(std::string_view received) {
  const std::size_t end = received.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  BackupHead head;
  head.header_bytes = end + 4;
  head.head = std::string(received.substr(0, end));
  std::string lower = head.head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t at = lower.find("content-length: ");
  if (at == std::string::npos) return std::nullopt;
  head.content_length = std::stoull(lower.substr(at + 16));
  return head;
}

bool has_backup_leftovers(const std::filesystem::path& directory) {
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().filename().string().starts_with(".csmsd-backup-")) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a whole-vault backup streams while the same I/O thread answers, one at a time, in bounded memory",
          "[integration][backup][vault-backup][sqlite-only]") {
  csms_test::TestDaemonOptions options = no_prune();
  // One thread serves every connection: a backup that held it would hold up every other request.
  options.extra_args = {"--threads", "1"};
  Daemon daemon(options);
  const std::vector<std::string> names = fill_vault(daemon, 640);  // about 20 MiB of sealed values
  const long peak_before = peak_rss_kib(daemon.process().pid());

  csms_test::RawConnection backup(daemon.unix_endpoint());
  backup.send(kBackupRequest);
  // The head and the first chunks, then stop reading: the daemon can only push what the socket buffers hold.
  std::string received = backup.receive_until(
      [](std::string_view so_far) {
        const auto head = parse_head(so_far);
        return head && so_far.size() >= head->header_bytes + 64 * 1024;
      },
      std::chrono::seconds(60));
  const std::optional<BackupHead> head = parse_head(received);
  REQUIRE(head);
  INFO("backup answer head: " << head->head);
  REQUIRE(head->head.starts_with("HTTP/1.1 200"));
  CHECK(head->head.find("application/vnd.sqlite3") != std::string::npos);
  REQUIRE(head->content_length > 16 * kMiB);
  const std::size_t total = head->header_bytes + head->content_length;
  REQUIRE(received.size() < total);

  {
    // Mid-stream, on other connections served by the same (only) thread: an ordinary read is answered, and a
    // second backup is refused while the first still holds the slot.
    auto client = daemon.client();
    const auto value = get_version(client, names[7], "latest");
    CHECK(get_string(value, "secret_string") == large_value(7));
    CHECK_CSMS_ERROR(client.post("/v1/csmsd/backup"), 409, "CSMS.0003");
    // The copy being sent has no name in the data directory any more.
    CHECK_FALSE(has_backup_leftovers(daemon.data_dir()));
  }
  // Only now is the rest read: everything above happened while this answer was still streaming.
  received += backup.receive_until([&](std::string_view so_far) { return received.size() + so_far.size() >= total; },
                                   std::chrono::seconds(60));
  REQUIRE(received.size() == total);
  const std::string body = received.substr(head->header_bytes);
  CHECK(body.starts_with(std::string("SQLite format 3\0", 16)));
  CHECK(body.find(large_value(7)) == std::string::npos);  // values stay sealed

  const long peak_after = peak_rss_kib(daemon.process().pid());
  INFO("VmHWM " << peak_before << " KiB before, " << peak_after << " KiB after a backup of "
                << head->content_length / 1024 << " KiB");
#if CSMS_UNDER_ADDRESS_SANITIZER
  WARN("peak RSS growth not checked under AddressSanitizer (" << peak_after - peak_before << " KiB)");
#else
  // Holding the copy in memory would add its whole size; a chunk and SQLite's page caches are far below half.
  CHECK(static_cast<std::size_t>(peak_after - peak_before) < head->content_length / 1024 / 2);
#endif

  // The slot is free once the answer is sent: another backup is taken.
  auto client = daemon.client();
  CHECK(poll_until([&] { return client.post("/v1/csmsd/backup").status == 200; }, std::chrono::seconds(30)));
  CHECK_FALSE(has_backup_leftovers(daemon.data_dir()));

  // The streamed copy is the vault: it restores and every value opens with the master key.
  const std::filesystem::path file = daemon.temp_dir() / "streamed.backup";
  std::ofstream(file, std::ios::binary).write(body.data(), static_cast<std::streamsize>(body.size()));
  const std::string key = "file:" + (daemon.data_dir() / "master.key").string();
  const CtlRun restore =
      run_ctl({"restore-backup", file.string(), "--data-dir", (daemon.temp_dir() / "restored").string(),
               "--master-key", key});
  INFO(restore);
  CHECK(restore.status == 0);
  CHECK(contains(restore.err, "640 versions"));
}

TEST_CASE("a backup whose client goes away mid-stream frees the slot and leaves nothing in the data directory",
          "[integration][backup][vault-backup][sqlite-only]") {
  Daemon daemon(no_prune());
  fill_vault(daemon, 128);  // about 4 MiB, more than the socket buffers hold
  {
    csms_test::RawConnection backup(daemon.unix_endpoint());
    backup.send(kBackupRequest);
    const std::string received = backup.receive_until(
        [](std::string_view so_far) { return so_far.size() >= 128 * 1024; }, std::chrono::seconds(60));
    REQUIRE(received.starts_with("HTTP/1.1 200"));
  }  // closed with most of the answer unread
  auto client = daemon.client();
  CHECK(poll_until([&] { return client.post("/v1/csmsd/backup").status == 200; }, std::chrono::seconds(30)));
  CHECK_FALSE(has_backup_leftovers(daemon.data_dir()));
  // The daemon is still serving.
  CHECK(get_string(get_version(client, "bulk-3", "latest"), "secret_string") == large_value(3));
}
