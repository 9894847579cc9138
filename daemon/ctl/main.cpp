// main.cpp: csmsctl entry point: global options, then one command; errors become exit statuses here only.
#include "ctl/args.hpp"
#include "ctl/client.hpp"
#include "ctl/commands.hpp"
#include "ctl/exit_codes.hpp"
#include "ctl/json_text.hpp"
#include "ctl/options.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace {

using csms::ctl::kExitFailure;

int report(const csms::core::Error& error) {
  std::fprintf(stderr, "csmsctl: %s\n", error.detail.c_str());
  if (csms::ctl::is_usage_error(error)) std::fputs("run 'csmsctl --help' for usage\n", stderr);
  return csms::ctl::exit_code_for(error);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace csms;
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto options = ctl::parse_global_options(args);
  if (!options) return report(options.error());
  if (options->show_help) return ctl::write_stdout(ctl::usage()) ? 0 : kExitFailure;
  if (options->show_version) return ctl::write_stdout("csmsctl 0.1.0\n") ? 0 : kExitFailure;
  if (options->command.empty()) return report(ctl::usage_error("no command given"));

  const ctl::Client client(options->target, std::move(options->token), options->timeout,
                           std::move(options->access_key));
  const core::Status status = ctl::run_command(client, options->command);
  if (!status) return report(status.error());
  return 0;
}
