// Background solve jobs of planning campaigns. A job is a row of roster_jobs (queued, running,
// done, failed) with its progress, the objective and bound it reached and its result; a runner
// thread in the server process claims queued jobs one at a time (any server instance may claim
// one: the claim is a conditional UPDATE), solves the campaign's model with the campaign's time
// limit, checks the roster with the independent checker, stores the assignments and moves the
// campaign to « résolu ». Progress is the elapsed share of the time limit, written every second
// (the engine reports its best objective and bound at the end of the search).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "common/error.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct RosterJobSettings {
  int solver_threads = 2;
  /// How often an idle runner looks for jobs queued by another server instance.
  std::chrono::milliseconds poll_interval{1000};
};

/// Claims the oldest queued job and runs it on the calling thread; returns its id, or nullopt
/// when none was queued. Errors are those of the store; a failing solve marks the job failed.
Result<std::optional<std::int64_t>> run_next_roster_job(store::Database& db,
                                                        const RosterJobSettings& settings);

class RosterJobRunner {
 public:
  RosterJobRunner(store::Database& db, RosterJobSettings settings);
  ~RosterJobRunner();  // stops and joins (waits for a running solve to end)
  RosterJobRunner(const RosterJobRunner&) = delete;
  RosterJobRunner& operator=(const RosterJobRunner&) = delete;

  void start();
  /// Wakes the runner at once (a job was just queued by this process).
  void notify();
  void stop();

 private:
  void loop();

  store::Database& db_;
  RosterJobSettings settings_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool pending_ = false;
  std::thread thread_;
};

}  // namespace maillage::services
