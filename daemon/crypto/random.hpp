// random.hpp: cryptographic randomness and identifiers derived from it (OpenSSL RAND_bytes).
#pragma once

#include "core/wiping_allocator.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace csms::crypto {

/// Fills `out` from the OpenSSL CSPRNG; aborts the process if the generator fails, since nothing sealed afterwards
/// could be trusted.
void random_bytes(std::span<std::uint8_t> out);

/// `length` characters drawn uniformly from `alphabet` (at most 256 distinct characters), in a wiped string since
/// the result is usually a secret key or token.
core::SecureString random_string(std::string_view alphabet, std::size_t length);

/// A uniform integer in [0, bound) (rejection sampling, no modulo bias); bound must be at least 1.
std::uint32_t random_below(std::uint32_t bound);

/// A random (version 4) UUID in lowercase 8-4-4-4-12 form.
std::string random_uuid();

/// A stable UUID derived from text (SHA-256 based, version 5 layout), e.g. a project's default key id.
std::string derived_uuid(std::string_view text);

}  // namespace csms::crypto
