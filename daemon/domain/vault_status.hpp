// vault_status.hpp: what the health and metrics endpoints ask of the vault: readiness and its statistics.
#pragma once

#include "core/error.hpp"
#include "store/store.hpp"

#include <cstdint>

namespace csms::domain {

/// Row counts and database size from one read snapshot.
core::Result<store::VaultStatistics> read_vault_statistics(store::Store& store);

/// Ok when the database answers a read and the data key the daemon seals with (`current_key_id`) is one the vault
/// has a key check for; kUnavailable with the reason otherwise.
core::Status check_ready(store::Store& store, std::uint32_t current_key_id);

}  // namespace csms::domain
