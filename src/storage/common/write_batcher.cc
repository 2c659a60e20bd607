#include "storage/common/write_batcher.h"

#include <algorithm>
#include <iterator>

#include "app/transaction.h"
#include "common/mutex.h"

namespace creditd::storage {

using app::Database;
using app::InTransaction;
using app::TransactionMode;
using app::UnitOfWork;

namespace {
// Failures of the database itself (as opposed to a rule of the operation) poison the batch's
// transaction: it must not be committed with a half-done operation in it.
bool IsStorageFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kInternal;
}
}  // namespace

WriteBatcher::WriteBatcher(Database& database, bool group_commit, int threads, int max_batch)
    : database_(database), group_commit_(group_commit), max_batch_(std::max(1, max_batch)) {
  const int count = group_commit ? 1 : std::max(1, threads);
  {
    const MutexLock lock(mutex_);
    running_writers_ = count;
  }
  writers_.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    writers_.emplace_back([this] { WriterLoop(); });
  }
  if (group_commit) {
    syncer_ = std::thread([this] { SyncLoop(); });
  }
}

WriteBatcher::~WriteBatcher() {
  {
    const MutexLock lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& writer : writers_) {
    writer.join();
  }
  if (syncer_.joinable()) {
    syncer_.join();
  }
}

void WriteBatcher::Submit(Operation operation, Completion done) {
  {
    const MutexLock lock(mutex_);
    queue_.push_back(Pending{std::move(operation), std::move(done), Status::Ok()});
  }
  work_ready_.notify_one();
}

Status WriteBatcher::Run(const Operation& operation) {
  // The caller's thread sleeps on its own condition until its completion runs.
  Mutex mutex;
  std::condition_variable finished;
  std::optional<Status> outcome;  // Written under `mutex` by the completion.
  Submit([&operation](UnitOfWork& uow) { return operation(uow); },
         [&](Status status) {
           // Notified under the lock: once the waiter sees the outcome it may destroy `finished`.
           const MutexLock lock(mutex);
           outcome = std::move(status);
           finished.notify_one();
         });
  MutexLock lock(mutex);
  while (!outcome.has_value()) {
    lock.Wait(finished);
  }
  return std::move(*outcome);
}

void WriteBatcher::WriterLoop() {
  std::vector<Pending> batch;
  const size_t limit = group_commit_ ? static_cast<size_t>(max_batch_) : 1;
  MutexLock lock(mutex_);
  for (;;) {
    while (!stopping_ && queue_.empty()) {
      lock.Wait(work_ready_);
    }
    if (queue_.empty()) {
      // Stopping, and nothing is left to run.
      --running_writers_;
      sync_ready_.notify_one();
      return;
    }
    while (!queue_.empty() && batch.size() < limit) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.Unlock();
    const auto started = std::chrono::steady_clock::now();
    if (batch.size() == 1 && !group_commit_) {
      RunAlone(batch.front());
    } else {
      RunBatch(batch);
    }
    commit_latency_.Observe(metrics::MicrosSince(started));
    batch_sizes_.Observe(static_cast<int64_t>(batch.size()));
    const auto size = static_cast<int64_t>(batch.size());  // For largest_batch.
    if (!group_commit_) {
      for (Pending& pending : batch) {
        pending.done(std::move(pending.outcome));
      }
      batch.clear();  // The operations' captures are released outside the lock.
    }
    lock.Lock();
    largest_batch_ = std::max(largest_batch_, size);
    if (group_commit_) {
      // Answered once flushed; the writer goes on with the next batch meanwhile.
      std::move(batch.begin(), batch.end(), std::back_inserter(unsynced_));
      batch.clear();
      sync_ready_.notify_one();
    }
  }
}

void WriteBatcher::SyncLoop() {
  std::vector<Pending> flushing;
  MutexLock lock(mutex_);
  for (;;) {
    while (unsynced_.empty() && running_writers_ != 0) {
      lock.Wait(sync_ready_);
    }
    if (unsynced_.empty()) {
      return;  // The writer has stopped and everything is answered.
    }
    flushing.swap(unsynced_);
    lock.Unlock();
    // Only operations that changed something need the flush; a refusal is answered as it is.
    const bool any_effect =
        std::any_of(flushing.begin(), flushing.end(),
                    [](const Pending& pending) { return pending.outcome.ok(); });
    Status synced = Status::Ok();
    if (any_effect) {
      const auto started = std::chrono::steady_clock::now();
      synced = database_.SyncCommitted();
      sync_latency_.Observe(metrics::MicrosSince(started));
    }
    for (Pending& pending : flushing) {
      pending.done(pending.outcome.ok() ? synced : pending.outcome);
    }
    flushing.clear();
    lock.Lock();
  }
}

void WriteBatcher::RunAlone(Pending& pending) {
  pending.outcome = InTransaction(database_, TransactionMode::kWrite,
                                  [&](UnitOfWork& uow) { return pending.operation(uow); });
}

void WriteBatcher::RunBatch(std::vector<Pending>& batch) {
  bool batch_ok = false;
  {
    auto uow = database_.Begin(group_commit_ ? TransactionMode::kWriteDeferredSync
                                             : TransactionMode::kWrite);
    if (uow.ok()) {
      batch_ok = true;
      for (Pending& pending : batch) {
        Status status = (*uow)->Savepoint();
        if (status.ok()) {
          status = pending.operation(**uow);
          if (status.ok()) {
            pending.outcome = Status::Ok();
            status = (*uow)->ReleaseSavepoint();
          } else if (!IsStorageFailure(status)) {
            pending.outcome = std::move(status);
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
    for (Pending& pending : batch) {
      RunAlone(pending);
    }
  }
}

WriteBatcher::Stats WriteBatcher::stats() const {
  // Batches and operations are the batch-size histogram's count and sum, observed before any of
  // the batch's completions run.
  Stats stats;
  stats.batches = static_cast<int64_t>(batch_sizes_.count());
  stats.operations = batch_sizes_.sum();
  const MutexLock lock(mutex_);
  stats.largest_batch = largest_batch_;
  return stats;
}

void WriteBatcher::WriteMetrics(metrics::TextWriter& out, std::string_view name) const {
  int64_t queued = 0;
  int64_t unsynced = 0;
  {
    const MutexLock lock(mutex_);
    queued = static_cast<int64_t>(queue_.size());
    unsynced = static_cast<int64_t>(unsynced_.size());
  }
  out.Family("creditd_writer_queue_depth", "gauge",
             "Write operations queued for the writer, not yet in a transaction.");
  out.Sample("creditd_writer_queue_depth", {{"writer", name}}, queued);
  out.Family(
      "creditd_writer_unsynced_operations", "gauge",
      "Committed operations waiting for their flush (group commit) before they are answered.");
  out.Sample("creditd_writer_unsynced_operations", {{"writer", name}}, unsynced);
  out.Family("creditd_writer_batch_size", "histogram",
             "Operations per transaction (group commit runs many in one).");
  out.HistogramSamples("creditd_writer_batch_size", {{"writer", name}}, batch_sizes_);
  out.Family("creditd_writer_commit_duration_seconds", "histogram",
             "Time to run a batch's operations and commit its transaction (without the flush).");
  out.HistogramSamples("creditd_writer_commit_duration_seconds", {{"writer", name}},
                       commit_latency_);
  out.Family("creditd_writer_sync_duration_seconds", "histogram",
             "Time to flush committed batches to disk (fdatasync of the SQLite log) before "
             "answering them.");
  out.HistogramSamples("creditd_writer_sync_duration_seconds", {{"writer", name}}, sync_latency_);
}

}  // namespace creditd::storage
