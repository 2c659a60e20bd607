// WriteBatcher: group commit for the hot path (issue 5 point 7). Concurrent callers' write
// operations are run together in one database transaction, each inside its own savepoint, and
// every caller is answered only after that transaction has committed (so each acknowledged
// operation is durable), while the whole batch pays for one commit (one fsync).
//
// An operation that fails with a business error (insufficient credits, a resolved hold, ...)
// is rolled back to its savepoint and fails alone; the rest of its batch commits. If the batch
// itself cannot commit, or an operation hits a storage failure, each operation of the batch is
// run again on its own (InTransaction), so one bad operation never fails its neighbours.
//
// Operations are queued and run by the batcher's own writer thread(s): with group commit one
// thread takes up to `max_batch` queued operations at a time (SQLite has one writer anyway);
// without it (PostgreSQL, whose server already shares one WAL flush among concurrent commits)
// `threads` threads each run one operation in its own transaction.
//
// With group commit the flush is pipelined: a batch commits as a kWriteDeferredSync transaction
// and goes to a second thread, which calls Database::SyncCommitted() (one fsync for every batch
// committed since the last one) and only then completes the batch's operations, while the writer
// already runs the next batch. So throughput is bounded by the writer's CPU, not by the disk's
// flush latency. Should the flush fail, the operations it covered are answered with that error
// (their effects are committed but may not survive a crash). Submit() never waits, so an
// HTTP I/O thread can hand a charge over and answer it when its completion runs; Run() is the
// blocking form for code that already runs on a worker thread.
//
// Operations must be safe to run more than once (reset whatever they captured), exactly as
// InTransaction requires, and must not call back into the batcher. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "app/ports/unit_of_work.h"
#include "common/result.h"

namespace creditd::app {

class WriteBatcher {
 public:
  using Operation = std::function<Status(UnitOfWork&)>;
  // Receives the operation's outcome once its transaction has committed (or it failed).
  using Completion = std::function<void(Status)>;

  // Starts the writer thread(s): one with `group_commit`, `threads` (at least 1) without.
  explicit WriteBatcher(Database& database, bool group_commit = true, int threads = 1,
                        int max_batch = 256);
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;
  // Runs what is still queued, then joins the writer threads.
  ~WriteBatcher();

  // Queues `operation` and returns at once. `done` runs exactly once, on a writer thread, after
  // the operation's transaction committed or the operation failed; it must not block for long
  // (it delays the next batch) and must not call Run().
  void Submit(Operation operation, Completion done);

  // Runs `operation` in a shared write transaction and returns its Status once the transaction
  // has committed (or the operation failed). Blocks the calling thread meanwhile; must not be
  // called from a writer thread (an operation or a completion).
  Status Run(const Operation& operation);

  // Convenience for operations that produce a value.
  template <typename T>
  Result<T> RunFor(const std::function<Result<T>(UnitOfWork&)>& operation) {
    std::optional<T> value;
    Status status = Run([&](UnitOfWork& uow) -> Status {
      value.reset();
      auto result = operation(uow);
      if (!result.ok()) {
        return std::move(result).status();
      }
      value.emplace(std::move(*result));
      return Status::Ok();
    });
    if (!status.ok()) {
      return status;
    }
    return std::move(*value);
  }

  // Counters for /metrics and the benchmark report.
  struct Stats {
    int64_t batches = 0;
    int64_t operations = 0;
    int64_t largest_batch = 0;
  };
  Stats stats() const;

 private:
  struct Pending {
    Operation operation;
    Completion done;
    Status outcome;
  };

  void WriterLoop();
  void SyncLoop();
  void RunAlone(Pending& pending);
  void RunBatch(std::vector<Pending>& batch);

  Database& database_;
  const bool group_commit_;
  const int max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<Pending> queue_;  // Guarded by mutex_.
  bool stopping_ = false;      // Guarded by mutex_.
  Stats stats_;                // Guarded by mutex_.
  // Committed batches waiting for their flush (group commit only).
  std::condition_variable sync_ready_;
  std::vector<Pending> unsynced_;  // Guarded by mutex_.
  int running_writers_ = 0;        // Guarded by mutex_; the syncer ends after the last writer.
  std::vector<std::thread> writers_;
  std::thread syncer_;
};

}  // namespace creditd::app
