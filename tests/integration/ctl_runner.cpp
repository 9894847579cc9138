// ctl_runner.cpp: posix_spawn of csmsctl with a chosen environment and stdin, both output pipes drained by poll.
#include "ctl_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "temp_dir.hpp"

extern char** environ;

namespace csms_it {

using csms_test::TempDir;

std::filesystem::path csmsctl_binary() {
  if (const char* env = std::getenv("CSMSCTL_BINARY"); env != nullptr && *env != '\0') return env;
  const std::filesystem::path built = CSMSCTL_BINARY_PATH;
  if (built.empty()) throw std::runtime_error("no csmsctl binary: build the csmsctl target or set CSMSCTL_BINARY");
  return built;
}

std::ostream& operator<<(std::ostream& os, const CtlRun& run) {
  return os << "exit " << run.status << "\n--- stdout ---\n" << run.out << "--- stderr ---\n" << run.err;
}

CtlRun run_ctl(const std::vector<std::string>& args, const EnvChanges& env_changes, std::chrono::milliseconds timeout,
               const std::optional<std::string>& input) {
  const std::string binary = csmsctl_binary().string();
  std::vector<char*> argv{const_cast<char*>(binary.c_str())};
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  EnvChanges changes = {{"CSMSD_PROJECT", std::nullopt},
                        {"CSMSD_ACCESS_KEY", std::nullopt},
                        {"CSMSD_SECRET_KEY", std::nullopt}};
  for (const auto& [name, value] : env_changes) changes[name] = value;
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (!changes.contains(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  for (const auto& [name, value] : changes) {
    if (value) env_strings.push_back(name + "=" + *value);
  }
  // stdin from a file: the child reads it at its own pace and this loop only has to drain the output pipes.
  std::optional<TempDir> input_dir;
  std::string input_path = "/dev/null";
  if (input) {
    input_dir.emplace("csmsctl-stdin");
    input_path = (*input_dir / "stdin").string();
    std::ofstream(input_path, std::ios::binary) << *input;
  }
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input_path.c_str(), O_RDONLY, 0);
  pid_t pid = -1;
  const int spawn_error = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawn_error != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::system_error(spawn_error, std::generic_category(), "posix_spawn " + binary);
  }

  CtlRun run;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_fds = 2;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (open_fds > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  run.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  if (timed_out) FAIL("csmsctl did not finish within " << timeout.count() << " ms\n" << run);
  return run;
}

CtlRun ctl(const Daemon& daemon, std::vector<std::string> args, const std::optional<std::string>& input) {
  args.insert(args.begin(), {"--socket", daemon.socket_path().string()});
  return run_ctl(args, {}, std::chrono::seconds(60), input);
}

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

json::value parse_json(const CtlRun& run) {
  INFO(run);
  json::value value;
  REQUIRE_NOTHROW(value = json::parse(run.out));
  return value;
}

}  // namespace csms_it
