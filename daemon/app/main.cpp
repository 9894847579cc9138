// main.cpp: composition root only: flags → log → vault (store, migrations, key) → service → API → listeners → run
// → drain.
#include "api/routes.hpp"
#include "app/options.hpp"
#include "app/prune_timer.hpp"
#include "app/vault.hpp"
#include "core/duration.hpp"
#include "crypto/sealer.hpp"
#include "domain/master_key_check.hpp"
#include "domain/secret_service.hpp"
#include "http/server.hpp"
#include "log/log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <string>
#include <type_traits>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>

namespace {

constexpr int kExitStartupFailure = 1;
constexpr int kExitUsage = 2;

// The contract with scripts and tests: these lines go to stdout, one per listener, then "ready".
void announce(const std::string& line) {
  std::fputs(("csmsd: " + line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// Raises the descriptor soft limit to the hard limit and keeps the connection cap below it, so the cap (not
// EMFILE) is what turns excess clients away. Headroom covers the database, WAL, listeners and stdio.
std::size_t connection_cap(std::size_t wanted) {
  constexpr rlim_t kHeadroom = 64;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > wanted + kHeadroom) return wanted;
  return limit.rlim_cur > kHeadroom * 2 ? static_cast<std::size_t>(limit.rlim_cur - kHeadroom) : 16;
}

int fail(std::string_view what, const csms::core::Error& error) {
  csms::log::error(what, {{"error", csms::core::errc_name(error.code)}, {"detail", error.detail}});
  return kExitStartupFailure;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace csms;
  auto parsed = app::parse_options(argc, argv);
  if (!parsed.errors.empty()) {
    for (const std::string& error : parsed.errors) std::fprintf(stderr, "csmsd: %s\n", error.c_str());
    std::fputs(app::usage().c_str(), stderr);
    return kExitUsage;
  }
  const app::Options& options = parsed.options;
  if (options.show_help) {
    std::fputs(app::usage().c_str(), stdout);
    return 0;
  }
  if (options.show_version) {
    std::puts("csmsd 0.1.0");
    return 0;
  }
  log::configure(options.log_level);
  // Every file the daemon creates (database, WAL, key, socket) is private to its user.
  ::umask(0077);
  std::signal(SIGPIPE, SIG_IGN);

  auto vault = app::open_vault(options.data_dir);
  if (!vault) return fail("cannot open the vault", vault.error());
  for (const std::string& warning : vault->warnings) log::warning(warning);
  if (vault->created_key) log::info("created a new master key", {{"file", (options.data_dir / app::kMasterKeyFile).string()}});
  const crypto::Sealer sealer(*vault->keyring);
  if (auto checked = domain::verify_master_key(*vault->store, sealer, core::system_now()); !checked) {
    return fail("the master key does not open this vault", checked.error());
  }

  domain::SecretService service(*vault->store, sealer, core::system_now);
  api::Api api(api::ApiContext{service});
  boost::asio::io_context io(1);
  http::Limits limits;
  limits.idle_timeout = options.idle_timeout;
  limits.max_connections = connection_cap(limits.max_connections);
  http::Server server(io, api, limits);
  for (const app::ListenSpec& listen : options.listens) {
    core::Status bound = std::visit(
        [&](const auto& spec) -> core::Status {
          if constexpr (std::is_same_v<std::decay_t<decltype(spec)>, app::UnixListen>) {
            CSMS_TRY(app::ensure_private_directory(spec.path.parent_path()));
            return server.listen_unix(spec.path);
          } else {
            return server.listen_tcp(spec.address, spec.port, options.allow_remote_tcp);
          }
        },
        listen);
    if (!bound) return fail("cannot listen", bound.error());
  }

  app::PruneTimer prune(io, service, options.prune_interval, options.prune_grace);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    log::info("shutting down", {{"signal", signal_number}, {"connections", static_cast<unsigned long long>(server.connection_count())}});
    prune.stop();
    server.drain([&]() { io.stop(); });
  });

  server.start();
  prune.start();
  log::info("vault open", {{"data_dir", options.data_dir.string()},
                           {"prune_interval", core::format_duration(options.prune_interval)},
                           {"prune_grace", core::format_duration(options.prune_grace)}});
  for (const std::string& endpoint : server.endpoints()) announce("listening on " + endpoint);
  announce("ready");

  io.run();
  vault->store->checkpoint();
  log::info("stopped");
  return 0;
}
