// The write-queue port: runs write operations in database transactions on threads of its own,
// so a caller (an HTTP I/O thread) hands a write over and is answered when it has committed.
// The group-commit implementation is storage::WriteBatcher (storage/common/write_batcher.h).
//
// Operations must be safe to run more than once (reset whatever they captured), as InTransaction
// requires, and must not call back into the queue. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include "app/ports/unit_of_work.h"
#include "common/result.h"

namespace creditd::app {

class WriteQueue {
 public:
  using Operation = std::function<Status(UnitOfWork&)>;
  // Receives the operation's outcome once its transaction has committed (or it failed).
  using Completion = std::function<void(Status)>;

  // Counters for /metrics and the benchmark report.
  struct Stats {
    int64_t batches = 0;
    int64_t operations = 0;
    int64_t largest_batch = 0;
  };

  WriteQueue() = default;
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;
  virtual ~WriteQueue() = default;

  // Queues `operation` and returns at once. `done` runs exactly once, on one of the queue's
  // threads, after the operation's transaction committed or the operation failed; it must not
  // block for long and must not call Run().
  virtual void Submit(Operation operation, Completion done) = 0;

  // Runs `operation` and returns its Status once its transaction has committed (or it failed).
  // Blocks the calling thread meanwhile; must not be called from the queue's own threads.
  virtual Status Run(const Operation& operation) = 0;

  virtual Stats stats() const = 0;

  // Run() for operations that produce a value.
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
};

}  // namespace creditd::app
