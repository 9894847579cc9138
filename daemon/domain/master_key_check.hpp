// master_key_check.hpp: start-up check that the loaded master key is the one this vault was sealed with.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/sealer.hpp"
#include "store/store.hpp"

namespace csms::domain {

/// Verifies the stored check for the current key id, or records one for a new vault. A key that does not open
/// its check is kCryptoFailure: the daemon must stop rather than serve values it cannot read.
core::Status verify_master_key(store::Store& store, const crypto::Sealer& sealer, core::EpochMillis now);

}  // namespace csms::domain
