// report.hpp: the result line of a run, for people or (--json) for scripts.
#pragma once

#include "options.hpp"
#include "worker.hpp"

#include <chrono>
#include <string>

namespace csms_bench {

/// `elapsed` is the measured window: from the end of the warm-up to the last measured answer.
std::string human_report(const Options& options, const ConnectionStats& total, std::chrono::nanoseconds elapsed);
std::string json_report(const Options& options, const ConnectionStats& total, std::chrono::nanoseconds elapsed);

}  // namespace csms_bench
