// migrations_embedded.hpp: the numbered SQL migrations compiled into the binary (generated source, see cmake/EmbedSql).
#pragma once

#include <vector>

namespace csms::store::postgres {

struct EmbeddedMigration {
  int number;
  const char* file_name;
  const char* sql;
};

/// Every migration in ascending number order.
const std::vector<EmbeddedMigration>& embedded_migrations();

}  // namespace csms::store::postgres
