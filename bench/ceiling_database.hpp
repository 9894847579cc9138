// ceiling_database.hpp: a fresh database with csmsd's schema and connection settings, seeded like a prepared vault.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace csms_bench {

/// The sealed blob csmsd stores for a string value of `plaintext` bytes: 19 header/nonce bytes, 1 kind byte, the
/// value, a 16-byte GCM tag (daemon/crypto/sealer.hpp).
constexpr std::size_t sealed_size(std::size_t plaintext) { return 19 + 1 + plaintext + 16; }

/// Random bytes of that size: the ceiling stores as many (incompressible) bytes as csmsd does, without sealing.
std::vector<std::uint8_t> random_blob(std::mt19937_64& random, std::size_t size);

/// Replaces `file` (and its -wal/-shm) with an empty database that has schema/schema.sql and the PRAGMAs of
/// daemon/store/sqlite/database.cpp: WAL, synchronous=FULL, foreign_keys, secure_delete, trusted_schema=OFF.
std::unique_ptr<SQLite::Database> create_database(const std::filesystem::path& file);

/// bench-0..secrets-1 with v1..v3, SYSCURRENT on v3, SYSPREVIOUS and BENCH-B on v2, BENCH-A on v1: what
/// `csmsd-loadgen --prepare` leaves. One transaction, then a WAL checkpoint, so the run starts from a small WAL as
/// csmsd does after a restart.
void seed_secrets(SQLite::Database& db, const std::string& project, std::size_t secrets, std::mt19937_64& random);

}  // namespace csms_bench
