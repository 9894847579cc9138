// main.cpp: composition root only: options → log → vault (store, migrations, key) → service → API → listeners → run
// → drain, with systemd's readiness, watchdog and reload protocol around it.
#include "api/routes.hpp"
#include "audit/audit_log.hpp"
#include "auth/peer_rules.hpp"
#include "app/background_lease.hpp"
#include "app/event_worker.hpp"
#include "app/hardening.hpp"
#include "app/local_delivery.hpp"
#include "app/options.hpp"
#include "app/prune_timer.hpp"
#include "app/reload.hpp"
#include "app/reseal_timer.hpp"
#include "app/sd_notify.hpp"
#include "app/socket_activation.hpp"
#include "app/vault.hpp"
#include "core/duration.hpp"
#include "crypto/backup_sealer.hpp"
#include "crypto/sealer.hpp"
#include "domain/master_key_check.hpp"
#include "domain/credential_service.hpp"
#include "domain/event_service.hpp"
#include "domain/key_rotation.hpp"
#include "domain/secret_backup.hpp"
#include "domain/rotation_service.hpp"
#include "domain/secret_service.hpp"
#include "http/server.hpp"
#include "http/tls.hpp"
#include "log/log.hpp"
#include "metrics/daemon_counters.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <csignal>
#include <ctime>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

// systemd wants the time of a reload request with RELOADING=1 (CLOCK_MONOTONIC, microseconds).
std::string reloading_message() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL + static_cast<unsigned long long>(now.tv_nsec) / 1000;
  return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace csms;
  auto parsed = app::parse_options(argc, argv);
  if (!parsed.errors.empty()) {
    // Every error of every layer, then a pointer to the help rather than the whole of it, so that in the journal
    // the errors are what stands out.
    for (const std::string& error : parsed.errors) std::fprintf(stderr, "csmsd: %s\n", error.c_str());
    std::fputs("csmsd: see csmsd --help for the options\n", stderr);
    return kExitUsage;
  }
  const app::Options& options = parsed.options;
  // The options the daemon runs with now; a reload compares the re-read ones with these.
  app::Options running = parsed.options;
  if (options.show_help) {
    std::fputs(app::usage().c_str(), stdout);
    return 0;
  }
  if (options.show_version) {
    std::puts("csmsd " CSMSD_VERSION);
    return 0;
  }
  log::configure(options.log_level);
  if (!options.config_file.empty()) log::info("read the configuration file", {{"file", options.config_file.string()}});
  // Both read and then clear environment variables, so they run before any thread exists.
  const app::Notifier notifier = app::Notifier::from_environment();
  auto inherited = app::take_listen_fds();
  if (!inherited) return fail("cannot take the sockets systemd passed", inherited.error());
  // Before the key is loaded, so the key never sits in swappable memory or in a core file.
  const app::HardeningReport hardening = app::harden_process();
  if (!hardening.core_dumps_disabled) log::warning("core dumps could not be disabled; a crash may write secrets to disk");
  if (hardening.memory_locked) log::debug("memory locked");
  else log::warning(hardening.memory_lock_note);
  // Every file the daemon creates (database, WAL, key, socket) is private to its user.
  ::umask(0077);
  std::signal(SIGPIPE, SIG_IGN);

  const app::StoreSpec store_spec{options.store, options.store_pool_size};
  auto vault = app::open_vault(options.data_dir, options.master_key, core::system_now(), store_spec);
  if (!vault) return fail("cannot open the vault", vault.error());
  for (const std::string& warning : vault->warnings) log::warning(warning);
  if (vault->created_key) log::info("created a new master key", {{"file", vault->created_key_file.string()}});
  const crypto::Sealer sealer(*vault->keyring);
  if (auto checked = domain::verify_master_key(*vault->store, sealer, core::system_now()); !checked) {
    return fail("the master key does not open this vault", checked.error());
  }

  auto audit_log = audit::AuditLog::open(options.audit_log);
  if (!audit_log) return fail("cannot open the audit log", audit_log.error());

  domain::SecretService service(*vault->store, sealer, core::system_now);
  domain::CredentialService credentials(*vault->store, sealer, core::system_now);
  // Derived before the master key moves into the rotation service (crypto/backup_sealer.hpp says why this key).
  auto backup_sealer = crypto::BackupSealer::from_master_key(vault->key_encryption_key.span());
  if (!backup_sealer) return fail("cannot derive the backup key", backup_sealer.error());
  domain::SecretBackup backups(*vault->store, sealer, *backup_sealer, core::system_now);
  // Instances sharing a PostgreSQL vault learn of a rotation another one made at their next key sync (below), and
  // until then may still seal under the old key: it stays stored well beyond that interval.
  const bool shared_vault = !store_spec.is_sqlite();
  const std::chrono::milliseconds key_sync_interval = shared_vault ? std::chrono::seconds(5) : std::chrono::milliseconds(0);
  const std::chrono::milliseconds key_retire_grace = shared_vault ? std::chrono::seconds(20) : std::chrono::milliseconds(0);
  domain::KeyRotation key_rotation(*vault->store, *vault->keyring, std::move(vault->key_encryption_key),
                                   vault->key_source, core::system_now, key_retire_grace);
  // A value sealed under a key another instance added is opened after one look at the stored keys.
  vault->keyring->set_miss_handler([&key_rotation]() {
    if (auto synced = key_rotation.sync_with_store(); !synced) {
      log::warning("cannot read the vault's data keys", {{"error", core::errc_name(synced.error().code)},
                                                          {"detail", synced.error().detail}});
    }
  });
  api::AccessSettings access;
  // Explicit rules come first: match_peer takes the first uid rule that matches, so `--peer uid:0=reader` narrows
  // root instead of being shadowed by the default.
  access.peer_rules = options.peer_rules;
  if (options.default_peers) {
    const auto defaults = auth::default_peer_rules(::getuid());
    access.peer_rules.insert(access.peer_rules.end(), defaults.begin(), defaults.end());
  }
  access.clock = core::system_now;
  domain::EventService events(*vault->store, core::system_now);
  std::optional<app::CommandRotationRunner> rotation_runner;
  if (options.rotation_command) rotation_runner.emplace(*options.rotation_command, options.hook_timeout);
  domain::RotationService rotation(*vault->store, sealer, core::system_now,
                                   rotation_runner ? &*rotation_runner : nullptr);
  app::LocalNotificationSink notification_sink(options.notify_webhook, options.notify_command, options.hook_timeout);
  domain::TagService tags(*vault->store);
  metrics::DaemonCounters daemon_counters;
  daemon_counters.version = CSMSD_VERSION;
  daemon_counters.memory_locked = hardening.memory_locked;
  // One thread for work too slow for a session's thread (copying the whole vault): a backup never holds up the
  // connections that share a thread with it. Joined after the sessions stop, so no copy outlives the store.
  boost::asio::thread_pool background(1);
  api::ApiContext api_context{service, credentials, key_rotation, access, **audit_log, *vault->store, backups,
                              events, rotation, tags, &daemon_counters};
  api_context.background = &background;
  api::Api api(api_context);
  // A thread per core serves connections, each on its own io_context; the main thread runs the first one and also
  // the listeners, signals and timers.
  const std::size_t io_threads =
      options.io_threads != 0 ? options.io_threads : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  boost::asio::io_context io(1);
  std::vector<std::unique_ptr<boost::asio::io_context>> extra_contexts;
  std::vector<boost::asio::io_context*> session_contexts{&io};
  for (std::size_t i = 1; i < io_threads; ++i) {
    extra_contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    session_contexts.push_back(extra_contexts.back().get());
  }
  http::Limits limits;
  limits.idle_timeout = options.idle_timeout;
  limits.max_connections = connection_cap(options.max_connections);
  http::Server server(io, api, limits, session_contexts);
  // One TLS context for every TCP listener, loaded before any socket exists so a bad certificate or key stops the
  // start with nothing bound.
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (options.tls_cert && options.tls_key) {
    auto loaded = http::make_tls_context(*options.tls_cert, *options.tls_key);
    if (!loaded) return fail("cannot load the TLS certificate and key", loaded.error());
    tls = std::move(*loaded);
  }
  const http::UnixSocketOptions socket_options{options.socket_mode, options.socket_group};
  // Sockets from systemd replace the default socket; listeners named in the options are served as well.
  for (const app::InheritedSocket& socket : *inherited) {
    if (auto adopted = server.adopt_listener(socket.fd, options.allow_remote_tcp, tls); !adopted) {
      return fail("cannot serve a socket systemd passed", adopted.error());
    }
    log::debug("serving a socket passed by systemd", {{"fd", socket.fd}, {"name", socket.name}});
  }
  const bool default_replaced = options.listens_defaulted && !inherited->empty();
  for (const app::ListenSpec& listen : default_replaced ? std::vector<app::ListenSpec>{} : options.listens) {
    core::Status bound = std::visit(
        [&](const auto& spec) -> core::Status {
          if constexpr (std::is_same_v<std::decay_t<decltype(spec)>, app::UnixListen>) {
            CSMS_TRY(app::ensure_private_directory(spec.path.parent_path()));
            struct stat directory {};
            if ((options.socket_mode & 0066) != 0 && ::stat(spec.path.parent_path().c_str(), &directory) == 0 &&
                (directory.st_mode & (S_IXGRP | S_IXOTH)) == 0) {
              // A wider socket mode is no use while the directory keeps everyone else out.
              log::warning("the socket's directory is private; only its owner can reach the socket",
                           {{"directory", spec.path.parent_path().string()}});
            }
            return server.listen_unix(spec.path, socket_options);
          } else {
            return server.listen_tcp(spec.address, spec.port, options.allow_remote_tcp, tls);
          }
        },
        listen);
    if (!bound) return fail("cannot listen", bound.error());
  }

  // Asked once now so that /metrics and the log say from the start whether this instance runs the background work.
  app::BackgroundLease lease(*vault->store, &daemon_counters);
  lease.held();
  app::PruneTimer prune(io, service, options.prune_interval, options.prune_grace, &daemon_counters, &lease);
  app::ResealTimer reseal(io, key_rotation, options.reseal_batch_rows, &lease, key_sync_interval);
  app::EventWorker event_worker(events, rotation, notification_sink, options.event_check_interval,
                                std::chrono::milliseconds(250), &lease);
  // Pings at half the interval systemd allows, from the thread that runs listeners and timers, so a wedged event
  // loop stops the pings and systemd restarts the daemon.
  boost::asio::steady_timer watchdog_timer(io);
  std::function<void(const boost::system::error_code&)> on_watchdog = [&](const boost::system::error_code& ec) {
    if (ec) return;
    notifier.notify("WATCHDOG=1");
    watchdog_timer.expires_after(*notifier.watchdog() / 2);
    watchdog_timer.async_wait(on_watchdog);
  };

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    notifier.notify("STOPPING=1");
    log::info("shutting down", {{"signal", signal_number}, {"connections", static_cast<unsigned long long>(server.connection_count())}});
    prune.stop();
    reseal.stop();
    watchdog_timer.cancel();
    event_worker.stop();
    server.drain([&]() {
      for (auto& context : extra_contexts) context->stop();
      io.stop();
    });
  });
  // SIGHUP re-reads the configuration (same flags, current file and environment): what may change at run time is
  // applied and logged, anything else is logged as waiting for a restart. The audit log is reopened either way, so
  // logrotate can move the file away (postrotate: systemctl reload csmsd).
  boost::asio::signal_set reload(io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_reload = [&](const boost::system::error_code& ec, int) {
    if (ec) return;
    notifier.notify(reloading_message());
    auto reread = app::parse_options(argc, argv);
    std::filesystem::path audit_file = running.audit_log;
    std::optional<std::string> audit_setting;  // recorded as running only once the new file is open
    if (!reread.errors.empty()) {
      for (const std::string& error : reread.errors) log::error("configuration error", {{"detail", error}});
      log::error("configuration not reloaded; running on as before", {{"errors", static_cast<unsigned long long>(reread.errors.size())}});
    } else {
      const app::ReloadPlan plan = app::plan_reload(running, reread.options);
      for (const app::OptionChange& change : plan.apply) {
        if (change.name == "log-level") {
          log::configure(reread.options.log_level);
          running.log_level = reread.options.log_level;
          running.settings[change.name] = change.to;
        } else if (change.name == "audit-log") {
          audit_file = reread.options.audit_log;
          audit_setting = change.to;
        }
        log::info("option changed", {{"option", change.name}, {"from", change.from}, {"to", change.to}});
      }
      for (const app::OptionChange& change : plan.refuse) {
        log::warning("option change needs a restart; keeping the running value",
                     {{"option", change.name}, {"running", change.from}, {"configured", change.to}});
      }
      if (plan.apply.empty() && plan.refuse.empty()) log::info("configuration reloaded; nothing changed");
    }
    if (auto reopened = (*audit_log)->reopen_at(audit_file); reopened) {
      running.audit_log = audit_file;
      if (audit_setting) running.settings["audit-log"] = *audit_setting;
      log::info("reopened the audit log", {{"file", audit_file.string()}});
    } else {
      log::error("cannot reopen the audit log; still writing to the old file",
                 {{"file", audit_file.string()}, {"detail", reopened.error().detail}});
      // The running setting is left as it was, so the next reload tries the new file again.
    }
    notifier.notify("READY=1");
    reload.async_wait(on_reload);
  };
  reload.async_wait(on_reload);

  server.start();
  prune.start();
  reseal.start();
  event_worker.start();
  log::info("vault open", {{"data_dir", options.data_dir.string()},
                           {"store", store_spec.description()},
                           {"master_key", vault->key_source},
                           {"data_key", static_cast<unsigned long long>(vault->keyring->current_key_id())},
                           {"audit_log", options.audit_log.string()},
                           {"prune_interval", core::format_duration(options.prune_interval)},
                           {"prune_grace", core::format_duration(options.prune_grace)},
                           {"event_check_interval", core::format_duration(options.event_check_interval)},
                           {"notify_webhook", options.notify_webhook ? options.notify_webhook->text : "-"},
                           {"notify_command", options.notify_command ? options.notify_command->string() : "-"},
                           {"rotation_command", options.rotation_command ? options.rotation_command->string() : "-"},
                           {"io_threads", static_cast<unsigned long long>(io_threads)}});
  std::vector<std::thread> io_workers;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running;
  for (auto& context : extra_contexts) {
    keep_running.push_back(boost::asio::make_work_guard(*context));
    io_workers.emplace_back([&context = *context]() { context.run(); });
  }
  for (const std::string& endpoint : server.endpoints()) announce("listening on " + endpoint);
  announce("ready");
  // After migrations, the key check and every listener: from here a client that connects is served.
  notifier.notify("READY=1\nSTATUS=serving");
  if (notifier.watchdog()) {
    log::debug("systemd watchdog enabled", {{"interval_usec", static_cast<unsigned long long>(notifier.watchdog()->count())}});
    on_watchdog({});
  }

  io.run();
  keep_running.clear();
  for (std::thread& worker : io_workers) worker.join();
  background.join();
  vault->keyring->set_miss_handler({});  // key_rotation, which it calls, goes first
  if (vault->sqlite_store != nullptr) vault->sqlite_store->checkpoint();
  log::info("stopped");
  return 0;
}
