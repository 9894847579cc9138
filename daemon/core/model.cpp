// model.cpp: string forms of model enums and version ids.
#include "core/model.hpp"

namespace csms::core {

std::string_view to_string(SecretState state) {
  switch (state) {
    case SecretState::kEnabled: return "ENABLED";
    case SecretState::kDisabled: return "DISABLED";
    case SecretState::kPendingDelete: return "PENDING_DELETE";
    case SecretState::kFrozen: return "FROZEN";
  }
  return "ENABLED";
}

std::optional<SecretState> secret_state_from_string(std::string_view text) {
  if (text == "ENABLED") return SecretState::kEnabled;
  if (text == "DISABLED") return SecretState::kDisabled;
  if (text == "PENDING_DELETE") return SecretState::kPendingDelete;
  if (text == "FROZEN") return SecretState::kFrozen;
  return std::nullopt;
}

std::string version_id(VersionNumber number) { return "v" + std::to_string(number); }

}  // namespace csms::core
