// locked_memory.cpp: page-granular mlock of a byte range.
#include "crypto/locked_memory.hpp"

#include <cstdint>

#include <sys/mman.h>
#include <unistd.h>

namespace csms::crypto {

bool lock_pages(const void* data, std::size_t size) noexcept {
  if (data == nullptr || size == 0) return true;
  const long page = ::sysconf(_SC_PAGESIZE);
  if (page <= 0) return false;
  const auto page_size = static_cast<std::uintptr_t>(page);
  const auto begin = reinterpret_cast<std::uintptr_t>(data) & ~(page_size - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(data) + size;
  return ::mlock(reinterpret_cast<const void*>(begin), end - begin) == 0;
}

}  // namespace csms::crypto
