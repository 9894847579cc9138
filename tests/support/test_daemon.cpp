// test_daemon.cpp: standard layout and flags for a per-test csmsd.
#include "test_daemon.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace csms_test {
namespace {

std::shared_ptr<PgTestDatabase> database_for(const TestDaemonOptions& options) {
  if (!PgTestDatabase::cluster()) return nullptr;
  if (options.share_database) return options.share_database;
  return std::make_shared<PgTestDatabase>();
}

std::vector<std::string> standard_args(const TempDir& dir, const TestDaemonOptions& options,
                                       const std::shared_ptr<PgTestDatabase>& database) {
  std::vector<std::string> args = {
      "--data-dir", (dir / "data").string(), "--listen", "unix:" + (dir / "csmsd.sock").string(),
  };
  if (options.listen_tcp) {
    args.push_back("--listen");
    args.push_back("127.0.0.1:0");
  }
  args.insert(args.end(), {"--prune-interval", options.prune_interval, "--prune-grace", options.prune_grace,
                           "--log-level", options.log_level});
  if (database) args.insert(args.end(), {"--store", database->conninfo()});
  if (options.master_key_file) args.insert(args.end(), {"--master-key", "file:" + options.master_key_file->string()});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  return args;
}

}  // namespace

TestDaemon::TestDaemon(std::filesystem::path binary, TestDaemonOptions options)
    : temp_dir_("csmsd-it"),
      database_(database_for(options)),
      process_(std::move(binary), standard_args(temp_dir_, options, database_), temp_dir_ / "csmsd.stderr.log") {
  if (::mkdir(data_dir().c_str(), 0700) != 0) {
    throw std::system_error(errno, std::generic_category(), "mkdir " + data_dir().string());
  }
  if (options.start) process_.start();
}

TestDaemon::~TestDaemon() = default;

Endpoint TestDaemon::unix_endpoint() const {
  if (!process_.unix_socket()) throw std::runtime_error("csmsd reported no unix listener");
  return Endpoint::unix_socket(*process_.unix_socket());
}

Endpoint TestDaemon::tcp_endpoint() const {
  if (!process_.tcp_port() || !process_.tcp_host()) throw std::runtime_error("csmsd reported no tcp listener");
  return Endpoint::tcp(*process_.tcp_host(), *process_.tcp_port());
}

HttpClient TestDaemon::client(std::chrono::milliseconds timeout) const { return HttpClient(unix_endpoint(), timeout); }

HttpClient TestDaemon::tcp_client(std::chrono::milliseconds timeout) const {
  HttpClient client(tcp_endpoint(), timeout);
  client.set_signer(sdk_signer(admin_key()));
  return client;
}

HttpClient TestDaemon::anonymous_tcp_client(std::chrono::milliseconds timeout) const {
  return HttpClient(tcp_endpoint(), timeout);
}

boost::json::object TestDaemon::create_credential(std::string_view type, std::string_view role,
                                                  const std::vector<std::string>& projects) const {
  boost::json::array project_list;
  for (const std::string& project : projects) project_list.emplace_back(project);
  auto admin = client();
  const auto reply = admin.post_json("/v1/csmsd/credentials",
                                     boost::json::object{{"type", type}, {"role", role}, {"projects", project_list}});
  if (reply.status != 201) {
    throw std::runtime_error("creating a credential failed: " + std::to_string(reply.status) + " " + reply.body);
  }
  return boost::json::parse(reply.body).as_object().at("credential").as_object();
}

AccessKey TestDaemon::create_access_key(std::string_view role, const std::vector<std::string>& projects) const {
  const auto credential = create_credential("access_key", role, projects);
  return AccessKey{std::string(credential.at("access_key").as_string()),
                   std::string(credential.at("secret_key").as_string())};
}

std::string TestDaemon::create_token(std::string_view role, const std::vector<std::string>& projects) const {
  return std::string(create_credential("token", role, projects).at("token").as_string());
}

AccessKey TestDaemon::admin_key() const {
  const std::lock_guard<std::mutex> lock(admin_key_mutex_);
  if (!admin_key_) admin_key_ = create_access_key("admin", {"*"});
  return *admin_key_;
}

int TestDaemon::restart() {
  const int status = process_.stop();
  process_.start();
  return status;
}

}  // namespace csms_test
