// ServerProcess: the real `sonora` binary as a child process, for whole-server tests
// (STYLE.md 3.8). Starts `sonora serve --port 0 --host 127.0.0.1 --data-dir DIR`, waits for the
// one stdout line "sonora listening on 127.0.0.1:PORT", and on destruction sends SIGTERM and
// reaps it. The binary's path comes from the SONORA_BINARY compile definition.
//
//   auto server = ServerProcess::Start({.data_dir = dir.path()});
//   ASSERT_NE(server, nullptr);
//   HttpClient client(server->port());
//   ...
//   EXPECT_EQ(server->Stop(), 0);  // graceful shutdown exits 0
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.h"

namespace sonora::testing {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// The path of the sonora binary under test.
const char* SonoraBinary();

struct ServerProcessOptions {
  std::string data_dir;      // required; created by the server when missing
  std::string database_url;  // empty: the server's default SQLite file in data_dir
  EnvList env;               // added to (or replacing in) the inherited environment; the
                             // last value of a repeated key wins
  std::vector<std::string> extra_args;
  std::chrono::seconds start_timeout{20};
};

class ServerProcess {
 public:
  // Starts the server and waits for its listening line. On failure (exec error, early exit,
  // timeout, an unexpected first line) records a test failure with the server's stderr and
  // returns nullptr.
  static std::unique_ptr<ServerProcess> Start(ServerProcessOptions options);

  // Stops the server if still running (SIGTERM, then SIGKILL after 15 s).
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends SIGTERM and waits up to `wait`. Returns the exit code, 128 + N when killed by signal
  // N, or -1 when it did not exit in time (it is then killed with SIGKILL).
  int Stop(std::chrono::seconds wait = std::chrono::seconds(15));
  bool running() const { return pid_ > 0; }

  // Everything the server wrote to stderr so far (its logs).
  std::string Stderr() const;
  // What the server wrote to stdout after the listening line (read after Stop; the contract
  // says nothing).
  const std::string& extra_stdout() const { return extra_stdout_; }

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  int port_ = 0;
  int stdout_fd_ = -1;
  std::string extra_stdout_;
  std::unique_ptr<TempDir> log_dir_;
  std::string stderr_path_;
};

struct CommandResult {
  int exit_code = -1;  // as for ServerProcess::Stop
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs `sonora ARGS...` to completion (e.g. `user create`), with `env` added to the inherited
// environment. Kills it and returns exit_code -1 after `timeout`.
CommandResult RunSonora(const std::vector<std::string>& args, const EnvList& env = {},
                        std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace sonora::testing
