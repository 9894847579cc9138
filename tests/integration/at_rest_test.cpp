// at_rest_test.cpp: secret values never reach the data directory (or the log) in plaintext; key file permissions.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "harness.hpp"
#include "temp_dir.hpp"

using namespace csms_it;

namespace {

std::string random_hex(std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::random_device rd;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += digits[rd() % 16];
  return out;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The standard base64 of `bytes` (with padding).
std::string base64(const std::string& bytes) {
  static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {table[v >> 18], table[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
  }
  return out;
}

// "<file> contains <needle>" for every regular file under `dir` holding one of `needles`; `scanned` gets the file
// names looked at.
std::vector<std::string> leaks_in(const std::filesystem::path& dir, const std::vector<std::string>& needles,
                                  std::vector<std::string>* scanned = nullptr) {
  std::vector<std::string> leaks;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string content = read_all(entry.path());
    if (scanned) scanned->push_back(entry.path().filename().string());
    for (const auto& needle : needles) {
      if (std::search(content.begin(), content.end(), needle.begin(), needle.end()) != content.end()) {
        leaks.push_back(entry.path().string() + " contains " + needle);
      }
    }
  }
  return leaks;
}

}  // namespace

// Contract: "The data directory holds csmsd.db (SQLite, WAL) and master.key (mode 0600). The DB must never contain a
// secret value in plaintext."
TEST_CASE("secret values are not stored in plaintext in any data file", "[integration][at-rest][sqlite-only]") {
  Daemon daemon(no_prune());
  const std::string text = "csms-plaintext-canary-" + random_hex(32);
  const std::string version_text = "csms-version-canary-" + random_hex(32);
  const std::string raw_bytes = "csms-binary-canary-" + random_hex(32) + std::string("\x01\x02\xff", 3);
  const std::string b64 = base64(raw_bytes);
  std::vector<std::string> needles = {text, version_text, raw_bytes, b64};
  // Prefixes too: a partial leak is a leak.
  needles.push_back(text.substr(0, 30));
  needles.push_back(b64.substr(0, 32));
  {
    auto client = daemon.client();
    const std::string name = unique_name("canary");
    create_secret(client, name, text);
    create_version(client, name, version_text);
    create_secret_with(client, json::object{{"name", unique_name("canary-bin")}, {"secret_binary", b64}});
    REQUIRE(get_version(client, name, "v1").at("secret_string") == json::value(text));
  }

  // Control: the scan does find a planted copy.
  {
    csms_test::TempDir control("csmsd-control");
    std::ofstream(control / "planted.bin", std::ios::binary) << "prefix" << raw_bytes << "suffix";
    CHECK(leaks_in(control.path(), {raw_bytes}).size() == 1);
  }

  SECTION("while running (WAL not checkpointed)") {
    std::vector<std::string> files;
    CHECK(leaks_in(daemon.data_dir(), needles, &files) == std::vector<std::string>{});
    INFO("scanned: " << Catch::StringMaker<std::vector<std::string>>::convert(files));
    CHECK(std::find(files.begin(), files.end(), "csmsd.db") != files.end());
    CHECK(std::find(files.begin(), files.end(), "csmsd.db-wal") != files.end());
  }
  SECTION("after SIGKILL") {
    daemon.kill();
    CHECK(leaks_in(daemon.data_dir(), needles) == std::vector<std::string>{});
  }
  SECTION("after SIGTERM") {
    REQUIRE(daemon.stop() == 0);
    CHECK(leaks_in(daemon.data_dir(), needles) == std::vector<std::string>{});
  }
}

// architecture.md: "Nothing in log/ can format a secret value." (the log here is the daemon's stderr at
// --log-level debug)
TEST_CASE("secret values do not appear in the debug log", "[integration][at-rest]") {
  Daemon daemon;
  const std::string text = "csms-log-canary-" + random_hex(32);
  {
    auto client = daemon.client();
    const std::string name = unique_name("log-canary");
    create_secret(client, name, text);
    create_version(client, name, text + "-v2");
    get_version(client, name, "v1");
    // A rejected request carrying a value must not echo it either.
    CHECK_CSMS_ERROR(client.post_json(secrets_url(), json::object{{"name", name}, {"secret_string", text + "-dup"}}), 409,
                     "CSMS.0101");
  }
  REQUIRE(daemon.stop() == 0);
  const std::string log = daemon.log();
  CHECK(log.find(text) == std::string::npos);
  CHECK(log.find(text.substr(0, 24)) == std::string::npos);
}

// Contract: "master.key (mode 0600)".
TEST_CASE("master.key has mode 0600 and the database file exists", "[integration][at-rest]") {
  Daemon daemon;
  {
    auto client = daemon.client();
    create_secret(client, unique_name("key-mode"), "v");
  }
  struct stat st {};
  REQUIRE(::stat((daemon.data_dir() / "master.key").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(st.st_size > 0);
  if (!daemon.on_postgres()) CHECK(std::filesystem::is_regular_file(daemon.data_dir() / "csmsd.db"));
  // The key survives a restart unchanged (otherwise stored values would become unreadable).
  const std::string key_before = read_all(daemon.data_dir() / "master.key");
  REQUIRE(daemon.restart() == 0);
  CHECK(read_all(daemon.data_dir() / "master.key") == key_before);
  REQUIRE(::stat((daemon.data_dir() / "master.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
}
