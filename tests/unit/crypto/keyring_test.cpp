// keyring_test.cpp: the master key file: creation (41 bytes, mode 0600, no overwrite) and strict loading.
#include "crypto/keyring.hpp"

#include "common/unit_env.hpp"
#include "crypto/sealer.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace {

using csms::core::Errc;
using csms::crypto::Keyring;
using csms::unit::expect_ok;
using csms::unit::TempDir;
namespace fs = std::filesystem;

std::vector<std::uint8_t> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& file, const std::vector<std::uint8_t>& bytes, mode_t mode = 0600) {
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  REQUIRE(::chmod(file.c_str(), mode) == 0);
}

mode_t mode_of(const fs::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// A well-formed key file: "CSMK", format 1, key id (big-endian), 32 key bytes.
std::vector<std::uint8_t> key_file_bytes(std::uint32_t key_id, std::uint8_t fill = 0x5a) {
  std::vector<std::uint8_t> bytes{'C', 'S', 'M', 'K', 1, static_cast<std::uint8_t>(key_id >> 24),
                                  static_cast<std::uint8_t>(key_id >> 16), static_cast<std::uint8_t>(key_id >> 8),
                                  static_cast<std::uint8_t>(key_id)};
  bytes.resize(41, fill);
  return bytes;
}

// Seals with one keyring and opens with the other: true when both hold the same key under the same id.
bool same_key(const Keyring& a, const Keyring& b) {
  const csms::crypto::ValueBinding where{"p", "s", 1};
  const csms::crypto::PlainValue value{csms::core::ValueKind::kString, csms::core::SecureBuffer::from_string("k")};
  const auto sealed = expect_ok(csms::crypto::Sealer(a).seal(value, where));
  return csms::crypto::Sealer(b).open(sealed, where).has_value();
}

TEST_CASE("create writes a 41-byte key file with mode 0600 that load reads back", "[unit][crypto][keyring]") {
  TempDir dir;
  const auto file = dir / "master.key";
  const auto created = expect_ok(Keyring::create(file));
  CHECK(created.current_key_id() == 1);
  CHECK(created.key(1).size() == 32);
  CHECK(created.key(2).empty());

  const auto bytes = read_file(file);
  REQUIRE(bytes.size() == 41);
  CHECK(std::string(bytes.begin(), bytes.begin() + 4) == "CSMK");
  CHECK(bytes[4] == 1);
  CHECK(bytes[5] == 0);
  CHECK(bytes[6] == 0);
  CHECK(bytes[7] == 0);
  CHECK(bytes[8] == 1);
  CHECK(std::equal(bytes.begin() + 9, bytes.end(), created.key(1).begin()));
  CHECK(mode_of(file) == 0600);

  const auto loaded = expect_ok(Keyring::load(file));
  CHECK(loaded.current_key_id() == 1);
  CHECK(same_key(created, loaded));
}

TEST_CASE("create makes a different key each time", "[unit][crypto][keyring]") {
  TempDir dir;
  const auto first = expect_ok(Keyring::create(dir / "a.key"));
  const auto second = expect_ok(Keyring::create(dir / "b.key"));
  CHECK_FALSE(std::equal(first.key(1).begin(), first.key(1).end(), second.key(1).begin()));
  CHECK_FALSE(same_key(first, second));
}

TEST_CASE("create refuses to overwrite an existing file", "[unit][crypto][keyring]") {
  TempDir dir;
  const auto file = dir / "master.key";
  SECTION("an existing key file") {
    expect_ok(Keyring::create(file));
    const auto before = read_file(file);
    CHECK_ERRC(Keyring::create(file), Errc::kCryptoFailure);
    CHECK(read_file(file) == before);
  }
  SECTION("any other file") {
    write_file(file, {'h', 'i'});
    CHECK_ERRC(Keyring::create(file), Errc::kCryptoFailure);
    CHECK(read_file(file) == std::vector<std::uint8_t>{'h', 'i'});
  }
  SECTION("a dangling symlink") {
    fs::create_symlink(dir / "elsewhere", file);
    CHECK_FALSE(Keyring::create(file).has_value());
    CHECK_FALSE(fs::exists(dir / "elsewhere"));
  }
}

TEST_CASE("load of a missing file is kNotFound", "[unit][crypto][keyring]") {
  TempDir dir;
  CHECK_ERRC(Keyring::load(dir / "absent.key"), Errc::kNotFound);
}

TEST_CASE("load refuses files readable or writable by group or others", "[unit][crypto][keyring]") {
  TempDir dir;
  const auto file = dir / "master.key";
  const mode_t mode = GENERATE(mode_t{0640}, mode_t{0604}, mode_t{0644}, mode_t{0660}, mode_t{0602}, mode_t{0610},
                               mode_t{0601}, mode_t{0666});
  write_file(file, key_file_bytes(1), mode);
  INFO("mode " << std::oct << mode);
  CHECK_ERRC(Keyring::load(file), Errc::kCryptoFailure);
}

TEST_CASE("load accepts owner-only modes", "[unit][crypto][keyring]") {
  TempDir dir;
  const auto file = dir / "master.key";
  const mode_t mode = GENERATE(mode_t{0600}, mode_t{0400});
  write_file(file, key_file_bytes(0x01000002), mode);
  const auto loaded = expect_ok(Keyring::load(file));
  CHECK(loaded.current_key_id() == 0x01000002);
  const auto expected = Keyring::from_key(0x01000002, csms::core::SecureBuffer(key_file_bytes(1).data() + 9, 32));
  CHECK(same_key(loaded, expected));
}

TEST_CASE("load refuses malformed key files", "[unit][crypto][keyring]") {
  TempDir dir;
  const auto file = dir / "master.key";
  struct Case {
    const char* name;
    std::vector<std::uint8_t> bytes;
  };
  auto bad_magic = key_file_bytes(1);
  bad_magic[0] = 'X';
  auto bad_format = key_file_bytes(1);
  bad_format[4] = 2;
  auto short_file = key_file_bytes(1);
  short_file.pop_back();
  auto long_file = key_file_bytes(1);
  long_file.push_back(0);
  const Case c = GENERATE_COPY(values<Case>({
      {"empty", {}},
      {"40 bytes", short_file},
      {"42 bytes", long_file},
      {"wrong magic", bad_magic},
      {"wrong format byte", bad_format},
      {"key id 0", key_file_bytes(0)},
  }));
  INFO(c.name);
  write_file(file, c.bytes);
  CHECK_ERRC(Keyring::load(file), Errc::kCryptoFailure);
}

TEST_CASE("load refuses a directory and a symlink", "[unit][crypto][keyring]") {
  TempDir dir;
  fs::create_directory(dir / "a-dir");
  ::chmod((dir / "a-dir").c_str(), 0700);
  CHECK_FALSE(Keyring::load(dir / "a-dir").has_value());

  write_file(dir / "real.key", key_file_bytes(1));
  fs::create_symlink(dir / "real.key", dir / "link.key");
  CHECK_ERRC(Keyring::load(dir / "link.key"), Errc::kCryptoFailure);
}

TEST_CASE("from_key holds exactly one key", "[unit][crypto][keyring]") {
  const auto ring = Keyring::from_key(42, csms::core::SecureBuffer(32));
  CHECK(ring.current_key_id() == 42);
  CHECK(ring.key(42).size() == 32);
  CHECK(ring.key(41).empty());
  CHECK(ring.key(0).empty());
}

TEST_CASE("a retired key is no longer listed but still opens, and the current key cannot be retired", "[unit][crypto][keyring]") {
  const std::vector<std::uint8_t> first(32, 0x11);
  const std::vector<std::uint8_t> second(32, 0x22);
  Keyring ring = Keyring::from_key(1, csms::core::SecureBuffer(first.data(), first.size()));
  ring.add_key(2, csms::core::SecureBuffer(second.data(), second.size()));
  REQUIRE(ring.make_current(2));
  const auto held_before = ring.key(1);
  ring.retire_key(1);
  CHECK(ring.key_ids() == std::vector<std::uint32_t>{2});
  REQUIRE(ring.key(1).size() == 32);
  CHECK(ring.key(1).begin()[0] == 0x11);
  CHECK(held_before.begin()[0] == 0x11);
  ring.retire_key(2);  // current: refused
  CHECK(ring.key_ids() == std::vector<std::uint32_t>{2});
  CHECK(ring.current().first == 2);
  CHECK(ring.current().second.size() == 32);
}

}  // namespace
