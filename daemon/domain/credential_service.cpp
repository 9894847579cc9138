// credential_service.cpp: credential use cases.
#include "domain/credential_service.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "domain/key_rotation.hpp"

#include <algorithm>

namespace csms::domain {
namespace {

constexpr std::string_view kAccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kTokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kTokenPrefix = "csmst_";

std::vector<std::uint8_t> token_hash(std::string_view token) {
  const auto digest = crypto::sha256(token);
  return std::vector<std::uint8_t>(digest.begin(), digest.end());
}

}  // namespace

core::Result<IssuedCredential> CredentialService::create(const NewCredential& request) {
  IssuedCredential issued;
  core::Credential& credential = issued.credential;
  credential.id = crypto::random_uuid();
  credential.kind = request.kind;
  credential.role = request.role;
  credential.projects = request.projects;
  std::sort(credential.projects.begin(), credential.projects.end());
  credential.projects.erase(std::unique(credential.projects.begin(), credential.projects.end()), credential.projects.end());
  credential.description = request.description;
  credential.create_time = clock_();
  // The write lock first: sealing under it means no rotation can make the key current and then roll it back, or
  // retire it, between this seal and the insert (see KeyRotation::rotate).
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  if (request.kind == core::CredentialKind::kAccessKey) {
    const core::SecureString suffix = crypto::random_string(kAccessKeyAlphabet, 16);
    credential.access_key = "CSMS" + std::string(suffix.begin(), suffix.end());
    issued.secret = crypto::random_string(kSecretKeyAlphabet, 40);
    crypto::PlainValue plain{core::ValueKind::kString, core::SecureBuffer::from_string(issued.secret)};
    CSMS_TRY_ASSIGN(credential.sealed_secret, sealer_.seal(plain, credential_binding(credential.id)));
  } else {
    issued.secret = core::SecureString(kTokenPrefix) + crypto::random_string(kTokenAlphabet, 43);
    credential.token_hash = token_hash(issued.secret);
  }
  CSMS_TRY(txn->insert_credential(credential));
  CSMS_TRY(txn->commit());
  return issued;
}

core::Result<std::vector<core::Credential>> CredentialService::list() {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  return txn->list_credentials();
}

core::Result<core::Credential> CredentialService::find(std::string_view id) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(auto found, txn->find_credential(id));
  if (!found) return core::make_error(core::Errc::kNotFound, "no credential has the id " + std::string(id));
  return std::move(*found);
}

core::Status CredentialService::revoke(std::string_view id) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY(txn->delete_credential(id));
  return txn->commit();
}

core::Result<std::optional<AccessKeyMatch>> CredentialService::find_access_key(std::string_view access_key) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(auto found, txn->find_credential_by_access_key(access_key));
  if (!found || !found->sealed_secret) return std::nullopt;
  CSMS_TRY_ASSIGN(auto plain, sealer_.open(*found->sealed_secret, credential_binding(found->id)));
  return AccessKeyMatch{std::move(*found), std::move(plain.bytes)};
}

core::Result<std::optional<core::Credential>> CredentialService::find_token(std::string_view token) {
  if (!token.starts_with(kTokenPrefix)) return std::nullopt;
  const auto hash = token_hash(token);
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(auto found, txn->find_credential_by_token_hash(hash));
  if (!found) return std::nullopt;
  // The index found it by hash; compare again in constant time so the answer never depends on a partial match.
  const std::string_view stored(reinterpret_cast<const char*>(found->token_hash.data()), found->token_hash.size());
  const std::string_view given(reinterpret_cast<const char*>(hash.data()), hash.size());
  if (!crypto::constant_time_equal(stored, given)) return std::nullopt;
  return found;
}

}  // namespace csms::domain
