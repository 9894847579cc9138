// backup.hpp: whole-database copies with SQLite's online backup API, and the integrity check of a copy.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace csms::store::sqlite {

struct CopyProgress {
  std::int64_t pages_copied = 0;
  std::int64_t pages_total = 0;
};

/// Called after every step of a copy (a few hundred pages), from the copying thread.
using CopyProgressFn = std::function<void(const CopyProgress&)>;

/// Copies the whole database `source` into `destination` (a file that is absent or empty) page by page. The source is
/// read on a connection of its own that holds ONE read transaction for the whole copy: in WAL mode writers go on
/// meanwhile, and the copy is exactly the state committed when the copy began (no restart, no torn state). The copy
/// holds the same bytes as the source (values stay sealed; the master key is not in the database).
core::Result<CopyProgress> copy_database(const std::filesystem::path& source, const std::filesystem::path& destination,
                                         const CopyProgressFn& progress = {});

/// Removes copies SqliteStore::snapshot left in `directory` (the data directory) when the process died during a
/// copy. Only for whoever holds the data directory's lock (app::open_vault), so no copy is under way.
void remove_leftover_snapshots(const std::filesystem::path& directory);

/// `PRAGMA integrity_check` of the database `file`: ok, or kInternal with SQLite's first complaints.
core::Status check_integrity(const std::filesystem::path& file);

}  // namespace csms::store::sqlite
