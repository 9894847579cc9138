// tag_rows.cpp: every PostgreSQL statement on tags.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {}  // namespace csms::store::postgres
