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
// Implements app::WriteQueue; thread-safe, its locking contract checked by clang (GUARDED_BY).
#pragma once

#include <condition_variable>
#include <deque>
#include <thread>
#include <vector>

#include "app/ports/unit_of_work.h"
#include "app/ports/write_queue.h"
#include "common/metrics.h"
#include "common/mutex.h"
#include "common/result.h"

namespace creditd::storage {

class WriteBatcher final : public app::WriteQueue {
 public:
  // Starts the writer thread(s): one with `group_commit`, `threads` (at least 1) without.
  explicit WriteBatcher(app::Database& database, bool group_commit = true, int threads = 1,
                        int max_batch = 256);
  // Runs what is still queued, then joins the writer threads.
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;
  ~WriteBatcher() override;

  void Submit(Operation operation, Completion done) override EXCLUDES(mutex_);
  Status Run(const Operation& operation) override;
  Stats stats() const override EXCLUDES(mutex_);

  // Writes the batcher's metrics: batches and operations, batch sizes, commit and flush latency,
  // the queue's depth. `name` labels them ("charges").
  void WriteMetrics(metrics::TextWriter& out, std::string_view name) const EXCLUDES(mutex_);

 private:
  struct Pending {
    Operation operation;
    Completion done;
    Status outcome;
  };

  void WriterLoop() EXCLUDES(mutex_);
  void SyncLoop() EXCLUDES(mutex_);
  void RunAlone(Pending& pending);
  void RunBatch(std::vector<Pending>& batch);

  app::Database& database_;
  const bool group_commit_;
  const int max_batch_;
  mutable Mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<Pending> queue_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  int64_t largest_batch_ GUARDED_BY(mutex_) = 0;
  // Committed batches waiting for their flush (group commit only).
  std::condition_variable sync_ready_;
  std::vector<Pending> unsynced_ GUARDED_BY(mutex_);
  // The syncer ends after the last writer.
  int running_writers_ GUARDED_BY(mutex_) = 0;
  // Observed by the writer and syncer threads, outside the lock.
  metrics::Histogram batch_sizes_{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, 1};
  metrics::Histogram commit_latency_ = metrics::Histogram::Latency();  // A batch's transaction.
  metrics::Histogram sync_latency_ = metrics::Histogram::Latency();    // SyncCommitted (fsync).
  std::vector<std::thread> writers_;
  std::thread syncer_;
};

}  // namespace creditd::storage
