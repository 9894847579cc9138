// prepare.hpp: --prepare N creates the bench-* secrets the scenarios read and write.
#pragma once

#include "options.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>

namespace csms_bench {

struct PrepareResult {
  std::size_t created = 0;
  std::size_t existing = 0;  ///< answered 409 and left as they are
};

/// Creates bench-0..N-1 with versions v1, v2, v3 and pins v1 and v2 with stages BENCH-A and BENCH-B (so move-stage
/// always has both). Throws std::runtime_error on any other failure: a run over half-prepared data means little.
boost::asio::awaitable<PrepareResult> prepare_secrets(const Options& options);

}  // namespace csms_bench
