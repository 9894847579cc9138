// base64.cpp: base64 encoding and strict decoding.
#include "core/base64.hpp"

#include <array>

namespace csms::core {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}

constexpr auto kTable = make_table();

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t chunk = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) text.push_back(kAlphabet[(chunk >> shift) & 0x3f]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t chunk = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) chunk |= std::uint32_t{bytes[i + 1]} << 8;
    text.push_back(kAlphabet[(chunk >> 18) & 0x3f]);
    text.push_back(kAlphabet[(chunk >> 12) & 0x3f]);
    text.push_back(rest == 2 ? kAlphabet[(chunk >> 6) & 0x3f] : '=');
    text.push_back('=');
  }
  return text;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t padding = 0;
    if (last && text[i + 3] == '=') padding = text[i + 2] == '=' ? 2 : 1;
    std::uint32_t chunk = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      std::int8_t digit = 0;
      if (j < 4 - padding) {
        digit = kTable[static_cast<unsigned char>(text[i + j])];
        if (digit < 0) return std::nullopt;
      }
      chunk = (chunk << 6) | static_cast<std::uint32_t>(digit);
    }
    bytes.push_back(static_cast<std::uint8_t>(chunk >> 16));
    if (padding < 2) bytes.push_back(static_cast<std::uint8_t>(chunk >> 8));
    if (padding < 1) bytes.push_back(static_cast<std::uint8_t>(chunk));
    // Canonical form only: the bits that padding drops must be zero, so one blob has exactly one spelling.
    if ((padding == 1 && (chunk & 0xff) != 0) || (padding == 2 && (chunk & 0xffff) != 0)) return std::nullopt;
  }
  return bytes;
}

}  // namespace csms::core
