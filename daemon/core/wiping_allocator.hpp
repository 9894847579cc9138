// wiping_allocator.hpp: an allocator that zeroes memory before returning it, for every buffer a secret passes through.
#pragma once

#include <cstddef>
#include <new>
#include <string>

#include <string.h>  // explicit_bzero (glibc): a wipe the optimiser may not remove

namespace csms::core {

/// std::allocator with one difference: deallocate() wipes the block first. Containers that grow (strings, Beast
/// buffers, JSON values) free their old blocks through this, so no copy of a value is left behind in the heap.
template <class T>
struct WipingAllocator {
  using value_type = T;

  WipingAllocator() noexcept = default;
  template <class U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }

  void deallocate(T* block, std::size_t n) noexcept {
    explicit_bzero(block, n * sizeof(T));
    ::operator delete(block);
  }

  template <class U>
  bool operator==(const WipingAllocator<U>&) const noexcept { return true; }
};

/// A string whose storage is wiped whenever it is released. Use it for request and response bodies.
using SecureString = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;

}  // namespace csms::core
