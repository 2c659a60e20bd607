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
// Leader/follower: the first caller to find no batch running becomes the leader, takes up to
// `max_batch` queued operations, runs them on its own thread and wakes the others; no extra
// thread is involved, and the unit of work never leaves the thread that began it.
//
// Operations must be safe to run more than once (reset whatever they captured), exactly as
// InTransaction requires. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <type_traits>
#include <utility>

#include "app/ports/unit_of_work.h"
#include "common/result.h"

namespace creditd::app {

class WriteBatcher {
 public:
  using Operation = std::function<Status(UnitOfWork&)>;

  // With `group_commit` false every operation runs in its own transaction, concurrently with the
  // others (for PostgreSQL, whose server already shares one WAL flush among concurrent commits;
  // batching on the client would serialise every statement's network round trip).
  explicit WriteBatcher(Database& database, bool group_commit = true, int max_batch = 256)
      : database_(database), group_commit_(group_commit), max_batch_(max_batch) {}
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  // Runs `operation` in a shared write transaction and returns its Status once the transaction
  // has committed (or the operation failed). Blocks the calling thread meanwhile.
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
    const Operation* operation = nullptr;
    Status outcome;
    bool done = false;
    // Each waiter sleeps on its own condition, so finishing a batch wakes exactly its members
    // and the next leader, not every thread in the queue.
    std::condition_variable wake;
  };

  void RunBatch(std::deque<Pending*>& batch);

  Database& database_;
  const bool group_commit_;
  const int max_batch_;
  mutable std::mutex mutex_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
  Stats stats_;
};

}  // namespace creditd::app
