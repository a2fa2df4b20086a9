// Helpers of the tests that run outside programs: Python (for the independent readers of the
// documents we write) and the local SMTP sink (tests/tools/smtp_sink.py, Debian
// python3-aiosmtpd) that receives the e-mails Maillage sends, so that tests read back a real SMTP
// exchange.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace maillage::testing {

inline std::string python() {
  if (const char* p = std::getenv("MAILLAGE_PYTHON"); p != nullptr && *p != '\0') return p;
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

inline std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  status = ::pclose(pipe);
  return out;
}

inline std::string tools(const char* name) {
  return (std::filesystem::path(MAILLAGE_SOURCE_DIR) / "tests" / name).string();
}

// The SMTP sink, started for one test: its port, and the messages it received.
class SmtpSink {
 public:
  bool start() {
    dir_ = std::filesystem::temp_directory_path() /
           ("maillage-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(++count_));
    std::filesystem::remove_all(dir_);
    pipe_ =
        ::popen((python() + " " + tools("tools/smtp_sink.py") + " serve " + dir_.string() + " 2>&1")
                    .c_str(),
                "r");
    if (pipe_ == nullptr) return false;
    char line[256];
    if (std::fgets(line, sizeof line, pipe_) == nullptr) return false;
    if (std::sscanf(line, "%d %d", &port_, &pid_) != 2) return false;
    return std::fgets(line, sizeof line, pipe_) != nullptr && std::string(line) == "ready\n";
  }
  ~SmtpSink() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    if (pipe_ != nullptr) ::pclose(pipe_);
    std::filesystem::remove_all(dir_);
  }
  [[nodiscard]] int port() const { return port_; }
  nlohmann::json messages() const {
    int status = 0;
    const std::string out =
        run(python() + " " + tools("tools/smtp_sink.py") + " read " + dir_.string(), status);
    return status == 0 ? nlohmann::json::parse(out, nullptr, false) : nlohmann::json();
  }

 private:
  static inline int count_ = 0;
  std::filesystem::path dir_;
  FILE* pipe_ = nullptr;
  int port_ = 0, pid_ = 0;
};

}  // namespace maillage::testing
