// backup_sealer.cpp: the backup blob format described in backup_sealer.hpp.
#include "crypto/backup_sealer.hpp"

#include "crypto/aead.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/locked_memory.hpp"

#include <algorithm>
#include <array>

namespace csms::crypto {
namespace {

constexpr std::array<std::uint8_t, 5> kHeader = {'C', 'S', 'B', 'K', 1};
constexpr std::string_view kDomain = "csmsd-secret-backup";

std::vector<std::uint8_t> backup_aad(std::string_view project_id) {
  std::vector<std::uint8_t> aad(kDomain.begin(), kDomain.end());
  aad.insert(aad.end(), kHeader.begin(), kHeader.end());
  const auto size = static_cast<std::uint32_t>(project_id.size());
  for (int shift = 24; shift >= 0; shift -= 8) aad.push_back(static_cast<std::uint8_t>(size >> shift));
  aad.insert(aad.end(), project_id.begin(), project_id.end());
  return aad;
}

}  // namespace

core::Result<BackupSealer> BackupSealer::from_master_key(std::span<const std::uint8_t> master_key) {
  if (master_key.empty()) return core::make_error(core::Errc::kCryptoFailure, "no master key to derive the backup key from");
  CSMS_TRY_ASSIGN(auto key, hkdf_sha256(master_key, "csmsd secret backup v1"));
  lock_pages(key.data(), key.size());
  return BackupSealer(std::move(key));
}

core::Result<std::vector<std::uint8_t>> BackupSealer::seal(std::span<const std::uint8_t> document,
                                                           std::string_view project_id) const {
  CSMS_TRY_ASSIGN(auto sealed, aead_seal(key_.span(), document, backup_aad(project_id)));
  std::vector<std::uint8_t> blob(kHeader.begin(), kHeader.end());
  blob.insert(blob.end(), sealed.begin(), sealed.end());
  return blob;
}

core::Result<core::SecureBuffer> BackupSealer::open(std::span<const std::uint8_t> blob,
                                                    std::string_view project_id) const {
  if (blob.size() < kHeader.size() + kNonceBytes + kTagBytes ||
      !std::equal(kHeader.begin(), kHeader.end() - 1, blob.begin())) {
    return core::make_error(core::Errc::kInvalidParameter, "secret_blob is not a csmsd backup blob");
  }
  if (blob[kHeader.size() - 1] != kHeader.back()) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "secret_blob has backup format " + std::to_string(blob[kHeader.size() - 1]) +
                                ", which this csmsd does not read");
  }
  auto opened = aead_open(key_.span(), blob.subspan(kHeader.size()), backup_aad(project_id));
  if (!opened) {
    return core::make_error(core::Errc::kCryptoFailure,
                            "secret_blob does not authenticate: it was taken in another vault (another master key) "
                            "or another project, or it was altered");
  }
  return std::move(*opened);
}

}  // namespace csms::crypto
