// observability.cpp: the health probes (/healthz, /readyz) and the Prometheus scrape (/metrics).
#include "api/handlers.hpp"

#include "domain/vault_status.hpp"
#include "metrics/exposition.hpp"
#include "log/log.hpp"

#include <string_view>

namespace csms::api::handlers {
namespace {

constexpr std::string_view kPlainText = "text/plain; charset=utf-8";

http::Response text_response(unsigned status, std::string_view content_type, std::string_view text) {
  http::Response response;
  response.status = status;
  response.content_type = std::string(content_type);
  response.body.assign(text.begin(), text.end());
  // A probe or scrape must see the state now, not a cached copy.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

std::uint64_t non_negative(std::int64_t count) { return count < 0 ? 0 : static_cast<std::uint64_t>(count); }

void write_vault_statistics(metrics::ExpositionWriter& out, const store::VaultStatistics& statistics) {
  out.family("csmsd_secrets", "gauge", "Secrets in the vault, every project and state.");
  out.sample("csmsd_secrets", {}, non_negative(statistics.secrets));
  out.family("csmsd_versions", "gauge", "Secret versions kept in the vault.");
  out.sample("csmsd_versions", {}, non_negative(statistics.versions));
  out.family("csmsd_stages", "gauge", "Version stages (SYSCURRENT, SYSPREVIOUS and custom) in the vault.");
  out.sample("csmsd_stages", {}, non_negative(statistics.stages));
  out.family("csmsd_database_size_bytes", "gauge", "Size of the main database file (pages in use and free).");
  out.sample("csmsd_database_size_bytes", {}, non_negative(statistics.database_bytes));
}

void write_daemon_counters(metrics::ExpositionWriter& out, const metrics::DaemonCounters& daemon) {
  out.family("csmsd_prune_runs_total", "counter", "Prune passes that completed.");
  out.sample("csmsd_prune_runs_total", {}, daemon.prune_runs.load(std::memory_order_relaxed));
  out.family("csmsd_pruned_versions_total", "counter", "Deprecated versions deleted by prune passes.");
  out.sample("csmsd_pruned_versions_total", {}, daemon.pruned_versions.load(std::memory_order_relaxed));
  out.family("csmsd_memory_locked", "gauge", "1 when the daemon's memory is locked against swapping, else 0.");
  out.sample("csmsd_memory_locked", {}, std::uint64_t{daemon.memory_locked.load(std::memory_order_relaxed) ? 1u : 0u});
  out.family("csmsd_background_lease_held", "gauge",
             "1 when this instance runs the vault's background work (pruning, scheduled deletion, expiry, rotation, "
             "notifications), else 0; one instance of several sharing a PostgreSQL vault.");
  out.sample("csmsd_background_lease_held", {},
             std::uint64_t{daemon.background_lease_held.load(std::memory_order_relaxed) ? 1u : 0u});
  out.family("csmsd_build_info", "gauge", "Always 1; the labels name the build.");
  out.sample("csmsd_build_info", {{"version", daemon.version}}, std::uint64_t{1});
}

}  // namespace

core::Result<http::Response> healthz(ApiContext&, const Call&) {
  return text_response(200, kPlainText, "ok\n");
}

core::Result<http::Response> readyz(ApiContext& context, const Call&) {
  if (auto ready = domain::check_ready(context.store, context.keys.current_key_id()); !ready) {
    // The reason goes to the log only: the probe is unauthenticated.
    log::warning("not ready", {{"detail", ready.error().detail}});
    return text_response(503, kPlainText, "not ready\n");
  }
  return text_response(200, kPlainText, "ready\n");
}

core::Result<http::Response> scrape_metrics(ApiContext& context, const Call&) {
  CSMS_TRY_ASSIGN(const auto statistics, domain::read_vault_statistics(context.store));
  metrics::ExpositionWriter out;
  if (context.request_metrics != nullptr) context.request_metrics->write(out);
  write_vault_statistics(out, statistics);
  if (context.daemon_counters != nullptr) write_daemon_counters(out, *context.daemon_counters);
  return text_response(200, metrics::kExpositionContentType, out.text());
}

}  // namespace csms::api::handlers
