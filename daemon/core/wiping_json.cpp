// wiping_json.cpp: the wiping memory resource and the parse/serialise helpers built on it.
#include "core/wiping_json.hpp"

#include <boost/json/memory_resource.hpp>
#include <boost/json/parser.hpp>

#include <new>

#include <string.h>

namespace csms::core {
namespace {

class WipingMemoryResource final : public boost::json::memory_resource {
 private:
  // Plain new/delete for the alignments operator new already guarantees (all Boost.JSON asks for); the aligned
  // forms only beyond that, so allocation and release always use matching forms (ASan checks the pairing).
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

}  // namespace

boost::json::storage_ptr wiping_json_storage() {
  static WipingMemoryResource resource;
  return boost::json::storage_ptr(&resource);
}

boost::json::value parse_json_wiped(std::string_view text, const boost::json::parse_options& options,
                                    boost::system::error_code& ec) {
  unsigned char scratch[1024];
  boost::json::parser parser(wiping_json_storage(), options, scratch, sizeof(scratch));
  parser.reset(wiping_json_storage());
  parser.write(text.data(), text.size(), ec);
  // release() builds the value from the parser's stack, which may live in `scratch`: wipe only afterwards.
  boost::json::value value = ec ? boost::json::value() : parser.release();
  parser.reset();
  explicit_bzero(scratch, sizeof(scratch));
  return value;
}

void drain_json_wiped(boost::json::serializer& serializer, SecureString& out) {
  char chunk[4096];
  while (!serializer.done()) out.append(serializer.read(chunk));
  explicit_bzero(chunk, sizeof(chunk));
}

SecureString to_json_wiped(const boost::json::value& value) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  SecureString out;
  drain_json_wiped(serializer, out);
  return out;
}

}  // namespace csms::core
