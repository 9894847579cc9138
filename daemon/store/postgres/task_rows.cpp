// task_rows.cpp: every PostgreSQL statement on rotation tasks and secrets due for rotation.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {}  // namespace csms::store::postgres
