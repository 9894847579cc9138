// hkdf.hpp: deriving purpose-bound keys from the master key (HKDF-SHA256), so no key serves two purposes.
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace csms::crypto {

/// A 32-byte key: HKDF-SHA256 of `key` with no salt and `info` naming the purpose. kCryptoFailure when OpenSSL
/// fails.
core::Result<core::SecureBuffer> hkdf_sha256(std::span<const std::uint8_t> key, std::string_view info);

}  // namespace csms::crypto
