// database.hpp: opens the vault's SQLite file with the PRAGMAs every connection needs.
#pragma once

#include "core/error.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>

namespace csms::store::sqlite {

/// Marks the file as a csmsd vault (PRAGMA application_id), so another program's database is refused.
inline constexpr int kApplicationId = 0x43534d53;  // "CSMS"

/// Opens (creating if needed) the database with journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
/// secure_delete=ON and a busy timeout. Refuses, before writing anything to it, a file that is neither empty nor a
/// csmsd vault, and a vault whose schema version is newer than `newest_known_version`.
core::Result<std::unique_ptr<SQLite::Database>> open_database(const std::filesystem::path& file,
                                                             int newest_known_version);

}  // namespace csms::store::sqlite
