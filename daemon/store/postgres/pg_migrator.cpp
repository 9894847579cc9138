// pg_migrator.cpp: applies the PostgreSQL migrations, one transaction each, under an advisory lock.
#include "store/postgres/pg_connection.hpp"
