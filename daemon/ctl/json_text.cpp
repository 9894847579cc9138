// json_text.cpp: answers parsed into wiped memory, a small pretty printer and unbuffered stdout.
#include "ctl/json_text.hpp"

#include "core/wiping_json.hpp"

#include <boost/json/serializer.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <string.h>
#include <unistd.h>

namespace csms::ctl {
namespace {

void append_compact(const boost::json::value& value, core::SecureString& out) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  core::drain_json_wiped(serializer, out);
}

void append_key(std::string_view key, core::SecureString& out) {
  boost::json::serializer serializer;
  serializer.reset(key);
  core::drain_json_wiped(serializer, out);
}

void append_pretty(const boost::json::value& value, std::size_t depth, core::SecureString& out) {
  const auto indent = [&](std::size_t level) { out.append(level * 2, ' '); };
  if (const auto* object = value.if_object(); object != nullptr && !object->empty()) {
    out += "{\n";
    std::size_t i = 0;
    for (const auto& member : *object) {
      indent(depth + 1);
      append_key(member.key(), out);
      out += ": ";
      append_pretty(member.value(), depth + 1, out);
      out += ++i < object->size() ? ",\n" : "\n";
    }
    indent(depth);
    out += "}";
  } else if (const auto* array = value.if_array(); array != nullptr && !array->empty()) {
    out += "[\n";
    std::size_t i = 0;
    for (const auto& element : *array) {
      indent(depth + 1);
      append_pretty(element, depth + 1, out);
      out += ++i < array->size() ? ",\n" : "\n";
    }
    indent(depth);
    out += "]";
  } else {
    append_compact(value, out);
  }
}

}  // namespace

core::Result<boost::json::object> parse_answer(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return boost::json::object(core::wiping_json_storage());
  boost::system::error_code ec;
  boost::json::value value = core::parse_json_wiped(body, {}, ec);
  if (ec || !value.is_object()) {
    return core::make_error(core::Errc::kInternal, "the daemon's answer is not a JSON object");
  }
  return std::move(value.as_object());
}

core::SecureString to_pretty_json(const boost::json::value& value) {
  core::SecureString out;
  append_pretty(value, 0, out);
  out += '\n';
  return out;
}

core::Status write_stdout(std::string_view text) {
  std::fflush(stdout);  // keep order with anything written through stdio before
  while (!text.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return core::make_error(core::Errc::kInternal, std::string("cannot write to stdout: ") + std::strerror(errno));
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return core::ok();
}

}  // namespace csms::ctl
