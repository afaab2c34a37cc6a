#include "api/server_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace sonora::testing {

namespace {

using Clock = std::chrono::steady_clock;

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` until `deadline`; the exit status as DecodeWaitStatus, or nullopt.
std::optional<int> WaitUntil(pid_t pid, Clock::time_point deadline) {
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return DecodeWaitStatus(status);
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::vector<std::string> BuildEnvironment(const EnvList& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    bool replaced = false;
    for (const auto& [k, v] : overrides) {
      if (entry.size() > k.size() && entry.substr(0, k.size()) == k && entry[k.size()] == '=') {
        replaced = true;
      }
    }
    if (!replaced) env.emplace_back(entry);
  }
  // A key given twice: the later value wins (getenv would see the first).
  for (size_t i = 0; i < overrides.size(); ++i) {
    bool superseded = false;
    for (size_t j = i + 1; j < overrides.size(); ++j)
      superseded |= overrides[j].first == overrides[i].first;
    if (!superseded) env.push_back(overrides[i].first + "=" + overrides[i].second);
  }
  return env;
}

struct Spawned {
  pid_t pid = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;  // -1 when stderr went to a file
  std::string error;
};

// fork + execve of the sonora binary with `args`. stdout always goes to a pipe; stderr to
// `stderr_path` when given, otherwise to a second pipe. The child runs in `cwd` (so no stray
// ./sonora.toml is picked up), dies with the test process, and inherits no other descriptors.
Spawned Spawn(const std::vector<std::string>& args, const EnvList& env_overrides,
              const std::string& cwd, const std::string& stderr_path) {
  Spawned s;
  std::vector<std::string> argv_s;
  argv_s.emplace_back(SonoraBinary());
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = BuildEnvironment(env_overrides);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    s.error = std::string("pipe: ") + std::strerror(errno);
    return s;
  }
  int err_file = -1;
  if (stderr_path.empty()) {
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
      s.error = std::string("pipe: ") + std::strerror(errno);
      return s;
    }
  } else {
    err_file = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (err_file < 0) {
      s.error = "open " + stderr_path + ": " + std::strerror(errno);
      return s;
    }
  }
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    s.error = std::string("fork: ") + std::strerror(errno);
    return s;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until execve.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_file >= 0 ? err_file : err_pipe[1], STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  if (err_pipe[1] >= 0) ::close(err_pipe[1]);
  if (err_file >= 0) ::close(err_file);
  s.pid = pid;
  s.stdout_fd = out_pipe[0];
  s.stderr_fd = err_pipe[0];
  return s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

}  // namespace

const char* SonoraBinary() { return SONORA_BINARY; }

std::unique_ptr<ServerProcess> ServerProcess::Start(ServerProcessOptions options) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->log_dir_ = std::make_unique<TempDir>();
  server->stderr_path_ = server->log_dir_->path() + "/stderr.log";

  std::vector<std::string> args = {"serve",      "--port",        "0", "--host", "127.0.0.1",
                                   "--data-dir", options.data_dir};
  if (!options.database_url.empty()) {
    args.push_back("--database");
    args.push_back(options.database_url);
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  Spawned s = Spawn(args, options.env, server->log_dir_->path(), server->stderr_path_);
  if (s.pid < 0) {
    ADD_FAILURE() << "cannot start " << SonoraBinary() << ": " << s.error;
    return nullptr;
  }
  server->pid_ = s.pid;
  server->stdout_fd_ = s.stdout_fd;

  // Read stdout until the first newline.
  const auto deadline = Clock::now() + options.start_timeout;
  std::string line;
  bool eof = false;
  while (line.find('\n') == std::string::npos && !eof) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{.fd = server->stdout_fd_, .events = POLLIN, .revents = 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) break;
    char buf[256];
    ssize_t n = ::read(server->stdout_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof = true;
      break;
    }
    line.append(buf, static_cast<size_t>(n));
  }
  const size_t nl = line.find('\n');
  if (nl == std::string::npos) {
    const int code = server->Stop(std::chrono::seconds(5));
    ADD_FAILURE() << "sonora serve did not print its listening line within "
                  << options.start_timeout.count() << " s (eof=" << eof << ", exit " << code
                  << "); stdout: '" << line << "'; stderr:\n"
                  << Tail(server->Stderr(), 4000);
    return nullptr;
  }
  server->extra_stdout_ = line.substr(nl + 1);
  line.resize(nl);
  constexpr std::string_view kPrefix = "sonora listening on 127.0.0.1:";
  int port = 0;
  if (line.rfind(kPrefix, 0) == 0) {
    const std::string digits = line.substr(kPrefix.size());
    if (!digits.empty() && digits.size() <= 5 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      port = std::stoi(digits);
    }
  }
  if (port <= 0 || port > 65535) {
    server->Stop(std::chrono::seconds(5));
    ADD_FAILURE() << "unexpected first stdout line: '" << line << "'; stderr:\n"
                  << Tail(server->Stderr(), 4000);
    return nullptr;
  }
  server->port_ = port;
  return server;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop();
  if (::testing::Test::HasFailure() && log_dir_ != nullptr) {
    std::fprintf(
        stderr,
        "---- sonora server stderr (tail) ----\n%s\n-------------------------------------\n",
        Tail(Stderr(), 6000).c_str());
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

int ServerProcess::Stop(std::chrono::seconds wait) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  std::optional<int> code = WaitUntil(pid_, Clock::now() + wait);
  if (!code) {
    ::kill(pid_, SIGKILL);
    WaitUntil(pid_, Clock::now() + std::chrono::seconds(10)).value_or(-1);
    code = -1;
  }
  pid_ = -1;
  // Collect anything else written to stdout (the contract: nothing).
  if (stdout_fd_ >= 0) {
    ::fcntl(stdout_fd_, F_SETFL, O_NONBLOCK);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(stdout_fd_, buf, sizeof(buf))) > 0)
      extra_stdout_.append(buf, static_cast<size_t>(n));
  }
  return *code;
}

std::string ServerProcess::Stderr() const {
  return stderr_path_.empty() ? "" : ReadFile(stderr_path_);
}

CommandResult RunSonora(const std::vector<std::string>& args, const EnvList& env,
                        std::chrono::seconds timeout) {
  CommandResult result;
  TempDir cwd;
  Spawned s = Spawn(args, env, cwd.path(), "");
  if (s.pid < 0) {
    result.err = s.error;
    return result;
  }
  const auto deadline = Clock::now() + timeout;
  pollfd fds[2] = {{.fd = s.stdout_fd, .events = POLLIN, .revents = 0},
                   {.fd = s.stderr_fd, .events = POLLIN, .revents = 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  bool timed_out = false;
  while (open_fds > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    int rc = ::poll(fds, 2, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) {
      timed_out = rc == 0;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  if (timed_out) ::kill(s.pid, SIGKILL);
  std::optional<int> code = WaitUntil(s.pid, Clock::now() + std::chrono::seconds(10));
  result.exit_code = timed_out ? -1 : code.value_or(-1);
  return result;
}

}  // namespace sonora::testing
