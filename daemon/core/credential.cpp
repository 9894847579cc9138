// credential.cpp: string forms of roles and credential kinds.
#include "core/credential.hpp"

namespace csms::core {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kReader: return "reader";
    case Role::kWriter: return "writer";
    case Role::kAdmin: return "admin";
    case Role::kMetrics: return "metrics";
  }
  return "reader";
}

std::optional<Role> role_from_string(std::string_view text) {
  if (text == "reader") return Role::kReader;
  if (text == "writer") return Role::kWriter;
  if (text == "admin") return Role::kAdmin;
  if (text == "metrics") return Role::kMetrics;
  return std::nullopt;
}

std::string_view to_string(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::kAccessKey: return "access_key";
    case CredentialKind::kToken: return "token";
  }
  return "access_key";
}

}  // namespace csms::core
