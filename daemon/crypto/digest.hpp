// digest.hpp: SHA-256, HMAC-SHA256, hex encoding and timing-safe comparison for request signatures.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace csms::crypto {

inline constexpr std::size_t kSha256Bytes = 32;

using Sha256Digest = std::array<std::uint8_t, kSha256Bytes>;

/// SHA-256 of the exact bytes of `data`.
Sha256Digest sha256(std::string_view data);

/// HMAC-SHA256 keyed with the bytes of `key` as given: the SDK signature uses the SK directly, with no derivation.
Sha256Digest hmac_sha256(std::string_view key, std::string_view message);

/// Lower-case hex, the form every SDK puts on the wire.
std::string to_hex(std::span<const std::uint8_t> bytes);

/// Compares in time independent of where the inputs differ, so a caller cannot learn a MAC byte by byte.
/// Inputs of different lengths are unequal (length is not secret for a fixed-size MAC).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace csms::crypto
