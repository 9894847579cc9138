// pg_store.cpp: the connection pool, transaction boundaries, write jobs with retries, and the background lease.
#include "store/postgres/pg_store.hpp"
