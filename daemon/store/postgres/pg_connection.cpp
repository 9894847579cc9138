// pg_connection.cpp: libpq calls, binary column decoding and SQLSTATE → Errc.
#include "store/postgres/pg_connection.hpp"

#include <libpq-fe.h>

#include <array>
#include <stdexcept>
#include <utility>

namespace csms::store::postgres {
namespace {

// Type OIDs from PostgreSQL's pg_type.dat; stable across server versions.
constexpr unsigned kBoolOid = 16;
constexpr unsigned kByteaOid = 17;
constexpr unsigned kNameOid = 19;
constexpr unsigned kInt8Oid = 20;
constexpr unsigned kInt2Oid = 21;
constexpr unsigned kInt4Oid = 23;
constexpr unsigned kTextOid = 25;
constexpr unsigned kVarcharOid = 1043;

constexpr int kTextFormat = 0;
constexpr int kBinaryFormat = 1;

std::int64_t read_big_endian(std::span<const std::uint8_t> raw) {
  std::uint64_t value = 0;
  for (std::uint8_t byte : raw) value = (value << 8) | byte;
  // Sign-extend the narrower integer types.
  const unsigned bits = static_cast<unsigned>(raw.size()) * 8;
  if (bits < 64 && (value >> (bits - 1)) != 0) value |= ~std::uint64_t{0} << bits;
  return static_cast<std::int64_t>(value);
}

void ignore_notice(void*, const char*) {}

}  // namespace

bool is_retryable_sqlstate(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

// --- Params ---

Params& Params::add(std::string value, unsigned type, int format, bool is_null) {
  values_.push_back(std::move(value));
  types_.push_back(type);
  formats_.push_back(format);
  nulls_.push_back(is_null);
  return *this;
}

Params& Params::int64(std::int64_t value) { return add(std::to_string(value), kInt8Oid, kTextFormat, false); }
Params& Params::text(std::string_view value) { return add(std::string(value), kTextOid, kTextFormat, false); }
Params& Params::boolean(bool value) { return add(value ? "t" : "f", kBoolOid, kTextFormat, false); }
Params& Params::bytes(std::span<const std::uint8_t> value) {
  return add(std::string(value.begin(), value.end()), kByteaOid, kBinaryFormat, false);
}
Params& Params::optional_int64(const std::optional<std::int64_t>& value) {
  return value ? int64(*value) : null_int64();
}
Params& Params::optional_text(const std::optional<std::string>& value) { return value ? text(*value) : null_text(); }
Params& Params::null_int64() { return add({}, kInt8Oid, kTextFormat, true); }
Params& Params::null_text() { return add({}, kTextOid, kTextFormat, true); }

// --- Rows ---

Rows::Rows(pg_result* result) : result_(result) {}
Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Rows& Rows::operator=(Rows&& other) noexcept {
  std::swap(result_, other.result_);
  return *this;
}
Rows::~Rows() {
  if (result_ != nullptr) PQclear(result_);
}

int Rows::size() const { return result_ == nullptr ? 0 : PQntuples(result_); }

std::int64_t Rows::affected() const {
  if (result_ == nullptr) return 0;
  const char* count = PQcmdTuples(result_);
  return (count == nullptr || *count == '\0') ? 0 : std::stoll(count);
}

bool Rows::is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

unsigned Rows::type(int column) const { return PQftype(result_, column); }

std::span<const std::uint8_t> Rows::raw(int row, int column) const {
  if (row < 0 || row >= size() || column < 0 || column >= PQnfields(result_)) {
    throw std::logic_error("a row or column outside the result was read");
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row, column));
  return {bytes, static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t Rows::int64(int row, int column) const {
  const unsigned oid = type(column);
  if (oid != kInt8Oid && oid != kInt4Oid && oid != kInt2Oid) {
    throw std::logic_error("column " + std::to_string(column) + " is not an integer (type oid " +
                           std::to_string(oid) + ")");
  }
  if (is_null(row, column)) throw std::logic_error("column " + std::to_string(column) + " is NULL");
  return read_big_endian(raw(row, column));
}

bool Rows::boolean(int row, int column) const {
  if (type(column) != kBoolOid) throw std::logic_error("column " + std::to_string(column) + " is not a boolean");
  if (is_null(row, column)) throw std::logic_error("column " + std::to_string(column) + " is NULL");
  const auto bytes = raw(row, column);
  return !bytes.empty() && bytes[0] != 0;
}

std::string Rows::text(int row, int column) const {
  const unsigned oid = type(column);
  if (oid != kTextOid && oid != kVarcharOid && oid != kNameOid) {
    throw std::logic_error("column " + std::to_string(column) + " is not text (type oid " + std::to_string(oid) + ")");
  }
  if (is_null(row, column)) throw std::logic_error("column " + std::to_string(column) + " is NULL");
  const auto bytes = raw(row, column);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::uint8_t> Rows::bytes(int row, int column) const {
  if (type(column) != kByteaOid) throw std::logic_error("column " + std::to_string(column) + " is not bytea");
  if (is_null(row, column)) throw std::logic_error("column " + std::to_string(column) + " is NULL");
  const auto bytes = raw(row, column);
  return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

std::optional<std::int64_t> Rows::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

// --- Connection ---

core::Result<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo) {
  // Keywords before "dbname" are defaults: the expanded connection string overrides them.
  const std::array<const char*, 5> keywords{"application_name", "connect_timeout", "client_encoding", "dbname",
                                            nullptr};
  const std::array<const char*, 5> values{"csmsd", "10", "UTF8", conninfo.c_str(), nullptr};
  pg_conn* connection = PQconnectdbParams(keywords.data(), values.data(), 1);
  if (connection == nullptr) {
    return core::make_error(core::Errc::kUnavailable, "cannot connect to PostgreSQL: out of memory");
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = PQerrorMessage(connection);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    PQfinish(connection);
    return core::make_error(core::Errc::kUnavailable, "cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(connection, ignore_notice, nullptr);
  return std::unique_ptr<Connection>(new Connection(connection));
}

Connection::Connection(pg_conn* connection) : connection_(connection) {}

Connection::~Connection() { PQfinish(connection_); }

bool Connection::broken() const { return desynchronized_ || PQstatus(connection_) != CONNECTION_OK; }

bool Connection::idle() const {
  if (!deferred_opening_.empty()) return false;
  return unawaited_ || PQtransactionStatus(connection_) == PQTRANS_IDLE;
}

void Connection::defer_opening(std::string opening) { deferred_opening_ = std::move(opening); }

void Connection::close_without_waiting(std::string_view closing) {
  collect_unawaited();
  if (!deferred_opening_.empty()) {
    // No statement ran: the transaction never began on the server, so there is nothing to end.
    deferred_opening_.clear();
    return;
  }
  const std::string text(closing);
  if (PQsendQuery(connection_, text.c_str()) == 1) {
    unawaited_ = true;
  } else {
    desynchronized_ = true;
  }
}

void Connection::collect_unawaited() {
  if (!unawaited_) return;
  unawaited_ = false;
  // A read-only transaction's COMMIT or ROLLBACK: nothing in it to report. A lost connection shows in broken().
  while (pg_result* result = PQgetResult(connection_)) PQclear(result);
}

bool Connection::take_retryable_failure() { return std::exchange(retryable_failure_, false); }

int Connection::server_version() const { return PQserverVersion(connection_); }

core::Error Connection::translate(pg_result* result, std::string_view what) {
  const char* state_field = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state_field != nullptr ? state_field : "";
  // Only the primary message: DETAIL may quote row contents.
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary != nullptr ? primary : PQerrorMessage(connection_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const std::string detail = std::string(what) + ": " + message + (sqlstate.empty() ? "" : " [" + std::string(sqlstate) + "]");
  if (is_retryable_sqlstate(sqlstate)) {
    retryable_failure_ = true;
    return core::make_error(core::Errc::kUnavailable, "a concurrent transaction conflicted (" + detail + ")");
  }
  if (sqlstate == "23505") return core::make_error(core::Errc::kAlreadyExists, detail);
  if (sqlstate == "23503") {
    // The domain checks what a row refers to before writing it, so this is another instance's concurrent change,
    // e.g. a data key it retired before this one synced its keys: transient, and the caller may try again.
    return core::make_error(core::Errc::kUnavailable,
                            "a row refers to one another instance removed or still uses (" + detail + "); retry");
  }
  if (sqlstate == "53100") return core::make_error(core::Errc::kStorageFull, "the database disk is full (" + detail + ")");
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate == "53300" || broken()) {
    return core::make_error(core::Errc::kUnavailable, "the PostgreSQL server is unavailable (" + detail + ")");
  }
  return core::make_error(core::Errc::kInternal, detail);
}

core::Result<Rows> Connection::exec(std::string_view sql, const Params& params) {
  // PostgreSQL text cannot hold NUL (SQLite's can): refuse it as bad input before the server fails the statement.
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params.types_[i] == kTextOid && !params.nulls_[i] && params.values_[i].find('\0') != std::string::npos) {
      return core::make_error(core::Errc::kInvalidParameter,
                              "a text field contains a NUL character (U+0000), which the PostgreSQL store cannot keep");
    }
  }
  collect_unawaited();
  const std::string key(sql);
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = params.nulls_[i] ? nullptr : params.values_[i].c_str();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  if (!deferred_opening_.empty()) return exec_after_opening(key, params, values.data(), lengths.data());
  auto prepared = prepared_.find(key);
  if (prepared == prepared_.end()) {
    std::string name = "csmsd_" + std::to_string(prepared_.size() + 1);
    const Rows prepare_result(PQprepare(connection_, name.c_str(), key.c_str(), static_cast<int>(params.size()),
                                        params.types_.data()));
    // In an aborted transaction the server prepares nothing: cache only what it accepted.
    if (prepare_result.handle() == nullptr || PQresultStatus(prepare_result.handle()) != PGRES_COMMAND_OK) {
      return translate(prepare_result.handle(), "preparing a statement");
    }
    prepared = prepared_.emplace(key, std::move(name)).first;
  }
  pg_result* result = PQexecPrepared(connection_, prepared->second.c_str(), static_cast<int>(params.size()),
                                     values.data(), lengths.data(), params.formats_.data(), kBinaryFormat);
  Rows rows(result);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return translate(result, "running a statement");
  return rows;
}

core::Result<Rows> Connection::exec_after_opening(const std::string& sql, const Params& params,
                                                  const char* const* values, const int* lengths) {
  const std::string opening = std::exchange(deferred_opening_, {});
  const auto prepared = prepared_.find(sql);
  const bool prepare = prepared == prepared_.end();
  const std::string name = prepare ? "csmsd_" + std::to_string(prepared_.size() + 1) : prepared->second;
  const int count = static_cast<int>(params.size());
  const bool sent =
      PQenterPipelineMode(connection_) == 1 &&
      PQsendQueryParams(connection_, opening.c_str(), 0, nullptr, nullptr, nullptr, nullptr, kTextFormat) == 1 &&
      (!prepare || PQsendPrepare(connection_, name.c_str(), sql.c_str(), count, params.types_.data()) == 1) &&
      PQsendQueryPrepared(connection_, name.c_str(), count, values, lengths, params.formats_.data(), kBinaryFormat) ==
          1 &&
      PQpipelineSync(connection_) == 1;
  if (!sent) {
    desynchronized_ = true;
    return translate(nullptr, "sending a statement");
  }
  // One result per statement sent (each followed by a null), then the sync point. After an error the server skips
  // the rest of the pipeline, and libpq answers PGRES_PIPELINE_ABORTED for each statement it skipped.
  const int statements = prepare ? 3 : 2;
  std::vector<Rows> results;
  for (int i = 0; i < statements; ++i) {
    pg_result* result = PQgetResult(connection_);
    if (result == nullptr) {
      desynchronized_ = true;
      return translate(nullptr, "reading a statement's result");
    }
    results.emplace_back(result);
    while (pg_result* extra = PQgetResult(connection_)) PQclear(extra);
  }
  const Rows sync(PQgetResult(connection_));
  if (sync.handle() == nullptr || PQresultStatus(sync.handle()) != PGRES_PIPELINE_SYNC ||
      PQexitPipelineMode(connection_) != 1) {
    desynchronized_ = true;
    return translate(nullptr, "ending a pipeline");
  }
  const auto failed = [](const Rows& rows) {
    const ExecStatusType status = PQresultStatus(rows.handle());
    return status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK;
  };
  if (failed(results.front())) return translate(results.front().handle(), "beginning a transaction");
  if (prepare) {
    if (failed(results[1])) return translate(results[1].handle(), "preparing a statement");
    prepared_.emplace(sql, name);
  }
  if (failed(results.back())) return translate(results.back().handle(), "running a statement");
  return std::move(results.back());
}

core::Result<std::string> Connection::exec_script(std::string_view sql) {
  collect_unawaited();
  if (!deferred_opening_.empty()) {
    if (sql == "COMMIT" || sql == "ROLLBACK") {
      // The transaction never reached the server: it ends without a round trip.
      deferred_opening_.clear();
      return std::string(sql);
    }
    const std::string opening = std::exchange(deferred_opening_, {});
    auto opened = exec_script(opening);
    if (!opened) return opened.error();
  }
  const std::string text(sql);
  const Rows rows(PQexec(connection_, text.c_str()));
  pg_result* result = rows.handle();
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return translate(result, "running SQL");
  return std::string(PQcmdStatus(result));
}

}  // namespace csms::store::postgres
