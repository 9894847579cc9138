// base64.hpp: standard base64 (RFC 4648 section 4, padded) for blobs that travel in JSON strings.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace csms::core {

std::string base64_encode(std::span<const std::uint8_t> bytes);

/// nullopt unless `text` is canonical padded base64 (no whitespace, no stray characters).
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace csms::core
