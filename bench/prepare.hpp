// prepare.hpp: --prepare N creates the bench-* secrets the scenarios read and write.
#pragma once

#include "options.hpp"

#include <boost/asio/io_context.hpp>

#include <cstddef>

namespace csms_bench {

struct PrepareResult {
  std::size_t created = 0;
  std::size_t existing = 0;  ///< answered 409 and left as they are
};

/// Creates bench-0..N-1 with versions v1, v2, v3 and pins v1 and v2 with stages BENCH-A and BENCH-B on the first
/// --prepare-stages of them (so move-stage always has both), over --prepare-connections connections that take the
/// next name from a shared counter. Run `context` to do the work; any other failure than 409 on create throws
/// std::runtime_error out of run(): a run over half-prepared data means little.
void start_prepare(boost::asio::io_context& context, const Options& options, PrepareResult& result);

}  // namespace csms_bench
