#include "app/write_batcher.h"

#include <algorithm>

#include "app/transaction.h"

namespace creditd::app {

namespace {
// Failures of the database itself (as opposed to a rule of the operation) poison the batch's
// transaction: it must not be committed with a half-done operation in it.
bool IsStorageFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kInternal;
}
}  // namespace

Status WriteBatcher::Run(const Operation& operation) {
  if (!group_commit_) {
    Status status = InTransaction(database_, TransactionMode::kWrite,
                                  [&](UnitOfWork& uow) { return operation(uow); });
    std::lock_guard lock(mutex_);
    ++stats_.batches;
    ++stats_.operations;
    stats_.largest_batch = std::max<int64_t>(stats_.largest_batch, 1);
    return status;
  }
  Pending pending;
  pending.operation = &operation;
  std::unique_lock lock(mutex_);
  queue_.push_back(&pending);
  while (!pending.done) {
    if (leader_active_) {
      pending.wake.wait(lock);
      continue;
    }
    leader_active_ = true;
    std::deque<Pending*> batch;
    while (!queue_.empty() && batch.size() < static_cast<size_t>(max_batch_)) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    RunBatch(batch);
    lock.lock();
    ++stats_.batches;
    stats_.operations += static_cast<int64_t>(batch.size());
    stats_.largest_batch = std::max(stats_.largest_batch, static_cast<int64_t>(batch.size()));
    leader_active_ = false;
    for (Pending* done : batch) {
      done->done = true;
      done->wake.notify_one();
    }
    if (!queue_.empty()) {
      queue_.front()->wake.notify_one();  // The next leader.
    }
  }
  return std::move(pending.outcome);
}

void WriteBatcher::RunBatch(std::deque<Pending*>& batch) {
  const auto run_alone = [this](Pending& pending) {
    pending.outcome = InTransaction(database_, TransactionMode::kWrite,
                                    [&](UnitOfWork& uow) { return (*pending.operation)(uow); });
  };
  if (batch.size() == 1) {
    run_alone(*batch.front());
    return;
  }
  bool batch_ok = false;
  {
    auto uow = database_.Begin(TransactionMode::kWrite);
    if (uow.ok()) {
      batch_ok = true;
      for (Pending* pending : batch) {
        Status status = (*uow)->Savepoint();
        if (status.ok()) {
          status = (*pending->operation)(**uow);
          if (status.ok()) {
            status = (*uow)->ReleaseSavepoint();
          } else if (!IsStorageFailure(status)) {
            pending->outcome = std::move(status);
            status = (*uow)->RollbackToSavepoint();
          }
        }
        if (!status.ok()) {
          batch_ok = false;
          break;
        }
      }
      batch_ok = batch_ok && (*uow)->Commit().ok();
    }
  }  // The unit of work rolls back here unless it committed.
  if (!batch_ok) {
    for (Pending* pending : batch) {
      run_alone(*pending);
    }
  }
}

WriteBatcher::Stats WriteBatcher::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace creditd::app
