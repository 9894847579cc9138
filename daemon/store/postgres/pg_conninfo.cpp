// pg_conninfo.cpp: libpq's PQconninfoParse behind a safe description of the connection string.
#include "store/postgres/pg_conninfo.hpp"

#include <libpq-fe.h>

#include <memory>

namespace csms::store::postgres {
namespace {

struct OptionsFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ParsedOptions = std::unique_ptr<PQconninfoOption, OptionsFree>;

ParsedOptions parse(std::string_view text) {
  const std::string copy(text);
  char* message = nullptr;
  ParsedOptions options(PQconninfoParse(copy.c_str(), &message));
  // libpq's message can quote a fragment of the string, which may be a password: it is dropped.
  if (message != nullptr) PQfreemem(message);
  return options;
}

}  // namespace

bool looks_like_conninfo(std::string_view text) {
  return text.starts_with("postgres://") || text.starts_with("postgresql://") ||
         text.find('=') != std::string_view::npos;
}

core::Status check_conninfo(std::string_view text) {
  if (!looks_like_conninfo(text)) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "expected sqlite, a postgres:// or postgresql:// URI, or a libpq key=value string");
  }
  if (!parse(text)) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "not a valid PostgreSQL connection string (libpq cannot parse it; the string is not "
                            "repeated here since it may hold a password)");
  }
  return core::ok();
}

std::string describe_conninfo(std::string_view text) {
  const ParsedOptions options = parse(text);
  std::string out;
  if (!options) return "a PostgreSQL store";
  // In the order an operator reads them, whatever order libpq keeps its keywords in.
  for (const std::string_view wanted : {"host", "hostaddr", "port", "dbname"}) {
    for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
      if (wanted != option->keyword || option->val == nullptr || option->val[0] == '\0') continue;
      // libpq lets dbname carry a whole connection string of its own, password included.
      const std::string_view value = option->val;
      if (value.find('=') != std::string_view::npos || value.find("://") != std::string_view::npos) continue;
      if (!out.empty()) out += ' ';
      out += std::string(wanted) + "=" + std::string(value);
    }
  }
  return out.empty() ? "a PostgreSQL store" : out;
}

}  // namespace csms::store::postgres
