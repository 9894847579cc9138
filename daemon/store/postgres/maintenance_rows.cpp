// maintenance_rows.cpp: every PostgreSQL statement on pruning, statistics and secrets due for deletion.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {}  // namespace csms::store::postgres
