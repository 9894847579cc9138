// pg_transaction.cpp: where a PostgreSQL transaction begins and ends (BEGIN / SAVEPOINT, COMMIT / RELEASE, ROLLBACK).
#include "store/postgres/pg_transaction.hpp"

#include "store/postgres/pg_guarded.hpp"

namespace csms::store::postgres {
namespace {

// Writes are SERIALIZABLE so that two instances moving stages of one secret cannot both commit decisions taken on
// the same snapshot; PostgreSQL aborts one with SQLSTATE 40001 and the store retries it. Reads see one snapshot.
constexpr const char* kBeginWrite = "BEGIN ISOLATION LEVEL SERIALIZABLE";
constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
constexpr const char* kSavepoint = "SAVEPOINT csmsd_nested";
constexpr const char* kRelease = "RELEASE SAVEPOINT csmsd_nested";
constexpr const char* kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT csmsd_nested";

}  // namespace

core::Result<std::unique_ptr<PgTransaction>> PgTransaction::start(Connection& connection, TransactionMode mode,
                                                                  Boundary boundary, std::shared_ptr<void> hold) {
  const bool snapshot_read = boundary == Boundary::kTransaction && mode == TransactionMode::kRead;
  if (snapshot_read) {
    connection.defer_opening(kBeginRead);
  } else {
    const char* opening = boundary == Boundary::kSavepoint ? kSavepoint : kBeginWrite;
    CSMS_TRY(connection.exec_script(opening));
  }
  auto transaction =
      std::unique_ptr<PgTransaction>(new PgTransaction(connection, boundary, snapshot_read, std::move(hold)));
  transaction->open_ = true;
  return transaction;
}

PgTransaction::PgTransaction(Connection& connection, Boundary boundary, bool snapshot_read,
                             std::shared_ptr<void> hold)
    : hold_(std::move(hold)), db_(connection), boundary_(boundary), snapshot_read_(snapshot_read) {}

PgTransaction::~PgTransaction() {
  if (!open_) return;
  if (snapshot_read_) {
    // A read-only transaction changed nothing: ROLLBACK and COMMIT are alike, and neither needs an answer.
    db_.close_without_waiting(kRollback);
  } else if (boundary_ == Boundary::kSavepoint) {
    // ROLLBACK TO keeps the savepoint; RELEASE then removes it. Both fail harmlessly when the enclosing transaction
    // is already aborted: the write job then rolls it back as a whole.
    (void)db_.exec_script(kRollbackToSavepoint);
    (void)db_.exec_script(kRelease);
  } else {
    (void)db_.exec_script(kRollback);
  }
}

core::Status PgTransaction::commit() {
  return guarded("committing", [&]() -> core::Status {
    if (snapshot_read_) {
      db_.close_without_waiting(kCommit);
      open_ = false;
      hold_.reset();
      return core::ok();
    }
    // Not CSMS_TRY_ASSIGN: g++ 12 at -O2 takes the moved-from string in it for maybe-uninitialized.
    const auto ended = db_.exec_script(boundary_ == Boundary::kSavepoint ? kRelease : kCommit);
    if (!ended) return ended.error();
    open_ = false;
    // PostgreSQL answers COMMIT of a transaction that an earlier error aborted with ROLLBACK, not an error.
    if (*ended == "ROLLBACK") {
      hold_.reset();
      return core::make_error(core::Errc::kInternal, "the transaction was aborted by an earlier error and rolled back");
    }
    // The transaction has ended: the connection is free for others even if this object lives on.
    hold_.reset();
    return core::ok();
  });
}

}  // namespace csms::store::postgres
