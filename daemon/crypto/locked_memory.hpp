// locked_memory.hpp: pinning the pages that hold key material in RAM, so the kernel never writes them to swap.
#pragma once

#include <cstddef>

namespace csms::crypto {

/// mlock(2)s every page that [data, data + size) touches. Best effort: false when the kernel refused (usually
/// RLIMIT_MEMLOCK), and the caller carries on unlocked. The pages stay locked after the memory is freed, since a
/// page may be shared with other locked allocations and mlock does not count references; callers therefore lock
/// only small, long-lived buffers whose storage never moves.
bool lock_pages(const void* data, std::size_t size) noexcept;

}  // namespace csms::crypto
