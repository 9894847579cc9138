// pg_connection.hpp: a thin libpq wrapper for the PostgreSQL store: parameters, binary result rows, one connection.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace csms::store::postgres {

/// The parameters of one statement ($1, $2, ... in the order added). Every parameter is sent with an explicit type
/// (int8, text, bool, bytea), so PostgreSQL never has to guess one from the statement.
class Params {
 public:
  Params& int64(std::int64_t value);
  Params& text(std::string_view value);
  Params& boolean(bool value);
  Params& bytes(std::span<const std::uint8_t> value);
  Params& optional_int64(const std::optional<std::int64_t>& value);
  Params& optional_text(const std::optional<std::string>& value);
  /// A NULL of the given kind.
  Params& null_int64();
  Params& null_text();

  std::size_t size() const { return values_.size(); }

 private:
  friend class Connection;
  Params& add(std::string value, unsigned type, int format, bool is_null);

  std::vector<std::string> values_;
  std::vector<unsigned> types_;
  std::vector<int> formats_;
  std::vector<bool> nulls_;
};

/// The rows a statement returned, in PostgreSQL's binary format. Integer columns may be int2/int4/int8 (use
/// ::bigint for SUM, which is numeric); text columns are any text type; bytes columns are bytea. A column read with
/// the wrong accessor throws std::logic_error (a programming error, caught at the store's edge).
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* result);
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows();

  int size() const;
  bool empty() const { return size() == 0; }
  /// Rows changed by an INSERT/UPDATE/DELETE without RETURNING.
  std::int64_t affected() const;

  bool is_null(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  bool boolean(int row, int column) const;
  std::string text(int row, int column) const;
  std::vector<std::uint8_t> bytes(int row, int column) const;
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;

  /// The libpq result, for the wrapper's own status checks.
  pg_result* handle() const { return result_; }

 private:
  std::span<const std::uint8_t> raw(int row, int column) const;
  unsigned type(int column) const;

  pg_result* result_ = nullptr;
};

/// One libpq connection. Not thread-safe: the store hands it to one transaction at a time.
class Connection {
 public:
  /// Connects with a libpq connection string or postgres:// URI (application_name=csmsd and a 10 s connect timeout
  /// unless the string sets them). The error never repeats the connection string: it may hold a password.
  static core::Result<std::unique_ptr<Connection>> open(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one statement with parameters. Each distinct SQL text is prepared once per connection and reused.
  core::Result<Rows> exec(std::string_view sql, const Params& params = {});
  /// Runs SQL text without parameters or preparation (transaction control, a migration's several statements) and
  /// returns the command tag of its last statement ("COMMIT", or "ROLLBACK" for a COMMIT of an aborted transaction).
  core::Result<std::string> exec_script(std::string_view sql);

  /// Holds `opening` (BEGIN of a read-only transaction) back and sends it in one round trip with the next exec()
  /// (libpq pipeline mode). A COMMIT or ROLLBACK that comes before any statement cancels it: the transaction never
  /// reached the server, and costs no round trip at all.
  void defer_opening(std::string opening);
  /// Ends a read-only transaction with `closing` (COMMIT or ROLLBACK) without waiting for the server's answer, which
  /// the next use of the connection collects. Only for read-only transactions: their ending cannot fail in a way
  /// that changes what they already answered.
  void close_without_waiting(std::string_view closing);

  /// True once the server closed the connection or it failed; the pool drops such a connection.
  bool broken() const;
  /// True when no transaction is open on the connection (it can go back to the pool). A read-only transaction whose
  /// ending is on its way counts as ended.
  bool idle() const;
  /// Whether a statement failed with a serialization failure or a deadlock since the last call, and clears it:
  /// the transaction must be retried from its start.
  bool take_retryable_failure();
  /// The server's version number, e.g. 150018.
  int server_version() const;

 private:
  explicit Connection(pg_conn* connection);
  core::Error translate(pg_result* result, std::string_view what);
  /// Reads and drops the answer of a close_without_waiting(), if one is outstanding.
  void collect_unawaited();
  /// exec() with the deferred opening sent ahead of the statement, in one pipeline.
  core::Result<Rows> exec_after_opening(const std::string& sql, const Params& params, const char* const* values,
                                        const int* lengths);

  pg_conn* connection_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  bool retryable_failure_ = false;
  std::string deferred_opening_;  // sent with the next statement; empty when none
  bool unawaited_ = false;        // a closing statement's answer is still to be read
  bool desynchronized_ = false;   // a pipeline failed half-way: the pool must drop the connection
};

/// SQLSTATE classes the store treats specially.
bool is_retryable_sqlstate(std::string_view sqlstate);

}  // namespace csms::store::postgres
