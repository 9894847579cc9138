// api_harness.cpp: the vault behind the API fuzz targets (store, keys, credentials, audit log) and its seeding.
#include "api_harness.hpp"

#include "api/routes.hpp"
#include "audit/audit_log.hpp"
#include "auth/peer_rules.hpp"
#include "core/credential.hpp"
#include "crypto/backup_sealer.hpp"
#include "crypto/digest.hpp"
#include "crypto/keyring.hpp"
#include "crypto/sealer.hpp"
#include "domain/credential_service.hpp"
#include "domain/event_service.hpp"
#include "domain/key_rotation.hpp"
#include "domain/rotation_service.hpp"
#include "domain/secret_backup.hpp"
#include "domain/secret_service.hpp"
#include "log/log.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

#include <unistd.h>

namespace csms::fuzz {
namespace {

// Enough inputs for the fuzzer to build on what earlier ones created, few enough that the store stays small.
constexpr std::size_t kRebuildEvery = 2000;

[[noreturn]] void die(std::string_view what) {
  std::fprintf(stderr, "fuzz harness: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

template <class T>
T must(core::Result<T> result, std::string_view what) {
  if (!result) die(std::string(what) + ": " + result.error().detail);
  return std::move(*result);
}

void must(core::Status status, std::string_view what) {
  if (!status) die(std::string(what) + ": " + status.error().detail);
}

core::SecureBuffer fixed_key(std::uint8_t seed) {
  core::SecureBuffer key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = static_cast<std::uint8_t>(seed + i * 7);
  return key;
}

// tmpfs when there is one: SQLite's fsyncs then cost nothing, which is most of an API call's time.
std::filesystem::path make_temp_dir() {
  std::error_code ec;
  const bool shm = std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK | X_OK) == 0;
  std::string pattern = ((shm ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path()) /
                         "csmsd-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) die("mkdtemp failed for " + pattern);
  return pattern;
}

http::Response run(http::RequestHandler& handler, http::Request& request) {
  boost::asio::io_context io;
  auto keep_running = boost::asio::make_work_guard(io);
  std::optional<http::Response> response;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, handler.handle(request), [&](std::exception_ptr error, http::Response answer) {
    failure = error;
    response = std::move(answer);
    keep_running.reset();
  });
  io.run();
  // Api::handle promises not to throw; a session would answer 500, a fuzzer reports it.
  if (failure) std::rethrow_exception(failure);
  return std::move(*response);
}

class Vault {
 public:
  Vault() {
    insert_credentials();
    seed("POST", "/secrets", R"({"name":"app-db","secret_string":"s3cr3t","description":"seed"})");
    seed("POST", "/secrets/app-db/versions", R"({"secret_string":"v2","version_stages":["SYSCURRENT"]})");
    seed("POST", "/secrets/app-db/stages", R"({"name":"PENDING","version_id":"v1"})");
    seed("POST", "/secrets", R"({"name":"fuzz","secret_binary":"AAEC"})");
    app_db_id_ = id_of_secret("app-db");
    seed("POST", "/csms/" + app_db_id_ + "/tags", R"({"tag":{"key":"env","value":"prod"}})");
    seed("POST", "/csms/events",
         R"({"name":"fuzz-event","event_types":["SECRET_VERSION_CREATED","SECRET_DELETED"],"state":"ENABLED",)"
         R"("notification":{"target_type":"SMN","target_id":"urn:smn:region:0123:topic","target_name":"topic"}})");
    seed("PUT", "/secrets/fuzz", R"({"event_subscriptions":["fuzz-event"]})");
  }
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;
  ~Vault() {
    api_.reset();
    audit_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  api::Api& api() { return *api_; }

  // Unsigned requests only: a signature covers the path, so a signed one keeps the placeholder (and gets 404).
  void resolve_seeded_ids(http::Request& request) const {
    if (!request.header("authorization").empty()) return;
    for (std::string* text : {&request.target, &request.path}) {
      for (auto at = text->find(kAppDbIdPlaceholder); at != std::string::npos;
           at = text->find(kAppDbIdPlaceholder, at + app_db_id_.size())) {
        text->replace(at, kAppDbIdPlaceholder.size(), app_db_id_);
      }
    }
  }

 private:
  // The fixed AK/SK and token go in as CredentialService::create stores them (it draws random ones).
  void insert_credentials() {
    auto txn = must(store_->begin(store::TransactionMode::kWrite), "begin");
    core::Credential access_key;
    access_key.id = "00000000-0000-4000-8000-000000000001";
    access_key.kind = core::CredentialKind::kAccessKey;
    access_key.access_key = std::string(kAccessKey);
    access_key.role = core::Role::kAdmin;
    access_key.projects = {std::string(core::kAllProjects)};
    access_key.create_time = kNow;
    crypto::PlainValue secret_key{core::ValueKind::kString, core::SecureBuffer::from_string(kSecretKey)};
    access_key.sealed_secret = must(sealer_.seal(secret_key, domain::credential_binding(access_key.id)), "seal");
    must(txn->insert_credential(access_key), "insert access key");
    core::Credential token;
    token.id = "00000000-0000-4000-8000-000000000002";
    token.kind = core::CredentialKind::kToken;
    token.role = core::Role::kAdmin;
    token.projects = {std::string(core::kAllProjects)};
    token.create_time = kNow;
    const auto digest = crypto::sha256(kToken);
    token.token_hash.assign(digest.begin(), digest.end());
    must(txn->insert_credential(token), "insert token");
    must(txn->commit(), "commit credentials");
  }

  http::Response seed(std::string_view method, std::string_view resource, std::string_view body) {
    const std::string target = "/v1/" + std::string(kProject) + std::string(resource);
    auto request = make_request(method, target, body, owner_peer());
    auto response = run(*api_, request);
    if (response.status != 200 && response.status != 204) {
      die("seeding " + target + " answered " + std::to_string(response.status));
    }
    return response;
  }

  std::string id_of_secret(std::string_view name) {
    const auto shown = seed("GET", "/secrets/" + std::string(name), "");
    boost::system::error_code ec;
    const auto json = boost::json::parse(std::string_view(shown.body.data(), shown.body.size()), ec);
    const auto* secret = json.is_object() ? json.as_object().if_contains("secret") : nullptr;
    const auto* id = secret != nullptr && secret->is_object() ? secret->as_object().if_contains("id") : nullptr;
    if (ec || id == nullptr || !id->is_string()) die("ShowSecret of a seeded secret has no id");
    const std::string text(id->as_string());
    if (text.size() != kAppDbIdPlaceholder.size()) die("a secret id is not as long as the placeholder");
    return text;
  }

  std::filesystem::path dir_ = make_temp_dir();
  std::unique_ptr<store::sqlite::SqliteStore> store_ = must(store::sqlite::SqliteStore::open(dir_ / "vault.db"), "open store");
  crypto::Keyring keyring_ = crypto::Keyring::from_key(1, fixed_key(11));
  crypto::Sealer sealer_{keyring_};
  core::Clock clock_ = [] { return kNow; };
  domain::SecretService secrets_{*store_, sealer_, clock_};
  domain::CredentialService credentials_{*store_, sealer_, clock_};
  domain::KeyRotation keys_{*store_, keyring_, fixed_key(99), "file", clock_};
  api::AccessSettings access_{auth::default_peer_rules(::getuid()), std::chrono::minutes(15), clock_};
  crypto::BackupSealer backup_sealer_ =
      must(crypto::BackupSealer::from_master_key(fixed_key(77).span()), "derive the backup key");
  domain::SecretBackup backups_{*store_, sealer_, backup_sealer_, clock_};
  domain::EventService events_{*store_, clock_};
  // No rotation command: RotateSecret answers its "not configured" error, which is still a path worth fuzzing.
  domain::RotationService rotation_{*store_, sealer_, clock_, nullptr};
  domain::TagService tags_{*store_};
  std::unique_ptr<audit::AuditLog> audit_ = must(audit::AuditLog::open(dir_ / "audit.log"), "open audit log");
  std::unique_ptr<api::Api> api_ = std::make_unique<api::Api>(
      api::ApiContext{secrets_, credentials_, keys_, access_, *audit_, *store_, backups_, events_, rotation_,
                      tags_});
  std::string app_db_id_;
};

Vault& vault() {
  static std::unique_ptr<Vault> current;
  static std::size_t calls = 0;
  if (!current || ++calls % kRebuildEvery == 0) {
    if (!current) log::configure(log::Level::kError);  // rejected requests log at info: noise, and slow
    current.reset();
    current = std::make_unique<Vault>();
  }
  return *current;
}

}  // namespace

http::Peer owner_peer() {
  http::Peer peer;
  peer.transport = http::Peer::Transport::kUnix;
  peer.uid = ::getuid();
  peer.gid = ::getgid();
  peer.pid = ::getpid();
  peer.address = "/run/csmsd/csmsd.sock";
  return peer;
}

http::Peer tcp_peer() {
  http::Peer peer;
  peer.transport = http::Peer::Transport::kTcp;
  peer.address = "127.0.0.1:54321";
  return peer;
}

http::Response handle(http::Request& request) {
  Vault& current = vault();
  current.resolve_seeded_ids(request);
  return run(current.api(), request);
}

http::Response transport_error(http::TransportError error, const std::string& request_id, const http::Peer& peer) {
  return vault().api().transport_error(error, request_id, peer);
}

http::Request make_request(std::string_view method, std::string_view target, std::string_view body,
                           const http::Peer& peer) {
  http::Request request;
  request.method_name = std::string(method);
  if (method == "GET") request.method = http::Method::kGet;
  if (method == "POST") request.method = http::Method::kPost;
  if (method == "PUT") request.method = http::Method::kPut;
  if (method == "DELETE") request.method = http::Method::kDelete;
  request.target = std::string(target);
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.raw_query = request.target.substr(question + 1);
  request.body.assign(body.begin(), body.end());
  request.request_id = "0123456789abcdef0123456789abcdef";
  request.peer = peer;
  return request;
}

void trace(const http::Request& request, const http::Response& response) {
  static const bool verbose = std::getenv("CSMS_FUZZ_VERBOSE") != nullptr;
  if (!verbose) return;
  std::fprintf(stderr, "%s %s -> %u %.*s\n", request.method_name.c_str(), request.target.c_str(), response.status,
               static_cast<int>(std::min<std::size_t>(response.body.size(), 160)), response.body.data());
}

void check_response(const http::Response& response) {
  if (response.status < 200 || response.status > 599) die("a response has status " + std::to_string(response.status));
  // The probes and /metrics answer plain text (docs/observability.md), /readyz a 503 while the vault is not ready;
  // every error the API renders is JSON.
  if (response.content_type.starts_with("text/plain")) return;
  // Every 5xx is an internal error (a handler threw, the store failed): no input should cause one.
  if (response.status >= 500) die("a request was answered " + std::to_string(response.status));
  if (response.body.empty()) {
    if (response.status >= 400) die("an error response has no body");
    return;
  }
  boost::system::error_code ec;
  const auto json = boost::json::parse(std::string_view(response.body.data(), response.body.size()), ec);
  if (ec || !json.is_object()) die("a response body is not a JSON object");
  if (response.status < 400) return;
  const auto& object = json.as_object();
  const auto* flat = &object;
  if (const auto* nested = object.if_contains("error"); nested != nullptr && nested->is_object()) {
    flat = &nested->as_object();
  }
  const auto* code = flat->if_contains("error_code");
  const auto* message = flat->if_contains("error_msg");
  if (code == nullptr || !code->is_string() || message == nullptr || !message->is_string()) {
    die("an error body lacks error_code or error_msg");
  }
}

}  // namespace csms::fuzz
