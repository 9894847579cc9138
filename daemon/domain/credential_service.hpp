// credential_service.hpp: issuing, listing, revoking and looking up callers' access keys and tokens.
#pragma once

#include "core/credential.hpp"
#include "core/error.hpp"
#include "core/secure_buffer.hpp"
#include "core/time.hpp"
#include "core/wiping_allocator.hpp"
#include "crypto/sealer.hpp"
#include "store/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::domain {

struct NewCredential {
  core::CredentialKind kind = core::CredentialKind::kAccessKey;
  core::Role role = core::Role::kReader;
  std::vector<std::string> projects;  ///< validated by the caller: project ids or "*"
  std::string description;
};

/// A created credential with its secret part (secret key or token), which exists in plaintext only here.
struct IssuedCredential {
  core::Credential credential;
  core::SecureString secret;
};

/// An access key found for a signature check, with its secret key opened.
struct AccessKeyMatch {
  core::Credential credential;
  core::SecureBuffer secret_key;
};

/// Every method is one store transaction; lookups read the store on every call, so a revocation takes effect on
/// the next request.
class CredentialService {
 public:
  CredentialService(store::Store& store, const crypto::Sealer& sealer, core::Clock clock)
      : store_(store), sealer_(sealer), clock_(std::move(clock)) {}

  /// Access keys: "CSMS" + 16 characters of A-Z2-7 with a 40-character secret key; tokens: "csmst_" + 43
  /// characters of base64url (256 random bits), stored as SHA-256 only.
  core::Result<IssuedCredential> create(const NewCredential& request);
  core::Result<std::vector<core::Credential>> list();
  core::Result<core::Credential> find(std::string_view id);
  core::Status revoke(std::string_view id);

  core::Result<std::optional<AccessKeyMatch>> find_access_key(std::string_view access_key);
  core::Result<std::optional<core::Credential>> find_token(std::string_view token);

 private:
  store::Store& store_;
  const crypto::Sealer& sealer_;
  core::Clock clock_;
};

}  // namespace csms::domain
