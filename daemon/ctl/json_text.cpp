// json_text.cpp: wiping JSON storage, a small pretty printer and unbuffered stdout.
#include "ctl/json_text.hpp"

#include <boost/json/memory_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serializer.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include <string.h>
#include <unistd.h>

namespace csms::ctl {
namespace {

// Matching plain and aligned new/delete forms, as the daemon's resource does (ASan checks the pairing).
class WipingMemoryResource final : public boost::json::memory_resource {
 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(bytes);
    return ::operator new(bytes, std::align_val_t(alignment));
  }
  void do_deallocate(void* block, std::size_t bytes, std::size_t alignment) override {
    explicit_bzero(block, bytes);
    if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
      ::operator delete(block);
    } else {
      ::operator delete(block, std::align_val_t(alignment));
    }
  }
  bool do_is_equal(const memory_resource& other) const noexcept override { return this == &other; }
};

// Drains a serializer into `out` through a stack chunk that is wiped afterwards.
void drain(boost::json::serializer& serializer, core::SecureString& out) {
  char chunk[1024];
  while (!serializer.done()) out.append(serializer.read(chunk));
  explicit_bzero(chunk, sizeof(chunk));
}

void append_compact(const boost::json::value& value, core::SecureString& out) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  drain(serializer, out);
}

void append_key(std::string_view key, core::SecureString& out) {
  boost::json::serializer serializer;
  serializer.reset(key);
  drain(serializer, out);
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

boost::json::storage_ptr wiping_storage() {
  static WipingMemoryResource resource;
  return boost::json::storage_ptr(&resource);
}

core::Result<boost::json::object> parse_answer(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return boost::json::object(wiping_storage());
  unsigned char scratch[1024];
  boost::json::parser parser(wiping_storage(), {}, scratch, sizeof(scratch));
  parser.reset(wiping_storage());
  boost::system::error_code ec;
  parser.write(body.data(), body.size(), ec);
  // release() may build the value from the parser's stack in `scratch`: wipe only afterwards.
  boost::json::value value = ec ? boost::json::value() : parser.release();
  parser.reset();
  explicit_bzero(scratch, sizeof(scratch));
  if (ec || !value.is_object()) {
    return core::make_error(core::Errc::kInternal, "the daemon's answer is not a JSON object");
  }
  return std::move(value.as_object());
}

core::SecureString to_json(const boost::json::value& value) {
  core::SecureString out;
  append_compact(value, out);
  return out;
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
