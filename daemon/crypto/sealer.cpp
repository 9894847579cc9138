// sealer.cpp: the sealed-blob format described in sealer.hpp.
#include "crypto/sealer.hpp"

#include "crypto/aead.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace csms::crypto {
namespace {

constexpr std::uint8_t kMagic0 = 'C';
constexpr std::uint8_t kMagic1 = 'S';
constexpr std::uint8_t kFormat = 1;
constexpr std::size_t kHeaderBytes = 7;
constexpr std::string_view kValueDomain = "csmsd-value";
constexpr std::string_view kKeyCheckDomain = "csmsd-key-check";
constexpr std::string_view kKeyCheckPlaintext = "csmsd master key check v1";

using Header = std::array<std::uint8_t, kHeaderBytes>;

Header make_header(std::uint32_t key_id) {
  return {kMagic0, kMagic1, kFormat, static_cast<std::uint8_t>(key_id >> 24), static_cast<std::uint8_t>(key_id >> 16),
          static_cast<std::uint8_t>(key_id >> 8), static_cast<std::uint8_t>(key_id)};
}

void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void append_text(std::vector<std::uint8_t>& out, std::string_view text) {
  append_u32(out, static_cast<std::uint32_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
}

std::vector<std::uint8_t> value_aad(const ValueBinding& binding, const Header& header) {
  std::vector<std::uint8_t> aad;
  aad.reserve(kValueDomain.size() + binding.project_id.size() + binding.secret_id.size() + 32);
  aad.insert(aad.end(), kValueDomain.begin(), kValueDomain.end());
  append_text(aad, binding.project_id);
  append_text(aad, binding.secret_id);
  const auto version = static_cast<std::uint64_t>(binding.version);
  append_u32(aad, static_cast<std::uint32_t>(version >> 32));
  append_u32(aad, static_cast<std::uint32_t>(version));
  aad.insert(aad.end(), header.begin(), header.end());
  return aad;
}

std::vector<std::uint8_t> key_check_aad(const Header& header) {
  std::vector<std::uint8_t> aad(kKeyCheckDomain.begin(), kKeyCheckDomain.end());
  aad.insert(aad.end(), header.begin(), header.end());
  return aad;
}

core::Error format_error(std::string detail) { return core::make_error(core::Errc::kCryptoFailure, std::move(detail)); }

// Checks the header of a stored blob against its key-id column and returns the key to open it with.
core::Result<HeldKey> header_key(const Keyring& keyring, const core::SealedValue& sealed, Header& header) {
  if (sealed.blob.size() < kHeaderBytes) return format_error("sealed value is truncated");
  std::copy_n(sealed.blob.begin(), kHeaderBytes, header.begin());
  if (header != make_header(sealed.key_id)) return format_error("sealed value has an unknown format or key id");
  const auto key = keyring.key(sealed.key_id);
  if (key.empty()) return format_error("sealed value uses master key id " + std::to_string(sealed.key_id) + ", which is not loaded");
  return key;
}

}  // namespace

core::Result<core::SealedValue> Sealer::seal(const PlainValue& value, const ValueBinding& binding) const {
  const auto [key_id, key] = keyring_.current();
  const Header header = make_header(key_id);
  core::SecureBuffer plaintext;
  plaintext.resize(1);
  plaintext.data()[0] = static_cast<std::uint8_t>(value.kind);
  plaintext.append(value.bytes.span());
  CSMS_TRY_ASSIGN(auto sealed, aead_seal(key.span(), plaintext.span(), value_aad(binding, header)));
  core::SealedValue out{key_id, std::vector<std::uint8_t>(header.begin(), header.end())};
  out.blob.insert(out.blob.end(), sealed.begin(), sealed.end());
  return out;
}

core::Result<PlainValue> Sealer::open(const core::SealedValue& sealed, const ValueBinding& binding) const {
  Header header{};
  CSMS_TRY_ASSIGN(const auto key, header_key(keyring_, sealed, header));
  const std::span<const std::uint8_t> body(sealed.blob.data() + kHeaderBytes, sealed.blob.size() - kHeaderBytes);
  CSMS_TRY_ASSIGN(auto plaintext, aead_open(key.span(), body, value_aad(binding, header)));
  if (plaintext.empty()) return format_error("sealed value has no kind byte");
  const std::uint8_t kind = plaintext.data()[0];
  if (kind != static_cast<std::uint8_t>(core::ValueKind::kString) &&
      kind != static_cast<std::uint8_t>(core::ValueKind::kBinary)) {
    return format_error("sealed value has an unknown kind");
  }
  PlainValue value{static_cast<core::ValueKind>(kind),
                   core::SecureBuffer(plaintext.data() + 1, plaintext.size() - 1)};
  return value;
}

core::Result<core::SealedValue> Sealer::make_key_check(std::optional<std::uint32_t> chosen) const {
  auto [key_id, key] = keyring_.current();
  if (chosen) {
    key_id = *chosen;
    key = keyring_.key(*chosen);
    if (key.empty()) return format_error("data key " + std::to_string(*chosen) + " is not held");
  }
  const Header header = make_header(key_id);
  const std::span<const std::uint8_t> text(reinterpret_cast<const std::uint8_t*>(kKeyCheckPlaintext.data()),
                                           kKeyCheckPlaintext.size());
  CSMS_TRY_ASSIGN(auto sealed, aead_seal(key.span(), text, key_check_aad(header)));
  core::SealedValue out{key_id, std::vector<std::uint8_t>(header.begin(), header.end())};
  out.blob.insert(out.blob.end(), sealed.begin(), sealed.end());
  return out;
}

core::Status Sealer::verify_key_check(const core::SealedValue& check) const {
  Header header{};
  CSMS_TRY_ASSIGN(const auto key, header_key(keyring_, check, header));
  const std::span<const std::uint8_t> body(check.blob.data() + kHeaderBytes, check.blob.size() - kHeaderBytes);
  auto opened = aead_open(key.span(), body, key_check_aad(header));
  if (!opened || opened->view() != kKeyCheckPlaintext) {
    return format_error("master key id " + std::to_string(check.key_id) + " does not match the key this vault was sealed with");
  }
  return core::ok();
}

}  // namespace csms::crypto
