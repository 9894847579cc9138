// store_rows.hpp: rows for the store suites: a plain secret of a fixed project, ready to insert.
#pragma once

#include "common/unit_env.hpp"
#include "core/model.hpp"

#include <string>

namespace csms::unit {

/// A secret with every required column set; its id is unique per (project, name), as the column requires.
inline core::Secret make_secret(const std::string& name, const std::string& project = std::string(kProject)) {
  core::Secret secret;
  secret.id = "id-" + project + "-" + name;
  secret.project_id = project;
  secret.name = name;
  secret.kms_key_id = "11111111-2222-3333-4444-555555555555";
  secret.secret_type = "COMMON";
  secret.enterprise_project_id = "0";
  secret.create_time = 1'000'000;
  secret.update_time = 1'000'000;
  return secret;
}

}  // namespace csms::unit
