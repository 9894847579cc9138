// event_rows.cpp: every PostgreSQL statement on events, notification records and version expiry notices.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {}  // namespace csms::store::postgres
